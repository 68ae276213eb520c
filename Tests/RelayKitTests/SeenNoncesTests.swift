import Testing

@testable import RelayKit

@Suite("Remembering signed requests' nonces while they are inside the clock window")
struct SeenNoncesTests {
    @Test("a nonce is refused until its second leaves the window, then forgotten with its second")
    func forgetsBySecond() {
        var seen = SeenNonces()
        seen.insert("a", timestamp: 1_000)
        seen.insert("b", timestamp: 1_001)
        seen.insert("c", timestamp: 1_001)
        seen.insert("a", timestamp: 1_005)  // already seen: keeps its first timestamp
        #expect(seen.count == 3)
        seen.forget(before: 1_000)
        #expect(seen.contains("a") && seen.count == 3)
        seen.forget(before: 1_001)
        #expect(!seen.contains("a"))
        #expect(seen.contains("b") && seen.contains("c"))
        seen.forget(before: 1_002)
        #expect(seen.count == 0)
        seen.insert("a", timestamp: 1_002)
        #expect(seen.contains("a"), "a forgotten nonce can be remembered again")
    }

    @Test("a long quiet spell, a clock that went back, and the extremes of Int64 all forget correctly")
    func oddClocks() {
        var seen = SeenNonces()
        seen.insert("early", timestamp: 10)
        seen.insert("late", timestamp: 5_000_000_000)
        seen.forget(before: 4_000_000_000)  // a walk of billions of seconds would hang here
        #expect(!seen.contains("early") && seen.contains("late"))
        seen.insert("earlier", timestamp: 3)  // the clock went back: still remembered, still forgotten
        seen.forget(before: 4)
        #expect(!seen.contains("earlier") && seen.contains("late"))
        seen.insert("minimum", timestamp: .min)
        seen.forget(before: .max)
        #expect(seen.count == 0)
    }

    @Test("a full window of nonces, 300 to a second, is forgotten second by second")
    func fullWindow() {
        var seen = SeenNonces()
        for index in 0..<90_000 { seen.insert("n\(index)", timestamp: 1_000 + Int64(index % 300)) }
        for _ in 0..<90_000 { seen.forget(before: 1_000) }
        #expect(seen.count == 90_000)
        seen.forget(before: 1_150)
        #expect(seen.count == 45_000)
        #expect(!seen.contains("n149") && seen.contains("n150"))
    }
}
