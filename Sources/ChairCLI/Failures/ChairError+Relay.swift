import ChairSync

extension RelayStep {
    /// What the request was doing, as a failure names it.
    var words: String {
        switch self {
        case .identity: "asking the relay who it is"
        case .recipientSets: "fetching the recipients sets the relay seals to"
        case .page(let after): "fetching the envelopes after \(after)"
        case .acknowledgement(let through): "telling the relay that everything up to envelope \(through) is stored"
        }
    }
}

extension RelayFailure.Reason {
    /// The relay's reason as it may be shown: no control character reaches the chair's terminal,
    /// and no more than a line of it.
    var words: String {
        switch self {
        case .status(let status): return "status \(status)"
        case .said(let said):
            let shown = SubmissionText.safeForTerminal(said)
            return shown.count > 200 ? String(shown.prefix(199)) + "…" : shown
        }
    }
}

extension ChairError {
    /// An exchange with the relay that gave nothing usable, in the chair's words.
    init(_ failure: RelayFailure) {
        switch failure {
        case .notAWebAddress(let address):
            self.init(
                "'\(address)' is not a web address",
                hint: "give the relay's address, e.g. --relay https://contact.example.police.uk")
        case .addressUnusable:
            self.init("the relay address cannot be used", hint: "give it as https://host[:port]")
        case .answerUnreadable(let step):
            self.init(
                "the relay's answer could not be read (\(step.words))",
                hint: "check that --relay is the Blind Relay's address")
        case .answerOutOfRange(let step):
            self.init(
                "the relay's answer holds numbers no Blind Relay sends (\(step.words)); nothing from it was used",
                hint:
                    "check the address; if it is right, the relay's software may have been changed: tell its host, and pull again once it is explained"
            )
        case .acknowledgementNotPrepared:
            self.init("could not prepare the acknowledgement", hint: "run 'chair pull' again")
        case .acknowledgementRefused(let reason):
            self.init(
                "the relay did not accept the acknowledgement: \(reason.words)",
                hint: "your messages are safely stored here; run 'chair pull' again later")
        case .redirected(let step, let target):
            self.init(
                "while \(step.words), the relay answered with a redirect to "
                    + "\(SubmissionText.safeForTerminal(String((target ?? "another address").prefix(200)))), which the chair's tool never follows",
                hint:
                    "use the relay's own address, as its host gave it (https and the exact name); if that is what you used, tell its host"
            )
        case .noRelayThere(let address):
            self.init(
                "\(address) has no Blind Relay there (it answered 404, not found): the address is probably wrong",
                hint:
                    "check the relay's address with its host: it is the address of the public form, e.g. https://contact.example.org, without /api"
            )
        case .refused(let reason):
            self.init(
                "the relay refused your request: \(reason.words)",
                hint:
                    "check that you are in the recipients set the relay's host installed ('chair recipients show') and that this computer's clock is right"
            )
        case .errorAnswer(let reason):
            self.init("the relay answered with an error: \(reason.words)", hint: "try again later; nothing was lost")
        case .transfer(let failure, let step, let relay):
            self = Self.explain(failure, step: step, relay: relay)
        }
    }

    /// The chair's words for an exchange that gave no answer.
    static func explain(_ failure: BoundedTransfer.Failure, step: RelayStep, relay: String) -> ChairError {
        switch failure {
        case .tooLarge(let limit):
            ChairError(
                "while \(step.words), the relay sent more than any Blind Relay sends (over \(limit / 1_048_576 + 1) MiB), "
                    + "so it was not read",
                hint:
                    "check the address; if it is right, tell the relay's host; whatever was already pulled is stored here, and nothing was lost"
            )
        case .deadlinePassed(let seconds):
            ChairError(
                "the relay did not finish answering within \(seconds) seconds while \(step.words)",
                hint:
                    "check your connection and run the command again; whatever was already pulled is stored here, and nothing was lost (a very slow link can allow more time with BLIND_RELAY_REQUEST_SECONDS)"
            )
        case .unreachable(let reason):
            ChairError(
                "cannot reach the relay at \(relay): \(reason)",
                hint:
                    "check the address and your connection, then run the command again; whatever was already pulled is stored here, and nothing was lost"
            )
        }
    }
}
