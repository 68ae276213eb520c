import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The relay's public pages fetched as a browser fetches them (a browser's user agent and
/// Accept header), for the canary and the audit: nothing in the request marks it as the chair's.
enum PublicFetch {
    /// A common browser's, so the chair's requests do not stand out in a proxy's log.
    static let userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

    typealias Answer = BoundedTransfer.Answer

    /// Sends `request`; a failure to reach the relay is the chair's error, with `hint`.
    static func send(_ request: URLRequest, relay: String, hint: String) async throws(ChairError) -> Answer {
        var request = request
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("text/html,application/xhtml+xml,*/*;q=0.8", forHTTPHeaderField: "Accept")
        let failure: BoundedTransfer.Failure
        do {
            // A page and its scripts are far smaller than this; a redirect stays on the relay's site.
            return try await BoundedTransfer.send(
                request, limit: Self.largestAnswer, seconds: RelayClient.deadlineSeconds, redirects: .sameOrigin)
        } catch {
            failure = error
        }
        let what = request.url?.path ?? relay
        switch failure {
        case .unreachable(let reason):
            throw ChairError("cannot reach the relay at \(relay): \(reason)", hint: hint)
        case .tooLarge(let limit):
            throw ChairError(
                "the relay's answer at \(what) was larger than any page it serves (over \(limit / 1_048_576) MiB), "
                    + "so it was not read",
                hint: "check the address; if it is right, tell the relay's host")
        case .deadlinePassed(let seconds):
            throw ChairError("the relay did not finish sending \(what) within \(seconds) seconds", hint: hint)
        }
    }

    /// The most a public page or asset may hold.
    static let largestAnswer = 4 * 1024 * 1024
}
