import ChairCore
import ChairStorage
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The relay's public pages fetched as a browser fetches them (a browser's user agent and
/// Accept header), for the canary and the audit: nothing in the request marks it as the chair's.
package enum PublicFetch {
    /// A common browser's, so the chair's requests do not stand out in a proxy's log.
    static let userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

    package typealias Answer = BoundedTransfer.Answer

    /// A page that did not come whole: which path of which relay, and why.
    package struct Failure: Error, Sendable {
        package let transfer: BoundedTransfer.Failure
        package let path: String
        package let relay: String
    }

    /// Sends `request` as a browser would, following redirects only on the relay's own site.
    package static func send(_ request: URLRequest, relay: String) async throws(Failure) -> Answer {
        var request = request
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("text/html,application/xhtml+xml,*/*;q=0.8", forHTTPHeaderField: "Accept")
        do {
            // A page and its scripts are far smaller than this; a redirect stays on the relay's site.
            return try await BoundedTransfer.send(
                request, limit: Self.largestAnswer, seconds: RelayClient.deadlineSeconds, redirects: .sameOrigin)
        } catch {
            throw Failure(transfer: error, path: request.url?.path ?? relay, relay: relay)
        }
    }

    /// The most a public page or asset may hold.
    static let largestAnswer = 4 * 1024 * 1024
}
