/// Where the relay's history stops following on, so that a pull stops before it: things only
/// the host can cause (docs/THREAT-MODEL.md, "What may stop delivery").
package enum ChainBreak: Equatable, Sendable {
    /// The row's number, hour or chain value is not one a relay can send.
    case arrivedDamaged(Int64)
    /// Numbers skipped with no lost range to say why: the first and last missing.
    case missing(from: Int64, through: Int64)
    /// A number at or below one already passed.
    case outOfOrder(Int64)
    /// The row does not link to the one before it: it, or one before it, was altered or swapped.
    case altered(Int64)
}
