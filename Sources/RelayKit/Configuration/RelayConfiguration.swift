import Foundation
import Logging

/// Everything the relay is told by its host: read from a `key = value` file and/or
/// `BLIND_RELAY_*` environment variables (the environment wins).
public struct RelayConfiguration: Sendable {
    /// Address to listen on; normally loopback behind the host's TLS proxy.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (tests).
    public var port = 8080
    /// Folder of the SQLite store.
    public var dataDirectory = "data"
    /// Folder of recipient public key files (`*.pub`, made by `chair export`).
    public var keysDirectory = "keys"
    /// The group's name as the public sees it, by language code ("group_name_cy"); the plain
    /// `group_name` is English. A language without one uses its catalogue's default.
    public var groupNames: [String: String] = [:]
    /// Who reads the messages, as the public sees it, by language code.
    public var readerDescriptions: [String: String] = [:]
    /// How soon the group aims to reply to a request to be contacted ("two weeks"), by language.
    public var responseTimes: [String: String] = [:]
    /// Other ways to reach the group or get help, said on the receipt and when the service is
    /// full, by language.
    public var otherWays: [String: String] = [:]
    /// How long the group keeps a message (the privacy notice), by language.
    public var retentionPeriods: [String: String] = [:]
    /// How to reach whoever answers for the group's handling of personal data, by language.
    public var privacyContacts: [String: String] = [:]
    /// Folder of message catalogues (`CODE.json`); nil for the built-in English and Welsh.
    public var cataloguesDirectory: String?
    /// Where Exit this page leaves for: a neutral, common site (GOV.UK's choice is BBC Weather).
    public var exitURL = "https://www.bbc.co.uk/weather"
    /// The onion service's address (`http://….onion`, no final `/`), sent as `Onion-Location`.
    public var onionLocation: String?
    /// TweetNaCl for sealing in the browser (Debian's node-tweetnacl); without it, only the server seals.
    public var tweetNaClFile = "/usr/share/nodejs/tweetnacl/nacl-fast.min.js"
    /// A form sent sooner than this after it was served is taken for a bot.
    public var minimumSecondsOnPage = 3
    /// Leading zero bits of the browser's proof of work (each bit doubles its cost). 11: on a
    /// phone six times slower than a laptop, TweetNaCl's SHA-512 takes 0.125 ms, so 2,048 tries
    /// on average (0.26 s) and 6,100 one time in twenty (0.77 s) keep Send to receipt under 2 s
    /// (`make bench`); 14 took 2 s on average. A bot with native SHA-512 pays about 2 ms either
    /// way: the per-client and intake limits, charged only after a proof, are what hold a flood.
    public var proofOfWorkBits = 11
    /// Largest request body accepted, in bytes, checked before the body is read whole.
    public var maximumBodyBytes = 128 * 1024
    /// Most envelopes the store holds before it refuses new ones.
    public var maximumStoredEnvelopes = 100_000
    /// Most envelope bytes the store holds before it refuses new ones.
    public var maximumStoredBytes = 1024 * 1024 * 1024
    /// How far a chair request's timestamp may be from the relay's clock, in seconds.
    public var clockWindowSeconds = 300
    /// Most header lines in a request.
    public var maximumHeaderCount = 64
    /// Most bytes in all of a request's header lines together.
    public var maximumHeaderBytes = 16 * 1024
    /// Most connections open at once.
    public var maximumConnections = 1_024
    /// A connection idle this long is closed.
    public var idleTimeoutSeconds = 30
    /// A request head must arrive within this many seconds (of connecting or of the last response).
    public var headTimeoutSeconds = 10
    /// A request body must arrive whole within this many seconds of its head.
    public var bodyTimeoutSeconds = 30
    /// Submissions one client may make at once, and regains per hour.
    public var clientBurst = 10
    public var clientSubmissionsPerHour = 60
    /// Submissions the whole intake may take at once, and regains per minute.
    public var intakeBurst = 600
    public var intakeSubmissionsPerMinute = 600
    /// Behind a reverse proxy every peer is the proxy: name the header it puts the client's
    /// address in (e.g. X-Forwarded-For; the last entry is used). Empty: use the peer.
    public var clientAddressHeader = ""
    /// How much the relay logs. Nothing about requests is ever logged, at any level.
    public var logLevel = Logger.Level.info

    /// The built-in defaults.
    public init() {}

    /// Every per-language setting by its key: what the pages fill their `{key}` placeholders with.
    var publicWording: [String: [String: String]] {
        var wording: [String: [String: String]] = [:]
        for setting in RelaySetting.all {
            if case .perLanguage(let path) = setting.value { wording[setting.key] = self[keyPath: path] }
        }
        return wording
    }

    /// Why the configuration cannot be used.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// What is wrong and how to fix it, in plain words.
        public let description: String
    }

    /// Reads `file` (if given), then the environment, over the defaults; every key and value is
    /// checked against the table of settings (`RelaySetting`).
    public static func load(file: String?, environment: [String: String]) throws(Problem) -> RelayConfiguration {
        var configuration = RelayConfiguration()
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else {
                throw Problem(
                    description: "cannot read the configuration file \(file); check the path and its permissions")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw Problem(description: "\(file) line \(number + 1): expected 'key = value'")
                }
                let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
                let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                try configuration.set(key, value, source: "\(file) line \(number + 1)")
            }
        }
        // Other BLIND_RELAY_ variables (the chair's passphrase, the memory hygiene switch) are
        // not settings of this file, and are left alone.
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("BLIND_RELAY_") {
            let key = name.dropFirst("BLIND_RELAY_".count).lowercased()
            guard RelaySetting.find(key) != nil else { continue }
            try configuration.set(key, value, source: "environment variable \(name)")
        }
        return configuration
    }

    private mutating func set(_ key: String, _ value: String, source: String) throws(Problem) {
        guard let (setting, language) = RelaySetting.find(key) else {
            throw Problem(
                description:
                    "\(source): unknown setting '\(key)'; known settings: \(RelaySetting.knownNames.sorted().joined(separator: ", "))"
            )
        }
        try setting.apply(value, language: language, to: &self, source: source)
    }
}
