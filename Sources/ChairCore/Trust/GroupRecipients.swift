import ChairStorage
import Envelope
import Sodium

/// The recipients sets a store trusts, and the check every pulled envelope passes: that it was
/// sealed to a set the group's chair signed, to no one that set leaves out, and not to an older
/// set once a newer one was in use (docs/FORMAT.md section 10). The chair's role passes to a
/// deputy the chair named, in a handover (section 10.2).
package struct GroupRecipients {
    /// The chair's signing key: only sets it signed are trusted.
    package let signer: [UInt8]
    /// The deputy this store's own chair handed over to (`chair handover export`), hex.
    package let handedOverTo: String?
    /// Every trusted set, by digest.
    package private(set) var sets: [[UInt8]: RecipientSet]
    /// The serial of the set the last stored envelope was sealed to.
    package private(set) var lastSerial: Int64
    /// What changed in whom this store trusts, said once: a new store's first chair, a handover.
    package private(set) var trustChanges: [TrustChange] = []
    /// Set when the relay seals to an older set than one this store has seen.
    package private(set) var relayBehind: RelayBehind?

    /// A change in whose sets this store trusts.
    package enum TrustChange: Equatable, Sendable {
        /// A new store trusts the sets this chair signs: the fingerprint is to be checked with them.
        case newStoreTrusts(PublicKeyFile)
        /// This store's own identity took the chair's role over, from this set on.
        case becameChair(serial: Int64, from: PublicKeyFile?)
        /// This store's own chair handed the role to `to`, who signed this set.
        case handedOver(to: PublicKeyFile, serial: Int64)
        /// The role passed between two others, `from` having made `to` a deputy.
        case passed(from: PublicKeyFile?, to: PublicKeyFile, serial: Int64)
    }

    /// The relay seals to an older set than the newest signed; `alsoReadBy` are those the older
    /// set lets read whom the newest leaves out, as "Name (role)".
    package struct RelayBehind: Equatable, Sendable {
        package let sealsTo: Int64
        package let newest: Int64
        package let alsoReadBy: [String]
    }

    /// The newest trusted set.
    package var newest: RecipientSet? { sets.values.max { $0.serial < $1.serial } }
    /// The set the relay seals to now: the highest serial it offers.
    package private(set) var relayCurrent: RecipientSet?

    /// The trusted set with this digest.
    package func set(withDigest digest: [UInt8]) -> RecipientSet? { sets[digest] }

    /// Why the relay's sets cannot be trusted: nothing may be fetched or changed.
    package enum Failure: Error, Equatable {
        /// One of the relay's sets does not parse or verify: which (counted from 1), of how
        /// many, and why.
        case untrustedSet(number: Int, of: Int, reason: String)
        case noSignedSet
        /// A set signed by someone the trusted chair never handed over to; `byOwnChair` when
        /// this store's own identity is the chair it trusts.
        case signedByAnother(set: RecipientSet, trusted: PublicKeyFile?, byOwnChair: Bool)
    }

    /// Checks the relay's sets against what the store trusts. A set not signed by the trusted
    /// chair stops the pull before anything is fetched.
    package init(relayFiles: [String], stored: ChairStore.GroupTrust?, identity: ChairIdentity) throws(Failure) {
        var parsed: [RecipientSet] = []
        for (index, file) in relayFiles.enumerated() {
            do {
                parsed.append(try RecipientSet(parsing: Array(file.utf8)))
            } catch {
                throw .untrustedSet(number: index + 1, of: relayFiles.count, reason: "\(error)")
            }
        }
        var storedSets: [RecipientSet] = []
        for file in stored?.sets ?? [] {
            if let set = try? RecipientSet(parsing: Array(file.utf8)) { storedSets.append(set) }
        }
        let offered = parsed.sorted { $0.serial < $1.serial }
        let own = identity.signing.publicKey
        var signer: [UInt8]
        // A new store judges the sets from the first it must trust: its own chair's first, or else
        // the relay's first. A chair who took over does not judge its predecessors' sets.
        var judgedFrom: Int64 = 0
        var isNew = false
        if let stored, let key = Hex.decode(stored.signer) {
            signer = key
        } else if let first = offered.first(where: { $0.chair.key.signingKey == own }) {
            signer = own
            judgedFrom = first.serial
        } else if let first = offered.first {
            signer = first.chair.key.signingKey
            isNew = true
        } else {
            throw .noSignedSet
        }
        // Sets judged by an earlier pull are not judged again (a chair's sets from before a
        // handover stay on offer); sets before a new chair's own first are not trusted at all.
        let judged = Set(storedSets.map(\.digest))
        let walked = offered.filter { $0.serial >= judgedFrom && !judged.contains($0.digest) }
        let known = storedSets + walked
        var handovers: [TrustChange] = []
        for set in walked where set.chair.key.signingKey != signer {
            guard
                Self.handsOver(
                    from: signer, to: set, known: known, ownKey: own, consentedTo: stored?.handedOverTo)
            else {
                let trusted = known.first { $0.chair.key.signingKey == signer }?.chair.key
                throw .signedByAnother(set: set, trusted: trusted, byOwnChair: signer == own)
            }
            handovers.append(Self.describeHandover(from: signer, to: set, known: known, ownKey: own))
            signer = set.chair.key.signingKey
        }
        if isNew, let current = known.filter({ $0.chair.key.signingKey == signer }).max(by: { $0.serial < $1.serial }) {
            handovers.insert(.newStoreTrusts(current.chair.key), at: 0)
        }
        trustChanges = handovers
        self.signer = signer
        handedOverTo = stored?.handedOverTo
        relayCurrent = offered.last
        sets = Dictionary(known.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        lastSerial = stored?.lastSerial ?? 0
        if let current = parsed.last, let newest, current.serial < newest.serial {
            relayBehind = RelayBehind(
                sealsTo: current.serial, newest: newest.serial, alsoReadBy: Self.alsoReading(current, newest: newest))
        }
    }

    /// What the store keeps for the next pull.
    package var trust: ChairStore.GroupTrust {
        .init(
            signer: Hex.encode(signer), sets: sets.values.sorted { $0.serial < $1.serial }.map { $0.render() },
            lastSerial: lastSerial, handedOverTo: handedOverTo)
    }

    /// Whether `set` takes the chair's role over from `signer`: its own chair must be a deputy in
    /// the newest set `signer` signed before it. The outgoing chair's own store needs more: that
    /// its chair handed over to exactly that person.
    static func handsOver(
        from signer: [UInt8], to set: RecipientSet, known: [RecipientSet], ownKey: [UInt8], consentedTo: String?
    ) -> Bool {
        let successor = set.chair.key.signingKey
        guard
            let newest = known.filter({ $0.chair.key.signingKey == signer && $0.serial < set.serial })
                .max(by: { $0.serial < $1.serial }),
            newest.members.contains(where: { $0.role == .deputy && $0.key.signingKey == successor })
        else { return false }
        return signer != ownKey || consentedTo == Hex.encode(successor)
    }

    /// What a store says once when the chair's role passes.
    private static func describeHandover(
        from signer: [UInt8], to set: RecipientSet, known: [RecipientSet], ownKey: [UInt8]
    ) -> TrustChange {
        let before = known.first { $0.chair.key.signingKey == signer }?.chair.key
        if set.chair.key.signingKey == ownKey { return .becameChair(serial: set.serial, from: before) }
        if signer == ownKey { return .handedOver(to: set.chair.key, serial: set.serial) }
        return .passed(from: before, to: set.chair.key, serial: set.serial)
    }

    /// Why an envelope opened to `record` and sealed to `stanzas` keys may have been readable by
    /// someone outside the group's set, so that it is set aside; nil when it was not. Only an
    /// envelope that passes moves `lastSerial` on, so a stranger's envelope naming a newer or
    /// older set changes nothing for the envelopes after it.
    mutating func reasonToSetAside(record: SecretBytes, stanzas: Int) -> SetAsideReason? {
        let digest: [UInt8]?
        do {
            digest = try SubmissionRecord.recipientSet(in: record)
        } catch {
            return .recordFailure(error.recordRule)
        }
        guard let digest else { return .namesNoRecipientSet }
        guard let set = sets[digest] else { return .namesUnknownRecipientSet }
        guard stanzas == set.members.count else {
            return .keyCountDiffers(keys: stanzas, setSerial: set.serial, people: set.members.count)
        }
        if set.serial < lastSerial, let newest {
            return .olderRecipientSet(
                serial: set.serial, inUse: lastSerial, alsoReadBy: Self.alsoReading(set, newest: newest))
        }
        lastSerial = set.serial
        return nil
    }

    /// The people in `set` whom `newest` leaves out, as "Name (role)".
    static func alsoReading(_ set: RecipientSet, newest: RecipientSet) -> [String] {
        set.members.filter { member in
            !newest.members.contains { $0.key.signingKey == member.key.signingKey }
        }.map { "\($0.key.name) (\($0.role.rawValue))" }
    }
}
