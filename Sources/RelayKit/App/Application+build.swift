import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Assembles the relay from its configuration: store, recipients, routes.
public func buildApplication(
    configuration: RelayConfiguration, logger: Logger
) async throws -> some ApplicationProtocol {
    let recipients = try Recipients.load(from: configuration.keysDirectory)
    let store = try openStore(configuration)
    let layout = PageLayout(groupName: configuration.groupName)

    let router = Router(context: RelayRequestContext.self)
    router.add(middleware: ResponseHeadersMiddleware())
    IntakeController(
        store: store, recipients: recipients,
        formPage: FormPage(layout: layout, readerDescription: configuration.readerDescription),
        notices: NoticePages(layout: layout), maximumBodyBytes: configuration.maximumBodyBytes, logger: logger
    ).addRoutes(to: router)
    ChairAPIController(
        store: store,
        authenticator: RequestAuthenticator(
            signingKeys: recipients.signingKeys, clockWindowSeconds: configuration.clockWindowSeconds)
    ).addRoutes(to: router)

    for key in recipients.keys {
        logger.info("sealing to \(key.name), fingerprint \(key.fingerprint)")
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        logger: logger)
}

/// Opens the SQLite store in the data folder, creating the folder (mode 0700) if needed.
func openStore(_ configuration: RelayConfiguration) throws -> EnvelopeStore {
    let directory = configuration.dataDirectory
    if !FileManager.default.fileExists(atPath: directory) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RelayConfiguration.Problem(
                description:
                    "cannot create the data folder \(directory); create it and let the relay's user write to it")
        }
    }
    do {
        return try EnvelopeStore(
            path: (directory as NSString).appendingPathComponent("envelopes.sqlite"),
            maximumEnvelopes: configuration.maximumStoredEnvelopes, maximumBytes: configuration.maximumStoredBytes)
    } catch {
        throw RelayConfiguration.Problem(
            description:
                "cannot open the store in \(directory): \(error); check the folder's permissions and free space")
    }
}

/// Headers on every response: nothing is framed, sniffed, referred or cached by accident.
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // Never the error's text: it could hold request data.
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            response = .html(
                PageLayout(groupName: "Blind Relay").render(
                    title: "Something went wrong",
                    body: "<h1>Something went wrong</h1><p>Please try again in a few minutes.</p>"),
                status: .internalServerError)
        }
        response.headers.setField("Referrer-Policy", "no-referrer")
        response.headers.setField("X-Content-Type-Options", "nosniff")
        response.headers.setField("X-Frame-Options", "DENY")
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPFields {
    /// Sets a field whose name is a constant written in this code, so always valid.
    mutating func setField(_ name: String, _ value: String) {
        if let fieldName = HTTPField.Name(name) { self[fieldName] = value }
    }
}
