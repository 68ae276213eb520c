import ChairCore
import ChairStorage

/// Whether what a pull set aside looks like strangers' posts or like the relay itself sealing
/// to other keys. One stranger's envelope among people's messages is noise; a relay that seals
/// every message to a set of its own from some point on (or to keys this reader lacks) makes
/// every envelope after that point set aside or unopenable. So the rule looks at the pattern:
/// it warns when at least `threshold` envelopes in a row, up to the newest pulled, were set
/// aside or could not be opened (counted across pulls), or when at least `threshold` of them
/// are more than half of what this pull brought. Any envelope that passes every check (a
/// person's message, a canary) ends the run. On a store's first pull, envelopes it cannot
/// open count for nothing: a new deputy's first pull holds those sealed before they were added.
package struct SetAsidePattern: Equatable {
    /// Three: a stranger's junk posts among real messages never reach it, and a relay sealing
    /// elsewhere is named by the third message it takes, within one pull or across several.
    package static let threshold = 3

    package enum Kind {
        /// Passed every check: a message, or a canary.
        case passed
        case setAside
        /// Could not be opened with this reader's key, or was altered after sealing.
        case unopened
    }

    /// Set aside or unopened envelopes in a row, up to the newest pulled.
    package private(set) var trailingRun: Int
    /// This pull's envelopes that counted, and how many of them were set aside or unopened.
    package private(set) var counted = 0
    package private(set) var suspect = 0
    /// False on a store's first pull.
    let countsUnopened: Bool

    package init(trailingRun: Int, countsUnopened: Bool) {
        self.trailingRun = max(0, trailingRun)
        self.countsUnopened = countsUnopened
    }

    package mutating func note(_ kind: Kind) {
        switch kind {
        case .passed:
            counted += 1
            trailingRun = 0
        case .unopened where !countsUnopened:
            return
        case .setAside, .unopened:
            counted += 1
            suspect += 1
            // Saturating: a run this long says the same as one a little shorter.
            trailingRun = min(trailingRun + 1, Int(Int32.max))
        }
    }

    /// At least `threshold` in a row, up to the newest pulled.
    package var isLongRun: Bool { trailingRun >= Self.threshold }
    /// At least `threshold` of this pull's envelopes, and more than half of them.
    package var isMostOfPull: Bool { suspect >= Self.threshold && suspect > counted - suspect }

    /// Whether the pull should say that the relay itself may be sealing to other keys: said by
    /// every pull that adds to such a pattern, and by none that brings nothing new.
    var warns: Bool { suspect > 0 && (isLongRun || isMostOfPull) }
}
