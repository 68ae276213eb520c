import ChairCore
import ChairStorage
import Envelope
import Foundation
import RelayProtocol
import Sodium

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends one delivery canary through the relay's public form as a person's browser would
/// (docs/FORMAT.md section 11): the same page, the same sealed post with its proof of work, a
/// person's time on the page and a person's size of message. Only the sealed record says it is
/// a canary.
package struct CanarySender {
    package let relayAddress: String
    package let client: any RelayConnection
    package let store: ChairStore
    package let identity: ChairIdentity
    /// Seconds between reading the page and posting, as a person typing.
    package let secondsOnPage: Double

    package init(
        relayAddress: String, client: any RelayConnection, store: ChairStore, identity: ChairIdentity,
        secondsOnPage: Double
    ) {
        self.relayAddress = relayAddress
        self.client = client
        self.store = store
        self.identity = identity
        self.secondsOnPage = secondsOnPage
    }

    /// What the form page offers a browser that seals.
    package struct FormPage {
        package let action: URL
        package let token: String
        package let language: String
        package let keys: [[UInt8]]
        let setDigest: [UInt8]
        let proofOfWorkBits: Int
    }

    package func send() async throws(SyncFailure) -> ChairStore.Canary {
        let base = try baseURL()
        let page = try await readForm(base)
        let set = try await trustedSet(for: page)
        let identifier = RandomBytes.make(count: SubmissionRecord.canaryLength)
        let envelope: [UInt8]
        do {
            envelope = try Envelope.seal(
                Submission(message: Self.ordinaryText(), formLanguage: page.language), to: set, canary: identifier)
        } catch {
            throw .canaryNotSealed(reason: "\(error)")
        }
        if secondsOnPage > 0 { try? await Task.sleep(for: .milliseconds(Int(secondsOnPage * 1000))) }
        let receipt = try await post(envelope, page: page)
        let canary = ChairStore.Canary(
            identifier: Hex.encode(identifier), relay: relayAddress, sent: Date(), receipt: receipt)
        do {
            try store.addCanary(canary)
        } catch {
            throw .canaryNotRecorded(receipt: receipt, reason: "\(error)")
        }
        return canary
    }

    private func baseURL() throws(SyncFailure) -> URL {
        guard let url = URL(string: relayAddress.hasSuffix("/") ? relayAddress : relayAddress + "/") else {
            throw .notAWebAddress(relayAddress)
        }
        return url
    }

    private func fetch(_ request: URLRequest) async throws(SyncFailure) -> PublicFetch.Answer {
        do {
            return try await PublicFetch.send(request, relay: relayAddress)
        } catch {
            throw .page(error)
        }
    }

    /// The form page's token, action, keys, set digest and proof-of-work difficulty.
    func readForm(_ base: URL) async throws(SyncFailure) -> FormPage {
        let answer = try await fetch(URLRequest(url: base))
        let status = answer.status
        guard status == 200, let form = PublicForm.read(answer.text), !form.action.isEmpty,
            let action = URL(string: form.action, relativeTo: base), let token = form.token,
            let language = form.language
        else {
            throw .formUnreadable(status: status)
        }
        guard let sealing = form.sealing, let bits = sealing.proofOfWorkBits else { throw .formDoesNotSeal }
        return FormPage(
            action: action, token: token, language: language, keys: sealing.keys, setDigest: sealing.setDigest,
            proofOfWorkBits: bits)
    }

    /// The signed set the page seals to, if the group's chair signed it and the page's keys are
    /// exactly its keys: a canary is sealed only to the people a person's message would be.
    private func trustedSet(for page: FormPage) async throws(SyncFailure) -> RecipientSet {
        let group = try await GroupRecipients.load(from: client, store: store, identity: identity)
        guard let set = group.set(withDigest: page.setDigest), set.encryptionKeys == page.keys else {
            throw .formSealsToUntrustedKeys
        }
        return set
    }

    /// Posts the envelope as the page's script does; returns the receipt code shown.
    private func post(_ envelope: [UInt8], page: FormPage) async throws(SyncFailure) -> String {
        let proof = ProofOfWork.solve(
            ProofOfWork.challenge(token: page.token, envelope: envelope), bits: page.proofOfWorkBits)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        let body = [
            ("envelope", Base64.encode(envelope)), ("form_token", page.token), ("pow", proof),
            ("form_language", page.language), ("leave_empty", ""),
        ].map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
        var request = URLRequest(url: page.action)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let answer = try await fetch(request)
        let html = answer.text
        guard answer.status == 200,
            let code = html.firstMatch(of: /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/)
        else {
            let reason = answer.header("Blind-Relay-Refusal") ?? "status \(answer.status)"
            throw .canaryRefused(reason: reason)
        }
        return String(code.0)
    }

    /// Ordinary words, of a length drawn so that most canaries take the smallest size class, as
    /// most messages do, and some the next.
    static func ordinaryText() -> String {
        let characters =
            RandomBytes.uniform(below: 10) == 0
            ? 4_200 + Int(RandomBytes.uniform(below: 6_000)) : 120 + Int(RandomBytes.uniform(below: 2_400))
        var text = ""
        while text.utf8.count < characters {
            if !text.isEmpty { text += RandomBytes.uniform(below: 12) == 0 ? ". " : " " }
            text += WordList.words[Int(RandomBytes.uniform(below: UInt32(WordList.words.count)))]
        }
        return text + "."
    }
}
