/// One stored envelope as the relay's API returns it.
public struct StoredEnvelopeBody: Codable, Sendable, Equatable {
    /// The relay's sequence number; consecutive, never reused.
    public var sequence: Int64
    /// The hour it was stored, UTC, as "YYYY-MM-DDTHH".
    public var receivedHour: String
    /// The envelope, base64.
    public var envelope: String
    /// The chain value after this envelope, hex.
    public var chain: String

    /// Creates the body of one envelope.
    public init(sequence: Int64, receivedHour: String, envelope: String, chain: String) {
        self.sequence = sequence
        self.receivedHour = receivedHour
        self.envelope = envelope
        self.chain = chain
    }
}

/// The answer to `GET /api/v1/envelopes`.
public struct EnvelopePageBody: Codable, Sendable, Equatable {
    /// The chain value just before the first envelope returned, hex; nil when the relay no
    /// longer knows it (the row before was removed without an acknowledgement).
    public var previousChain: String?
    /// The envelopes after the cursor, oldest first.
    public var envelopes: [StoredEnvelopeBody]
    /// Whether more envelopes follow this page.
    public var hasMore: Bool
    /// Whether the relay's store is full and is refusing new submissions.
    public var storeFull: Bool
    /// Sequence numbers the relay's store lost when it was put back from an earlier copy, each
    /// range ending at or after the cursor asked for (docs/RELAY-API.md section 2.1).
    public var lost: [LostRangeBody]?
    /// The highest sequence number the relay's store has issued: a reader whose cursor is beyond
    /// it knows the store's history was put back or rewritten.
    public var head: Int64?

    /// Creates a page.
    public init(
        previousChain: String?, envelopes: [StoredEnvelopeBody], hasMore: Bool, storeFull: Bool,
        lost: [LostRangeBody]? = nil, head: Int64? = nil
    ) {
        self.previousChain = previousChain
        self.envelopes = envelopes
        self.hasMore = hasMore
        self.storeFull = storeFull
        self.lost = lost
        self.head = head
    }
}

/// Sequence numbers `first` to `last` (both included) that a restored store no longer holds and
/// will never issue again.
public struct LostRangeBody: Codable, Sendable, Equatable, Hashable {
    public var first: Int64
    public var last: Int64

    public init(first: Int64, last: Int64) {
        self.first = first
        self.last = last
    }
}

/// The body of `POST /api/v1/acknowledge`: the chair has safely stored everything up to here.
public struct AcknowledgementBody: Codable, Sendable, Equatable {
    /// The last sequence number the chair stored.
    public var through: Int64
    /// That envelope's chain value, hex, proving the chair saw the same history.
    public var chain: String

    /// Creates an acknowledgement.
    public init(through: Int64, chain: String) {
        self.through = through
        self.chain = chain
    }
}

/// The answer to an acknowledgement.
public struct AcknowledgementResultBody: Codable, Sendable, Equatable {
    /// How many envelopes the relay deleted (only those every recipient has now stored).
    public var deleted: Int
    /// The last sequence this recipient has acknowledged, this acknowledgement included.
    public var acknowledged: Int64

    /// Creates the answer.
    public init(deleted: Int, acknowledged: Int64) {
        self.deleted = deleted
        self.acknowledged = acknowledged
    }
}

/// The answer to `GET /api/v1/relay`: the relay's identity, which every signed request names.
public struct RelayIdentityBody: Codable, Sendable, Equatable {
    /// 16 bytes, hex.
    public var relay: String

    /// Creates the body.
    public init(relay: String) {
        self.relay = relay
    }
}

/// `GET /api/v1/recipients`: every recipients set the relay's stored envelopes may have been
/// sealed to, as the files the chair signed (docs/FORMAT.md section 10), the current one last.
public struct RecipientSetsBody: Codable, Sendable, Equatable {
    /// The signed files' text.
    public var sets: [String]

    /// Creates the body.
    public init(sets: [String]) {
        self.sets = sets
    }
}
