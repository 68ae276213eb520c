/// The nonces of signed requests still inside the clock window, so a replay is refused.
///
/// Forgetting is paid once per nonce and once per second of clock, never by a walk over every
/// nonce on every request: with 100,000 remembered that walk took milliseconds on an event loop.
struct SeenNonces {
    private var timestamps: [String: Int64] = [:]
    private var noncesBySecond: [Int64: [String]] = [:]
    /// No remembered nonce has a timestamp before this second.
    private var earliestSecond: Int64?

    var count: Int { timestamps.count }

    func contains(_ nonce: String) -> Bool { timestamps[nonce] != nil }

    mutating func insert(_ nonce: String, timestamp: Int64) {
        guard timestamps.updateValue(timestamp, forKey: nonce) == nil else { return }
        noncesBySecond[timestamp, default: []].append(nonce)
        earliestSecond = min(earliestSecond ?? timestamp, timestamp)
    }

    /// Forgets every nonce whose timestamp is before `cutoff`.
    mutating func forget(before cutoff: Int64) {
        guard let start = earliestSecond, start < cutoff else { return }
        // After a quiet spell there are fewer occupied seconds than seconds to walk.
        let (gap, overflow) = cutoff.subtractingReportingOverflow(start)
        if overflow || gap > Int64(noncesBySecond.count) {
            for second in noncesBySecond.keys where second < cutoff { forget(second: second) }
        } else {
            for second in start..<cutoff { forget(second: second) }
        }
        earliestSecond = noncesBySecond.isEmpty ? nil : cutoff
    }

    private mutating func forget(second: Int64) {
        guard let nonces = noncesBySecond.removeValue(forKey: second) else { return }
        for nonce in nonces { timestamps[nonce] = nil }
    }
}
