import Envelope
import FormDecoding
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RelayProtocol
import Sodium

/// The public side: the form, the intake that seals (or checks browser-sealed envelopes) and
/// stores, and the health check.
struct IntakeController: Sendable {
    /// Stores envelopes durably, many concurrent ones per transaction.
    let committer: any EnvelopeIntake
    let recipients: Recipients
    let formPage: FormPage
    let notices: NoticePages
    let templates: PageTemplates
    let information: InformationPages
    let tokens: FormTokens
    let limiter: ClientRateLimiter
    /// The proxy's header naming the client's address; empty to use the connection's peer.
    let clientAddressHeader: String
    let maximumBodyBytes: Int
    /// What the operator should fix, said at start and in `/healthz`'s body (nothing about people).
    let operatorWarnings: [String]
    let logger: Logger

    var catalogues: Catalogues { formPage.layout.catalogues }

    /// Loaded by the receipt page (an image the page hides). Its answer makes the browser drop
    /// what it keeps of this site for Back, the form page with everything typed in it among it:
    /// Chromium now keeps even `no-store` pages in its back/forward cache, so without this Back
    /// after the receipt shows the whole message again on a shared phone, with no script needed
    /// to do it (JavaScript may be off). It clears nothing else: the site sets no cookie and
    /// stores nothing in the browser.
    static let forgetPath = "/forget"

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/") { request, _ in
            let catalogue = catalogues.catalogue(for: request)
            // Never cached (the middleware's default, no-store): each form carries a single-use
            // token, so a kept copy would be refused as "already sent" once its message is stored.
            return Response.html(templates.form(catalogue, token: tokens.issue()))
        }
        router.post("/submit") { request, context in try await submit(request, context: context) }
        router.get("/healthz") { _, _ in healthResponse() }
        for page in InformationPages.Page.allCases {
            router.get(RouterPath(stringLiteral: page.path)) { request, _ in
                Response.html(information.page(page, catalogues.catalogue(for: request)))
            }
        }
        router.get(RouterPath(stringLiteral: Self.forgetPath)) { _, _ in
            var headers = HTTPFields()
            if let name = HTTPField.Name("Clear-Site-Data") { headers[name] = "\"cache\"" }
            return Response(status: .noContent, headers: headers)
        }
    }

    /// Reads the post, then takes the path its content asks for.
    ///
    /// Nothing is charged to the rate limits until the post has shown a valid, unused token (and,
    /// sealed in the browser, a proof of work for its own envelope): junk costs an outsider as
    /// much as it costs us, and cannot spend the budget real people need.
    func submit(_ request: Request, context: RelayRequestContext) async throws -> Response {
        var catalogue = catalogues.catalogue(for: request)
        let contentType = request.headers[.contentType].map { value in
            String(value.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
        }
        guard contentType == "application/x-www-form-urlencoded" else {
            return .html(notices.problem(catalogue, key: "wrong_type"), status: .unsupportedMediaType)
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBodyBytes {
            return tooLarge(catalogue)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge(catalogue)
        }
        // The body's bytes are overwritten by the allocator when NIO frees them
        // (ProcessHardening); zeroing them here would only zero a copy of a shared buffer.
        let fields = body.withUnsafeReadableBytes {
            FormFields(decoding: $0, repeatable: SubmissionForm.Field.repeatableNames)
        }
        if let language = fields["form_language"], catalogues.codes.contains(language) {
            catalogue = catalogues.catalogue(for: language)
        }
        // The client's address is looked at only here, once a post has earned a charge.
        let admit = {
            limiter.admit(
                clientAddress: ClientAddress(request: request, context: context, header: clientAddressHeader).key)
        }
        if let envelope = fields["envelope"] {
            return try await acceptBrowserSealed(envelope, fields: fields, catalogue: catalogue, admit: admit)
        }
        return try await sealAndStore(fields, catalogue: catalogue, admit: admit)
    }

    /// The form as typed (JavaScript off): check it, seal it here, store it. Every refusal shows
    /// the form again with the person's text in it.
    private func sealAndStore(
        _ fields: FormFields, catalogue: Catalogue, admit: () -> ClientRateLimiter.Decision
    ) async throws -> Response {
        let form = SubmissionForm(fields: fields, offeredLanguages: catalogues.codes)
        func again(_ noticeKey: String?, status: HTTPResponse.Status) -> Response {
            .html(
                formPage.render(
                    form, .init(catalogue: catalogue, token: tokens.issue(), noticeKey: noticeKey, holdsText: true)),
                status: status)
        }
        // The language switch of a page holding the text: the form again in that language, as
        // typed, with nothing checked, stored or charged.
        if let code = fields[PageLayout.switchLanguageField], catalogues.codes.contains(code) {
            return .html(
                formPage.render(
                    form.withoutErrors,
                    .init(catalogue: catalogues.catalogue(for: code), token: tokens.issue(), holdsText: true)))
        }
        // Everything wrong is shown at once: a notice about the whole form, and each field's errors.
        var notice: String?
        if let problem = fields.problem {
            notice = Self.noticeKey(for: problem)
        } else if let trap = fields["leave_empty"], !trap.isEmpty {
            notice = "notice.trap"
        } else {
            switch tokens.check(fields["form_token"]) {
            case .tooQuick: notice = "notice.too_quick"
            case .expired, .missingOrForged: notice = "notice.expired"
            case .alreadyUsed: return alreadySent(catalogue)
            case nil: break
            }
        }
        guard notice == nil, form.errors.isEmpty, let token = fields["form_token"] else {
            return again(notice, status: .badRequest)
        }
        switch admit() {
        case .allowed: break
        case .clientLimited: return again("notice.client_limited", status: .tooManyRequests)
        case .intakeLimited: return again("notice.busy", status: .serviceUnavailable)
        }
        guard tokens.claim(token) else { return alreadySent(catalogue) }
        // Result rather than do/catch: Swift 6.3 crashes compiling a typed catch pattern here.
        let sealing = Result { () throws(SealingError) in
            try Envelope.seal(form.makeSubmission(), to: recipients.signedSet)
        }
        let envelope: [UInt8]
        switch sealing {
        case .success(let sealed): envelope = sealed
        case .failure(.tooLong):
            tokens.release(token)
            return again("notice.record_too_long", status: .contentTooLarge)
        case .failure(let error):
            // Never a receipt for what was not sealed. The keys were checked at start, so this
            // is the relay's fault, not the person's: their text is shown again, kept.
            tokens.release(token)
            logger.error("could not seal a submission", metadata: ["error.type": "\(type(of: error))"])
            return again("notice.store_failed", status: .serviceUnavailable)
        }
        do {
            let stored = try await committer.append(envelope)
            return .html(templates.receipt(catalogue, code: ReceiptCode.make(chain: stored.chain), sealedBy: .server))
        } catch EnvelopeStore.AppendError.full {
            tokens.release(token)
            return again("notice.full", status: .serviceUnavailable)
        } catch {
            tokens.release(token)
            logger.error("could not store a submission", metadata: ["error.type": "\(type(of: error))"])
            return again("notice.store_failed", status: .serviceUnavailable)
        }
    }

    /// An envelope sealed in the browser: only its structure can be checked here.
    ///
    /// The page's script posts it in the background and shows the receipt only on success; on a
    /// refusal it keeps the person's text and says what to do, in words chosen by the reason
    /// this sends in `Blind-Relay-Refusal`. Without the script, the page below is what shows.
    private func acceptBrowserSealed(
        _ text: String, fields: FormFields, catalogue: Catalogue, admit: () -> ClientRateLimiter.Decision
    ) async throws -> Response {
        func refuse(_ reason: BrowserRefusal) -> Response {
            var response = Response.html(
                notices.problem(catalogue, key: reason.pageKey, goBack: reason != .alreadySent), status: reason.status)
            if let name = BrowserRefusal.headerName { response.headers[name] = reason.rawValue }
            return response
        }
        if let trap = fields["leave_empty"], !trap.isEmpty { return refuse(.automated) }
        let token = fields["form_token"] ?? ""
        switch tokens.check(token) {
        case nil: break
        case .alreadyUsed: return refuse(.alreadySent)
        case .tooQuick: return refuse(.tooQuick)
        case .expired: return refuse(.expired)
        case .missingOrForged: return refuse(.automated)
        }
        guard fields.problem == nil, let envelope = Base64.decode(text),
            let header = try? EnvelopeHeader(validating: envelope), header.recipientCount == recipients.keys.count
        else { return refuse(.badEnvelope) }
        guard tokens.isProofOfWork(fields["pow"], token: token, envelope: envelope) else { return refuse(.automated) }
        switch admit() {
        case .allowed: break
        case .clientLimited: return refuse(.clientLimited)
        case .intakeLimited: return refuse(.busy)
        }
        guard tokens.claim(token) else { return refuse(.alreadySent) }
        do {
            let stored = try await committer.append(envelope)
            return .html(templates.receipt(catalogue, code: ReceiptCode.make(chain: stored.chain), sealedBy: .browser))
        } catch EnvelopeStore.AppendError.full {
            tokens.release(token)
            return refuse(.full)
        } catch {
            tokens.release(token)
            logger.error("could not store a submission", metadata: ["error.type": "\(type(of: error))"])
            return refuse(.storeFailed)
        }
    }

    /// 204 when all is well; 200 with one `warning:` line each when the operator has work to do;
    /// 503 with an `unavailable:` line when submissions cannot be stored now.
    private func healthResponse() -> Response {
        // From what the latest writes found: a read of the store here would slow the relay's
        // cheapest answer, which monitors call often.
        let unavailable: String? =
            switch committer.condition.problem {
            case .full:
                "the store is full (max_stored_envelopes or max_stored_bytes); the chair must pull, or raise the limits"
            case .failing:
                "the last submission could not be written to the store; check the data folder's free space and permissions"
            case nil: nil
            }
        guard unavailable != nil || !operatorWarnings.isEmpty else { return Response(status: .noContent) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        let text = (unavailable.map { ["unavailable: \($0)\n"] } ?? []) + operatorWarnings.map { "warning: \($0)\n" }
        return Response(
            status: unavailable == nil ? .ok : .serviceUnavailable, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: text.joined())))
    }

    /// A second post of a form whose message is stored (a reloaded receipt): nothing new is
    /// stored, and the page says so without showing the text again.
    private func alreadySent(_ catalogue: Catalogue) -> Response {
        .html(notices.problem(catalogue, key: "already_sent", goBack: false), status: .conflict)
    }

    private func tooLarge(_ catalogue: Catalogue) -> Response {
        .html(
            notices.problem(catalogue, key: "too_large", values: ["size": (maximumBodyBytes / 1024).formatted]),
            status: .contentTooLarge)
    }

    static func noticeKey(for problem: FormFields.Problem) -> String {
        switch problem {
        case .badPercentEncoding: "notice.bad_encoding"
        case .repeatedField: "notice.repeated"
        case .tooManyFields: "notice.too_many"
        }
    }
}
