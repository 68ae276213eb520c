/// The numbers a relay's lost ranges cover (docs/RELAY-API.md section 2.1), as disjoint spans
/// sorted by first number, ranges that touch or overlap joined: what a reader searches to step
/// over lost numbers. A relay may send tens of thousands of ranges, hostile or not, so joining
/// them costs n log n once and each step over them log n.
///
/// Pure: `make fuzz` target `answers` feeds it what a hostile relay could send.
public struct LostSpans: Sendable, Equatable {
    /// Disjoint, sorted, not touching.
    public private(set) var spans: [LostRangeBody] = []

    /// No spans.
    public init() {}

    /// Whether a relay could have sent `range`: numbers it can issue, first to last. Only such
    /// ranges are ever joined, so no arithmetic on them can overflow.
    public static func isWellFormed(_ range: LostRangeBody) -> Bool {
        range.first >= 1 && range.last >= range.first && range.last <= APINumbers.maximumSequence
    }

    /// Joins the well-formed ranges among `ranges` in.
    public mutating func add<Ranges: Sequence>(_ ranges: Ranges) where Ranges.Element == LostRangeBody {
        var joined: [LostRangeBody] = []
        for range in (spans + ranges.filter(Self.isWellFormed)).sorted(by: { $0.first < $1.first }) {
            // Numbers are at most `APINumbers.maximumSequence`, so `last + 1` cannot overflow.
            if let previous = joined.last, range.first <= previous.last + 1 {
                joined[joined.count - 1].last = max(previous.last, range.last)
            } else {
                joined.append(range)
            }
        }
        spans = joined
    }

    /// The first number at or after `expected` that no span covers.
    public func crossing(from expected: Int64) -> Int64 {
        // The last span starting at or before `expected`, found by halving.
        var low = 0
        var high = spans.count
        while low < high {
            let middle = low + (high - low) / 2
            if spans[middle].first <= expected { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return expected }
        let span = spans[low - 1]
        guard expected <= span.last else { return expected }
        return span.last + 1
    }
}
