import ChairSync
import RelayProtocol

/// The chair's words for what a pull found in the relay's history: lost ranges and breaks. The
/// one place they are written.
enum HistoryText {
    /// What a lost-range notice says.
    static func notice(_ notice: LostRanges.Notice) -> String {
        switch notice {
        case .range(let range, let passedThrough, let storeIsNew):
            describe(range, passedThrough: passedThrough, storeIsNew: storeIsNew)
        case .manyMore(let count, let through):
            "the relay's store was put back from an earlier copy \(count) more times, losing numbers up to "
                + "\(through): a relay restored this often is not being run as it should be"
        }
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

extension HistoryText {
    /// What a break in the relay's history is, as the rest of "the relay's history is broken: …".
    static func chainBreak(_ chainBreak: ChainBreak) -> String {
        switch chainBreak {
        case .arrivedDamaged(let sequence): "envelope \(sequence) arrived damaged from the relay"
        case .missing(let from, let through): "envelopes \(from) to \(through) are missing on the relay"
        case .outOfOrder(let sequence): "envelope \(sequence) came out of order on the relay"
        case .altered(let sequence):
            "envelope \(sequence) does not match the relay's history: it, or one before it, was altered or swapped"
        }
    }
}
