import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The relay's public pages fetched as a browser fetches them (a browser's user agent and
/// Accept header), for the canary and the audit: nothing in the request marks it as the chair's.
enum PublicFetch {
    /// A common browser's, so the chair's requests do not stand out in a proxy's log.
    static let userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

    struct Answer {
        let status: Int
        let data: Data
        let response: HTTPURLResponse?

        var text: String { String(decoding: data, as: UTF8.self) }
        func header(_ name: String) -> String? { response?.value(forHTTPHeaderField: name) }
    }

    /// Sends `request`; a failure to reach the relay is the chair's error, with `hint`.
    static func send(_ request: URLRequest, relay: String, hint: String) async throws(ChairError) -> Answer {
        var request = request
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("text/html,application/xhtml+xml,*/*;q=0.8", forHTTPHeaderField: "Accept")
        request.timeoutInterval = 60
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            return Answer(status: http?.statusCode ?? 0, data: data, response: http)
        } catch {
            throw ChairError("cannot reach the relay at \(relay): \(error.localizedDescription)", hint: hint)
        }
    }
}
