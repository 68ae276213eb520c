/// The numbers a chair API request carries, parsed strictly and bounded so that no arithmetic on
/// them can overflow (docs/RELAY-API.md section 3).
///
/// Everything here is pure: it is what `make fuzz` feeds hostile bytes to.
public enum APINumbers {
    /// The largest sequence number the API names. Far beyond any store's life (a million
    /// submissions a second for 30,000 years), and small enough that `after + 1` and any sum of
    /// two of them fit in an `Int64`.
    public static let maximumSequence: Int64 = 999_999_999_999_999_999
    /// The latest timestamp accepted: 12 digits, the year 33658. Any two differ by far less
    /// than `Int64.max`.
    public static let maximumTimestamp: Int64 = 999_999_999_999

    /// A canonical decimal: ASCII digits only, no sign, no space, no leading zero (but "0"
    /// itself), at most `maximum`. Anything else is nil.
    public static func parseDecimal<Text: StringProtocol>(_ text: Text, maximum: Int64) -> Int64? {
        let digits = text.utf8
        guard let first = digits.first, digits.count <= 18 else { return nil }
        guard first != UInt8(ascii: "0") || digits.count == 1 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            // 18 digits cannot overflow an Int64, so plain arithmetic is safe here.
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return value <= maximum ? value : nil
    }

    /// The `Blind-Relay-Timestamp` header: Unix seconds, canonical decimal.
    public static func parseTimestamp<Text: StringProtocol>(_ text: Text) -> Int64? {
        parseDecimal(text, maximum: maximumTimestamp)
    }

    /// How far apart two numbers are, for any two: a difference that does not fit (or is
    /// `Int64.min`, which `abs` would trap on) comes back as `Int64.max`.
    public static func distance(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        return overflow ? Int64.max : Int64(clamping: difference.magnitude)
    }
}

/// The query of `GET /api/v1/envelopes`: `after=N&limit=M`, each at most once, nothing else.
public struct EnvelopeQuery: Sendable, Equatable {
    /// The page size when none is asked for.
    public static let defaultLimit = 100
    /// The largest page.
    public static let maximumLimit = 1_000

    /// Rows with a greater sequence number are returned.
    public let after: Int64
    /// At most this many rows.
    public let limit: Int

    /// Why a query was refused; `description` goes back to the chair's tool.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Creates a query directly.
    public init(after: Int64, limit: Int) {
        self.after = after
        self.limit = limit
    }

    /// Parses the raw query string exactly as sent (without the `?`).
    public init(parsing query: String) throws(Problem) {
        var after: Int64?
        var limit: Int64?
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            guard !pair.isEmpty else { continue }
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let name = Substring(pair[pair.startIndex..<equals])
            let value = equals == pair.endIndex ? Substring() : Substring(pair[pair.index(after: equals)...])
            switch name {
            case "after":
                guard after == nil else { throw Problem(description: "after is given twice") }
                guard let number = APINumbers.parseDecimal(value, maximum: APINumbers.maximumSequence) else {
                    throw Problem(description: "after must be a whole number from 0 to \(APINumbers.maximumSequence)")
                }
                after = number
            case "limit":
                guard limit == nil else { throw Problem(description: "limit is given twice") }
                guard let number = APINumbers.parseDecimal(value, maximum: Int64(Self.maximumLimit)), number >= 1
                else { throw Problem(description: "limit must be a whole number from 1 to \(Self.maximumLimit)") }
                limit = number
            default:
                throw Problem(description: "the query may hold only after and limit")
            }
        }
        self.after = after ?? 0
        self.limit = limit.map { Int($0) } ?? Self.defaultLimit
    }
}
