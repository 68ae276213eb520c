import AsyncHTTPClient
import ChairCore
import ChairStorage
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP exchange with a relay the chair cannot trust (its software changed, or an address
/// typed wrong): the answer is read up to a bound and no further, the whole exchange has one
/// deadline, and redirects are followed only as the caller allows.
///
/// AsyncHTTPClient rather than Foundation's URLSession: on Linux, URLSession's `data(for:)`
/// reads a whole answer into memory, follows a redirect to any host, and its timeout is an idle
/// timeout; even through a delegate that cancels at a bound, libcurl's thread reads on ahead of
/// the delegate with nothing to slow it (a 1 GiB answer cost 150 MiB under load). AsyncHTTPClient
/// reads the body with backpressure, so nothing past the bound is taken off the socket.
package enum BoundedTransfer {
    /// Which redirects an exchange follows.
    package enum Redirects: Sendable {
        /// None: a signed request goes only where the chair sent it.
        case none
        /// Only to the same scheme, host and port, as a browser's visit of one site would, at
        /// most `maximumRedirects` times.
        case sameOrigin
    }

    /// The answer, whatever its status. A redirect not followed is an answer with its 3xx status
    /// and `Location`.
    package struct Answer: Sendable {
        package let status: Int
        package let data: Data
        package let headers: HTTPHeaders

        /// The first value of header `name`, if any.
        package func header(_ name: String) -> String? { headers.first(name: name) }
        /// The body as UTF-8 text, any invalid bytes replaced.
        package var text: String { String(decoding: data, as: UTF8.self) }
    }

    /// Why an exchange gave no answer.
    package enum Failure: Error, Sendable {
        /// The answer was longer than `limit` bytes; reading stopped there.
        case tooLarge(limit: Int)
        /// The whole exchange took longer than its deadline.
        case deadlinePassed(seconds: Int)
        /// No connection, or the connection failed; what went wrong.
        case unreachable(String)
    }

    static let maximumRedirects = 5

    /// One client for the process: it follows no redirect itself (`send` decides), and is never
    /// shut down, as the process ends with it.
    private static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(30)), decompression: .disabled))

    /// Sends `request` and reads at most `limit` bytes of the answer, all (redirects included)
    /// within `seconds`.
    package static func send(_ request: URLRequest, limit: Int, seconds: Int, redirects: Redirects)
        async throws(Failure)
        -> Answer
    {
        let seconds = max(seconds, 1)
        let deadline = ContinuousClock.now + .seconds(seconds)
        var current = request
        var answer = try await exchange(current, limit: limit, deadline: deadline, seconds: seconds)
        guard redirects == .sameOrigin else { return answer }
        for _ in 0..<maximumRedirects {
            guard (300...399).contains(answer.status), let location = answer.header("Location"),
                let target = URL(string: location, relativeTo: current.url)?.absoluteURL,
                sameOrigin(request.url, target)
            else { return answer }
            // 307 and 308 repeat the request as it was; the others fetch the new address.
            if answer.status == 307 || answer.status == 308 {
                current.url = target
            } else {
                current = URLRequest(url: target)
                for (name, value) in request.allHTTPHeaderFields ?? [:]
                where name.lowercased() != "content-type" {
                    current.setValue(value, forHTTPHeaderField: name)
                }
            }
            answer = try await exchange(current, limit: limit, deadline: deadline, seconds: seconds)
        }
        return answer
    }

    /// One request and its answer, read with backpressure up to `limit`, raced against `deadline`.
    private static func exchange(
        _ request: URLRequest, limit: Int, deadline: ContinuousClock.Instant, seconds: Int
    ) async throws(Failure) -> Answer {
        guard let url = request.url?.absoluteString else { throw .unreachable("the address cannot be used") }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.httpMethod ?? "GET")
        for (name, value) in request.allHTTPHeaderFields ?? [:] { outgoing.headers.add(name: name, value: value) }
        if let body = request.httpBody { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let limit = max(limit, 0)
        let prepared = outgoing
        let outcome: Result<Answer?, any Error>
        do {
            let first = try await withThrowingTaskGroup(of: Answer?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, deadline: .now() + .seconds(Int64(seconds)))
                    let body = try await response.body.collect(upTo: limit)
                    return Answer(
                        status: Int(response.status.code), data: Data(body.readableBytesView), headers: response.headers
                    )
                }
                group.addTask {
                    try await Task.sleep(until: deadline)
                    return nil
                }
                // The first to finish decides; the other is cancelled (a cancelled request is
                // closed, and what it had read is dropped).
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            outcome = .success(first)
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let answer?): return answer
        case .success(nil): throw .deadlinePassed(seconds: seconds)
        case .failure(let error): throw classify(error, limit: limit, seconds: seconds)
        }
    }

    /// What an error from the client means for the chair.
    private static func classify(_ error: any Error, limit: Int, seconds: Int) -> Failure {
        if error is NIOTooManyBytesError { return .tooLarge(limit: limit) }
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout { return .deadlinePassed(seconds: seconds) }
            if client == .connectTimeout { return .unreachable("no answer to the connection within 30 seconds") }
        }
        return .unreachable("\(error)")
    }

    /// Whether two addresses share scheme, host and port (the scheme's default when absent).
    static func sameOrigin(_ first: URL?, _ second: URL?) -> Bool {
        guard let first, let second, let scheme = first.scheme?.lowercased(),
            scheme == second.scheme?.lowercased(), let host = first.host?.lowercased(),
            host == second.host?.lowercased()
        else { return false }
        let defaultPort = scheme == "https" ? 443 : 80
        return (first.port ?? defaultPort) == (second.port ?? defaultPort)
    }
}
