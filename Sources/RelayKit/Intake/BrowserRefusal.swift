import HTTPTypes

/// Why a browser-sealed post was refused, as the page's script reads it from the
/// `Blind-Relay-Refusal` header: each reason has its own words in the catalogue, all of them
/// saying that nothing was sent and that the person's text is still on the page.
enum BrowserRefusal: String, CaseIterable {
    case automated = "automated"
    case tooQuick = "too_quick"
    case expired = "expired"
    case alreadySent = "already_sent"
    case badEnvelope = "bad_envelope"
    case clientLimited = "too_many"
    case busy = "busy"
    case full = "full"
    case storeFailed = "store_failed"

    static let headerName = HTTPField.Name("Blind-Relay-Refusal")

    /// The problem page shown when no script is there to read the reason.
    var pageKey: String {
        switch self {
        case .automated, .tooQuick, .expired: "automated"
        default: rawValue
        }
    }

    /// The catalogue key of what the script says, beside the kept text.
    var scriptMessageKey: String {
        switch self {
        case .automated, .badEnvelope: "notice.not_accepted"
        case .tooQuick: "notice.too_quick"
        case .expired: "notice.expired"
        case .alreadySent: "problem.already_sent.text"
        case .clientLimited: "notice.client_limited"
        case .busy: "notice.busy"
        case .full: "notice.full"
        case .storeFailed: "notice.store_failed"
        }
    }

    var status: HTTPResponse.Status {
        switch self {
        case .automated, .tooQuick, .expired, .badEnvelope: .badRequest
        case .alreadySent: .conflict
        case .clientLimited: .tooManyRequests
        case .busy, .full, .storeFailed: .serviceUnavailable
        }
    }
}
