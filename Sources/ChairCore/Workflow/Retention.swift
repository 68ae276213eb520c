import ChairStorage
import Foundation

/// Which messages have been kept too long: the rule `chair purge` deletes by and `chair pull`
/// reminds by, in one place.
package enum Retention {
    /// The messages that reached the relay longer than `period` before `now` (every one when
    /// nil), with `status` when one is given, in the store's order.
    package static func messages(
        _ messages: [ChairStore.Message], olderThan period: RetentionPeriod?, status: MessageStatus? = nil, now: Date
    ) -> [ChairStore.Message] {
        messages.filter {
            (period?.hasPassed(receivedHour: $0.receivedHour, now: now) ?? true)
                && (status == nil || $0.status == status)
        }
    }
}
