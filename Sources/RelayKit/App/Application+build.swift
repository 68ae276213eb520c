import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import RelayProtocol
import Sodium

/// Assembles the relay from its configuration: store, recipients, pages, routes.
public func buildApplication(
    configuration: RelayConfiguration, logger: Logger
) async throws -> some ApplicationProtocol {
    let recipients = try Recipients.load(from: configuration.keysDirectory)
    let store = try openStore(configuration, recipients: recipients.signingKeys)
    try await store.recordRecipientSet(recipients.signedSet)
    if let lost = store.restoreFound {
        logger.warning(
            "the store was put back from an earlier copy: envelopes \(lost.first) to \(lost.last) are not in it; numbering goes on from \(lost.last + 1), and each recipient's next pull is told which numbers went"
        )
    }
    // A recipient removed from the set no longer holds rows back.
    let released = try await store.releaseDeliveredRows()
    if released > 0 { logger.info("deleted \(released) envelopes every current recipient has stored") }
    let catalogues = try Catalogues.load(directory: configuration.cataloguesDirectory.map { URL(fileURLWithPath: $0) })
    let assets = try Assets.load(tweetNaClPath: configuration.tweetNaClFile)
    if let warning = assets.browserSealingWarning(tweetNaClPath: configuration.tweetNaClFile) {
        logger.warning("\(warning)")
    }
    let layout = PageLayout(
        catalogues: catalogues, wording: configuration.publicWording, assets: assets, exitURL: configuration.exitURL)
    let notices = NoticePages(layout: layout)
    let limiter = ClientRateLimiter(
        limits: .init(
            clientBurst: Double(configuration.clientBurst),
            clientPerHour: Double(configuration.clientSubmissionsPerHour),
            intakeBurst: Double(configuration.intakeBurst),
            intakePerMinute: Double(configuration.intakeSubmissionsPerMinute)))

    let operatorWarnings = makeOperatorWarnings(configuration)
    for warning in operatorWarnings { logger.warning("\(warning)") }

    let condition = StoreCondition(logger: logger)
    if try await store.isFull() { condition.record(.full) }
    let memoryTrimmer = MemoryTrimmer()
    let router = Router(context: RelayRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(
        middleware: ResponseHeadersMiddleware(
            notices: notices, memoryTrimmer: memoryTrimmer, onionLocation: configuration.onionLocation))
    assets.addRoutes(to: router)
    let formPage = FormPage(
        layout: layout, recipientKeys: recipients.encryptionKeys.map(Base64.encode),
        recipientSetDigest: Base64.encode(recipients.signedSet.digest),
        proofOfWorkBits: configuration.proofOfWorkBits, minimumSecondsOnPage: configuration.minimumSecondsOnPage)
    IntakeController(
        committer: GroupCommitter(store: store, condition: condition), recipients: recipients, formPage: formPage,
        notices: notices,
        templates: PageTemplates(formPage: formPage, notices: notices), information: InformationPages(layout: layout),
        tokens: FormTokens(
            key: try FormTokens.loadOrCreateKey(dataDirectory: configuration.dataDirectory),
            minimumSeconds: configuration.minimumSecondsOnPage, proofOfWorkBits: configuration.proofOfWorkBits),
        limiter: limiter, clientAddressHeader: configuration.clientAddressHeader,
        maximumBodyBytes: configuration.maximumBodyBytes, operatorWarnings: operatorWarnings, logger: logger
    ).addRoutes(to: router)
    ChairAPIController(
        store: store,
        authenticator: RequestAuthenticator(
            signingKeys: recipients.signingKeys, relayIdentity: store.relayIdentity,
            clockWindowSeconds: configuration.clockWindowSeconds), condition: condition, logger: logger
    ).addRoutes(to: router)

    for line in recipients.sealingLines { logger.info("\(line)") }
    let headTimeout = TimeAmount.seconds(Int64(configuration.headTimeoutSeconds))
    let bodyTimeout = TimeAmount.seconds(Int64(configuration.bodyTimeoutSeconds))
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            ClosingHTTP1Channel(
                http1: HTTP1Channel(
                    responder: responder,
                    configuration: .init(
                        additionalChannelHandlers: [
                            RequestDeadlineHandler(headTimeout: headTimeout, bodyTimeout: bodyTimeout)
                        ],
                        idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
                        httpDecoderConfiguration: .init(
                            maxHeaderFieldSize: configuration.maximumHeaderBytes,
                            maxHeaderListSize: configuration.maximumHeaderBytes,
                            maxHeaderFieldCount: configuration.maximumHeaderCount))))
        },
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil,
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections)),
        services: [memoryTrimmer, EventLoopWatch(logger: logger)],
        onServerRunning: { channel in
            do throws(ReadinessNotice.Failure) {
                try ReadinessNotice.send(listeningOn: ReadinessNotice.address(of: channel))
            } catch {
                logger.error("\(error.description)")
            }
        }, logger: logger)
}

/// What the operator should know about this configuration, in plain words.
///
/// A relay that listens on loopback and trusts no header is almost certainly behind a proxy on
/// the same machine: every person then arrives from the proxy's address and all of them share
/// one client budget, so a single person sending a few messages would lock out everyone.
func makeOperatorWarnings(_ configuration: RelayConfiguration) -> [String] {
    let host = configuration.host
    let listensOnLoopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
    guard configuration.clientAddressHeader.isEmpty, listensOnLoopback else { return [] }
    return [
        "client_address_header is empty and the relay listens on a loopback address: if a reverse proxy is in front, "
            + "every person arrives from its address and all share one rate limit of \(configuration.clientBurst) "
            + "messages at once; set client_address_header to the header the proxy writes the client's address in "
            + "(such as X-Forwarded-For)"
    ]
}

/// Opens the SQLite store in the data folder, creating the folder (mode 0700) if needed.
func openStore(_ configuration: RelayConfiguration, recipients: [[UInt8]]) throws -> EnvelopeStore {
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
            maximumEnvelopes: configuration.maximumStoredEnvelopes, maximumBytes: configuration.maximumStoredBytes,
            recipients: recipients, keepsReserve: true, remembersHighWater: true)
    } catch let foreign as EnvelopeStore.ForeignStore {
        throw RelayConfiguration.Problem(description: foreign.description)
    } catch {
        throw RelayConfiguration.Problem(
            description:
                "cannot open the store in \(directory): \(error); check the folder's permissions and free space")
    }
}

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
