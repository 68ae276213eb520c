import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOHTTP1
import RelayProtocol

/// Headers on every response, and our own pages for errors: nothing is framed, sniffed,
/// referred, scripted from elsewhere or cached by accident, and no cookie is ever set.
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext

    let notices: NoticePages
    let memoryTrimmer: MemoryTrimmer
    /// `http://….onion`, when the relay has an onion service.
    let onionLocation: String?

    /// Parsed once: building a field name validates it, and this runs on every response.
    static let fixedHeaders: [(HTTPField.Name, String)] = [
        ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ].compactMap { name, value in HTTPField.Name(name).map { ($0, value) } }

    static let onionLocationHeader = HTTPField.Name("Onion-Location")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Only an error page needs the language; most responses never look it up.
        func catalogue() -> Catalogue {
            notices.layout.catalogues.catalogue(for: request)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPParserError {
            // A malformed request (a broken chunk, say): Hummingbird answers it 400 and closes the
            // connection. It is the client's doing, so it is not logged.
            throw error
        } catch let error as any HTTPResponseError where error.status == .notFound {
            response = .html(notices.problem(catalogue(), key: "not_found", goBack: false), status: .notFound)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // Never the error's text: it could hold request data.
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            response = .html(notices.problem(catalogue(), key: "server", goBack: false), status: .internalServerError)
        }
        memoryTrimmer.noteRequest()
        for (name, value) in Self.fixedHeaders { response.headers[name] = value }
        response.headers[.contentSecurityPolicy] = PublicPage.contentSecurityPolicy
        response.headers[.setCookie] = nil
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        // Tor Browser looks for it on pages only; the path is ours to repeat, the query is not.
        if let onionLocation, let name = Self.onionLocationHeader,
            response.headers[.contentType]?.hasPrefix("text/html") == true
        {
            response.headers[name] = onionLocation + request.uri.path
        }
        return response
    }
}
