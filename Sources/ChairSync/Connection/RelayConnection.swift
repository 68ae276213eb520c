import RelayProtocol

/// What a pull needs from a relay: its identity, the recipients sets it seals to, pages of
/// envelopes and acknowledgements. `RelayClient` speaks it over HTTP; a test can stand a relay
/// of its own behind it, so a pull's steps run without a process or a socket.
package protocol RelayConnection: Sendable {
    /// The relay store's identity (docs/RELAY-API.md section 3).
    var relayIdentity: [UInt8] { get }
    /// The recipients sets the relay says its envelopes were sealed to, unchecked.
    func recipientSets() async throws(RelayFailure) -> [String]
    /// One page of at most `limit` envelopes after `after`.
    func fetchPage(after: Int64, limit: Int) async throws(RelayFailure) -> EnvelopePageBody
    /// Tells the relay everything up to `through` is stored here, and hears a refusal that
    /// means the relay's history is no longer this store's.
    func acknowledgeOrHearRefusal(through: Int64, chain: [UInt8]) async throws(RelayFailure)
        -> AcknowledgementAnswer
}

extension RelayConnection {
    /// Tells the relay everything up to `through` is stored here; a refusal is a failure.
    package func acknowledge(through: Int64, chain: [UInt8]) async throws(RelayFailure) -> Int {
        switch try await acknowledgeOrHearRefusal(through: through, chain: chain) {
        case .accepted(let deleted, _): return deleted
        case .historyDiffers(let reason): throw .acknowledgementRefused(reason)
        }
    }
}

/// What the relay made of an acknowledgement.
package enum AcknowledgementAnswer: Sendable, Equatable {
    /// Taken; this many rows were deleted, and this signer has now acknowledged everything up
    /// to `acknowledgedThrough` (from any copy of its store), when the relay says.
    case accepted(deleted: Int, acknowledgedThrough: Int64?)
    /// Refused (409): the relay does not hold that envelope, or holds another in its place.
    case historyDiffers(RelayFailure.Reason)
}

/// What one request to the relay is for: a failure names it.
package enum RelayStep: Sendable, Equatable {
    case identity
    case recipientSets
    case page(after: Int64)
    case acknowledgement(through: Int64)
}

/// Why an exchange with the relay gave nothing usable. The command line words each case.
package enum RelayFailure: Error, Sendable {
    /// The relay's own reason for an error answer, untrusted; or only its status.
    package enum Reason: Sendable, Equatable {
        case said(String)
        case status(Int)
    }

    case notAWebAddress(String)
    case addressUnusable
    case answerUnreadable(RelayStep)
    /// Numbers no Blind Relay sends: nothing from the answer was used.
    case answerOutOfRange(RelayStep)
    case acknowledgementNotPrepared
    case acknowledgementRefused(Reason)
    /// A redirect, never followed: it would carry the chair's signature elsewhere.
    case redirected(RelayStep, to: String?)
    /// 404: no Blind Relay at that address.
    case noRelayThere(address: String)
    /// 401: the request's signature was refused.
    case refused(Reason)
    case errorAnswer(Reason)
    /// No whole answer: unreachable, too large, or past the deadline.
    case transfer(BoundedTransfer.Failure, RelayStep, relay: String)
}
