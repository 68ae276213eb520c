import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import RelayProtocol
import Sodium

/// Assembles the relay from its configuration: reads the recipients, opens the store and does
/// its start-up work, loads the pages, then serves `buildRouter`'s routes.
public func buildApplication(
    configuration: RelayConfiguration, logger: Logger
) async throws -> some ApplicationProtocol {
    let recipients = try Recipients.load(from: configuration.keysDirectory)
    let store = try EnvelopeStore.open(configuration, recipients: recipients.signingKeys)
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
    let operatorWarnings = makeOperatorWarnings(configuration)
    for warning in operatorWarnings { logger.warning("\(warning)") }

    let condition = StoreCondition(logger: logger)
    if try await store.isFull() { condition.record(.full) }
    let memoryTrimmer = MemoryTrimmer()
    let router = buildRouter(
        configuration: configuration, recipients: recipients, store: store, condition: condition, layout: layout,
        formTokenKey: try FormTokens.loadOrCreateKey(dataDirectory: configuration.dataDirectory),
        memoryTrimmer: memoryTrimmer, operatorWarnings: operatorWarnings, logger: logger)
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

/// The relay's middleware and routes over what `buildApplication` opened and loaded: the public
/// pages and form intake, and the signed chair API.
func buildRouter(
    configuration: RelayConfiguration, recipients: Recipients, store: EnvelopeStore, condition: StoreCondition,
    layout: PageLayout, formTokenKey: SecretBytes, memoryTrimmer: MemoryTrimmer, operatorWarnings: [String],
    logger: Logger
) -> Router<RelayRequestContext> {
    let notices = NoticePages(layout: layout)
    let limiter = ClientRateLimiter(
        limits: .init(
            clientBurst: Double(configuration.clientBurst),
            clientPerHour: Double(configuration.clientSubmissionsPerHour),
            intakeBurst: Double(configuration.intakeBurst),
            intakePerMinute: Double(configuration.intakeSubmissionsPerMinute)))
    let router = Router(context: RelayRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(
        middleware: ResponseHeadersMiddleware(
            notices: notices, memoryTrimmer: memoryTrimmer, onionLocation: configuration.onionLocation))
    layout.assets.addRoutes(to: router)
    let formPage = FormPage(
        layout: layout, recipientKeys: recipients.encryptionKeys.map(Base64.encode),
        recipientSetDigest: Base64.encode(recipients.signedSet.digest),
        proofOfWorkBits: configuration.proofOfWorkBits, minimumSecondsOnPage: configuration.minimumSecondsOnPage)
    IntakeController(
        committer: GroupCommitter(store: store, condition: condition), recipients: recipients, formPage: formPage,
        notices: notices,
        templates: PageTemplates(formPage: formPage, notices: notices), information: InformationPages(layout: layout),
        tokens: FormTokens(
            key: formTokenKey,
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
    return router
}
