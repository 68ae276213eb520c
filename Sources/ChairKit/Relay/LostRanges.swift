import RelayProtocol

/// The sequence numbers a relay's store lost when it was put back from an earlier copy, as one
/// pull learns them (docs/RELAY-API.md section 2.1): each range is named to the chair once, split
/// into the numbers this store had already passed and those it never received, and the chain is
/// followed across it from its restart value.
struct LostRanges {
    /// Where this store stood before the pull; nil for a store's first pull.
    let pulledThrough: Int64?
    /// Ranges already named to the chair, by this pull or an earlier one.
    private(set) var reported: Set<LostRangeBody>
    /// Every well-formed range the relay has sent in this pull.
    private(set) var known: Set<LostRangeBody> = []

    init(pulledThrough: Int64?, reported: [LostRangeBody]) {
        self.pulledThrough = pulledThrough
        self.reported = Set(reported)
    }

    /// Takes in a page's ranges; returns what to tell the chair about those not named before.
    /// `firstOnPage` places a new store: what lies below its first envelope came before it.
    mutating func absorb(_ ranges: [LostRangeBody]?, firstOnPage: Int64?) -> [String] {
        // Numbers a relay can issue only, so that no arithmetic below can overflow.
        let wellFormed = (ranges ?? []).filter {
            $0.first >= 1 && $0.last >= $0.first && $0.last <= APINumbers.maximumSequence
        }
        known.formUnion(wellFormed)
        let start = firstOnPage.map { min(max($0, 1), APINumbers.maximumSequence) } ?? APINumbers.maximumSequence
        let passedThrough = pulledThrough ?? (start - 1)
        var said: [String] = []
        for range in wellFormed.sorted(by: { $0.first < $1.first }) where !reported.contains(range) {
            reported.insert(range)
            said.append(Self.describe(range, passedThrough: passedThrough, storeIsNew: pulledThrough == nil))
        }
        return said
    }

    /// The sequence expected next once every range that holds `expected` is crossed.
    func crossing(from expected: Int64) -> Int64 {
        var next = expected
        while let range = known.first(where: { $0.first <= next && next <= $0.last }), range.last < .max {
            next = range.last + 1
        }
        return next
    }

    /// The chain value each range's following envelope links from, by the range's last number.
    func restartChains(relay: [UInt8]) -> [Int64: [UInt8]] {
        Dictionary(
            known.map { ($0.last, HashChain.restart(relay: relay, first: $0.first, last: $0.last)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// "the relay's store was put back from an earlier copy: envelopes 3 to 6 were lost there …"
    static func describe(_ range: LostRangeBody, passedThrough: Int64, storeIsNew: Bool) -> String {
        var parts: [String] = []
        if range.first <= passedThrough {
            let end = min(range.last, passedThrough)
            let many = end > range.first
            parts.append(
                "\(numbers(range.first, end)) \(many ? "are" : "is") not on it, but this store "
                    + (storeIsNew
                        ? "starts after \(many ? "them" : "it")" : "had already passed \(many ? "them" : "it")"))
        }
        if range.last > passedThrough {
            let start = max(range.first, passedThrough + 1)
            let (difference, overflow) = range.last.subtractingReportingOverflow(start)
            let count = overflow || difference == .max ? Int64.max : difference + 1
            let many = count > 1
            parts.append(
                "\(numbers(start, range.last)) \(many ? "were" : "was") lost there before this store pulled "
                    + "\(many ? "them" : "it"): \(count) \(many ? "messages" : "message") that people were given receipts for"
            )
        }
        return "the relay's store was put back from an earlier copy: " + parts.joined(separator: "; ")
    }

    /// "envelope 5", or "envelopes 3 to 6".
    static func numbers(_ first: Int64, _ last: Int64) -> String {
        first == last ? "envelope \(first)" : "envelopes \(first) to \(last)"
    }
}
