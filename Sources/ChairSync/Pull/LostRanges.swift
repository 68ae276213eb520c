import ChairCore
import ChairStorage
import RelayProtocol

/// The sequence numbers a relay's store lost when it was put back from an earlier copy, as one
/// pull learns them (docs/RELAY-API.md section 2.1): each range is named to the chair once, split
/// into the numbers this store had already passed and those it never received, and the chain is
/// followed across it from its restart value.
package struct LostRanges {
    /// Where this store stood before the pull; nil for a store's first pull.
    let pulledThrough: Int64?
    /// The relay's identity, which each range's restart value is derived from.
    package let relay: [UInt8]
    /// Ranges already named to the chair, by this pull or an earlier one.
    package private(set) var reported: Set<LostRangeBody>
    /// Every well-formed range the relay has sent in this pull.
    package private(set) var known: Set<LostRangeBody> = []
    /// The numbers `known` covers. Every page of a pull repeats the ranges that lie ahead of
    /// it, and a relay may send tens of thousands, so nothing here is redone per page or per
    /// envelope.
    private var covered = LostSpans()
    /// The chain value each range's following envelope links from, by the range's last number.
    private(set) var restartChains: [Int64: [UInt8]] = [:]

    /// How many new ranges a pull names one by one; the rest are counted in one sentence.
    static let namedOneByOne = 10

    package init(pulledThrough: Int64?, reported: [LostRangeBody], relay: [UInt8]) {
        self.pulledThrough = pulledThrough
        self.reported = Set(reported)
        self.relay = relay
    }

    /// What to tell the chair about a range not named before.
    package enum Notice: Equatable, Sendable {
        /// One range, with where this store stood: numbers at or below `passedThrough` it had
        /// passed (or, for a new store, starts after); those above it were never received.
        case range(LostRangeBody, passedThrough: Int64, storeIsNew: Bool)
        /// Ranges beyond those named one by one: how many, and the last number they lose.
        case manyMore(count: Int, through: Int64)
    }

    /// Takes in a page's ranges; returns what to tell the chair about those not named before.
    /// `firstOnPage` places a new store: what lies below its first envelope came before it.
    mutating func absorb(_ ranges: [LostRangeBody]?, firstOnPage: Int64?) -> [Notice] {
        // Numbers a relay can issue only, so that no arithmetic below can overflow.
        let new = Set((ranges ?? []).filter(LostSpans.isWellFormed)).subtracting(known)
        guard !new.isEmpty else { return [] }
        known.formUnion(new)
        for range in new where restartChains[range.last] == nil {
            restartChains[range.last] = HashChain.restart(relay: relay, first: range.first, last: range.last)
        }
        covered.add(new)
        let start = firstOnPage.map { min(max($0, 1), APINumbers.maximumSequence) } ?? APINumbers.maximumSequence
        let passedThrough = pulledThrough ?? (start - 1)
        let unsaid = new.filter { !reported.contains($0) }.sorted { ($0.first, $0.last) < ($1.first, $1.last) }
        reported.formUnion(unsaid)
        var said = unsaid.prefix(Self.namedOneByOne).map {
            Notice.range($0, passedThrough: passedThrough, storeIsNew: pulledThrough == nil)
        }
        if unsaid.count > Self.namedOneByOne, let last = unsaid.last {
            said.append(.manyMore(count: unsaid.count - Self.namedOneByOne, through: last.last))
        }
        return said
    }

    /// The sequence expected next once every range that holds `expected` is crossed.
    func crossing(from expected: Int64) -> Int64 {
        covered.crossing(from: expected)
    }
}
