import Envelope
import Hummingbird
import Logging
import NIOCore
import RelayProtocol

/// The public side: the form, the intake that seals and stores, and the health check.
struct IntakeController: Sendable {
    let store: EnvelopeStore
    let recipients: Recipients
    let formPage: FormPage
    let notices: NoticePages
    let maximumBodyBytes: Int
    let logger: Logger

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/") { _, _ in Response.html(formPage.render(SubmissionForm())) }
        router.post("/submit") { request, _ in try await submit(request) }
        router.get("/healthz") { _, _ in Response(status: .noContent) }
        router.get("/assets/relay.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
        }
    }

    /// Seals the form and stores it; shows the receipt only once the store has committed.
    func submit(_ request: Request) async throws -> Response {
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/x-www-form-urlencoded" else {
            return .html(
                notices.problem(
                    title: "This page only accepts the contact form",
                    explanation: "What was sent was not a web form, so it could not be read."),
                status: .unsupportedMediaType)
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBodyBytes {
            return tooLarge()
        }
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge()
        }
        let fields = body.withUnsafeReadableBytes { FormFields(decoding: $0) }
        // The raw body holds the person's words; wipe our copy now it has been read.
        _ = body.withUnsafeMutableReadableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        let form = SubmissionForm(fields: fields)
        if let problem = fields.problem {
            return .html(formPage.render(form, notice: Self.explain(problem)), status: .badRequest)
        }
        guard form.errors.isEmpty else {
            return .html(formPage.render(form), status: .badRequest)
        }
        // Result rather than do/catch: Swift 6.3 crashes compiling a typed catch pattern here.
        let sealing = Result { () throws(SealingError) in
            try Envelope.seal(form.makeSubmission(), to: recipients.encryptionKeys)
        }
        guard case .success(let envelope) = sealing else {
            return .html(
                formPage.render(
                    form,
                    notice: "Your message is too long to send in one go. Please shorten it, or send it in two parts."),
                status: .contentTooLarge)
        }
        do {
            let stored = try await store.appendEnvelope(envelope)
            return .html(notices.receipt(code: ReceiptCode.make(chain: stored.chain)))
        } catch EnvelopeStore.AppendError.full {
            return .html(
                formPage.render(
                    form,
                    notice:
                        "This service is full at the moment and cannot take new messages. Nothing was sent. Please try again later, or contact the group another way."
                ),
                status: .serviceUnavailable)
        } catch {
            // The error may name the database file; it never holds the person's text.
            logger.error("could not store a submission", metadata: ["error.type": "\(type(of: error))"])
            return .html(
                formPage.render(
                    form,
                    notice:
                        "Your message could not be saved because of a problem on our side. Nothing was sent. Please try again in a few minutes."
                ),
                status: .serviceUnavailable)
        }
    }

    private func tooLarge() -> Response {
        .html(
            notices.problem(
                title: "Your message is too long to send",
                explanation:
                    "The form you sent was larger than this service accepts (\((maximumBodyBytes / 1024).formatted) KB). Shorten your message and send it again."
            ),
            status: .contentTooLarge)
    }

    static func explain(_ problem: FormFields.Problem) -> String {
        switch problem {
        case .badPercentEncoding: "Part of the form could not be read. Check your message and send it again."
        case .repeatedField: "The form was sent with a field twice. Check your message and send it again."
        case .tooManyFields: "The form was sent with more fields than it has. Check your message and send it again."
        }
    }
}
