import Dispatch
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP exchange with a relay the chair cannot trust (its software changed, or an address
/// typed wrong): the answer is read up to a bound and no further, the whole exchange has one
/// deadline (URLSession's own timeout is an idle timeout, which a trickle of bytes never trips),
/// and redirects are followed only as the caller allows. Foundation's `data(for:)` does none of
/// these: it reads a whole answer into memory and follows a redirect to any host.
enum BoundedTransfer {
    /// Which redirects an exchange follows.
    enum Redirects: Sendable {
        /// None: a signed request goes only where the chair sent it.
        case none
        /// Only to the same scheme, host and port, as a browser's visit of one site would.
        case sameOrigin
    }

    /// The answer, whatever its status. A redirect refused is an answer with its 3xx status
    /// and `Location`.
    struct Answer: Sendable {
        let status: Int
        let data: Data
        let response: HTTPURLResponse?
    }

    /// Why an exchange gave no answer.
    enum Failure: Error, Sendable {
        /// The answer was longer than `limit` bytes; reading stopped there.
        case tooLarge(limit: Int)
        /// The whole exchange took longer than its deadline.
        case deadlinePassed(seconds: Int)
        /// No connection, or the connection failed; the system's words.
        case unreachable(String)
    }

    /// Sends `request` and reads at most `limit` bytes of the answer, all within `seconds`.
    static func send(_ request: URLRequest, limit: Int, seconds: Int, redirects: Redirects) async throws(Failure)
        -> Answer
    {
        let transfer = Transfer(limit: limit, seconds: seconds, redirects: redirects, origin: request.url)
        let result = await transfer.run(request)
        return try result.get()
    }
}

/// The delegate of one exchange's own session: it counts bytes as they arrive, cancels at the
/// bound or the deadline, and answers redirects. URLSession calls it on its own queue, so its
/// state is behind a lock.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Outcome = Result<BoundedTransfer.Answer, BoundedTransfer.Failure>

    private let limit: Int
    private let seconds: Int
    private let redirects: BoundedTransfer.Redirects
    private let origin: URL?
    private let lock = NSLock()
    private var received = Data()
    private var failure: BoundedTransfer.Failure?
    private var continuation: CheckedContinuation<Outcome, Never>?
    private var task: URLSessionDataTask?

    init(limit: Int, seconds: Int, redirects: BoundedTransfer.Redirects, origin: URL?) {
        self.limit = max(limit, 0)
        self.seconds = max(seconds, 1)
        self.redirects = redirects
        self.origin = origin
    }

    func run(_ request: URLRequest) async -> Outcome {
        var request = request
        // The idle timeout stays as a second line; the deadline below is the one that counts.
        request.timeoutInterval = TimeInterval(seconds)
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                lock.withLock {
                    self.continuation = continuation
                    self.task = task
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { [weak self] in
                    self?.stop(.deadlinePassed(seconds: self?.seconds ?? 0))
                }
                task.resume()
            }
        } onCancel: {
            stop(.unreachable("the request was cancelled"))
        }
    }

    /// Ends the exchange with `failure` unless it has already ended.
    private func stop(_ failure: BoundedTransfer.Failure) {
        let task = lock.withLock { () -> URLSessionDataTask? in
            guard continuation != nil, self.failure == nil else { return nil }
            self.failure = failure
            return self.task
        }
        task?.cancel()
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        // A declared length past the bound is refused before a byte of the body is read.
        if response.expectedContentLength > Int64(limit) {
            stop(.tooLarge(limit: limit))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overflowing = lock.withLock { () -> Bool in
            guard failure == nil else { return false }
            guard data.count <= limit - received.count else { return true }
            received.append(data)
            return false
        }
        if overflowing { stop(.tooLarge(limit: limit)) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        switch redirects {
        case .none:
            completionHandler(nil)
        case .sameOrigin:
            completionHandler(Self.sameOrigin(origin, request.url) ? request : nil)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = lock.withLock { () -> (CheckedContinuation<Outcome, Never>?, Outcome) in
            let waiting = self.continuation
            self.continuation = nil
            if let failure { return (waiting, .failure(failure)) }
            if let error { return (waiting, .failure(.unreachable(error.localizedDescription))) }
            let response = task.response as? HTTPURLResponse
            return (waiting, .success(.init(status: response?.statusCode ?? 0, data: received, response: response)))
        }
        continuation?.resume(returning: result)
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
