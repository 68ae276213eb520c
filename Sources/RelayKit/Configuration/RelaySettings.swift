import Logging

/// Every setting the host can give the relay, in one table: its key, what it holds, its bounds
/// and the words above it in `deploy/relay.conf.example`. Reading the file and the environment,
/// the unknown-setting error and the example file are all made from it.
extension RelayConfiguration {
    /// `deploy/relay.conf.example`: every setting, its default and what it is for.
    public static var exampleFile: String { RelaySetting.exampleFile }
}

struct RelaySetting: Sendable {
    /// What a setting holds, and where it goes in the configuration.
    enum Value: Sendable {
        case text(WritableKeyPath<RelayConfiguration, String> & Sendable)
        /// A whole number within `range`.
        case number(WritableKeyPath<RelayConfiguration, Int> & Sendable, ClosedRange<Int>)
        /// A folder, or nothing for the built-in default.
        case optionalText(WritableKeyPath<RelayConfiguration, String?> & Sendable)
        /// One text per language: `key` is English, `key_CODE` another language.
        case perLanguage(WritableKeyPath<RelayConfiguration, [String: String]> & Sendable)
        /// An `https://` or `http://` address.
        case webAddress(WritableKeyPath<RelayConfiguration, String> & Sendable)
        /// `http://` and a v3 onion address (56 base-32 letters, `.onion`), or nothing.
        case onionAddress(WritableKeyPath<RelayConfiguration, String?> & Sendable)
        case logLevel
    }

    let key: String
    let value: Value
    /// The comment lines above it in the example file; empty when it shares the previous one's.
    let help: [String]
    /// The line written in the example file, when not `key = default`.
    var example: String?

    init(_ key: String, _ value: Value, help: [String] = [], example: String? = nil) {
        self.key = key
        self.value = value
        self.help = help
        self.example = example
    }

    static let all: [RelaySetting] = [
        .init(
            "host", .text(\.host),
            help: [
                "Listen on loopback only; put the host's TLS reverse proxy in front. Do not let the proxy log",
                "client addresses or user agents for this site (deploy/README.md; deploy/nginx/ does it).",
            ]),
        .init("port", .number(\.port, 0...65_535)),
        .init(
            "data_dir", .text(\.dataDirectory),
            help: [
                "SQLite store (created, mode 0700), its high-water mark, and form-token.key (0600), which keeps",
                "open forms valid across a restart. Back it up with 'relay backup FILE': it holds ciphertext only.",
            ], example: "data_dir = /var/lib/blind-relay"),
        .init(
            "keys_dir", .text(\.keysDirectory),
            help: [
                "The chair's signed recipients.set (made with 'chair recipients create'; replace it with each new",
                "copy the chair sends). The relay seals to exactly these people and will not start without it, with",
                "a changed copy, or beside a *.pub key file the set does not hold.",
            ], example: "keys_dir = /etc/blind-relay/keys"),
        .init(
            "group_name", .perLanguage(\.groupNames),
            help: [
                "What the public sees, per language (group_name is English; group_name_cy Welsh, and so on).",
                "Without them, each language's catalogue default is used.",
            ], example: "group_name = the Independent Advisory Group on Hate Crime"),
        .init(
            "reader_description", .perLanguage(\.readerDescriptions),
            example: "reader_description = the chair of the group (and the deputy chair, if the group has one)\n"
                + "# group_name_cy = y Grŵp Cynghori Annibynnol ar Droseddau Casineb"),
        .init(
            "response_time", .perLanguage(\.responseTimes),
            help: [
                "What the receipt and the privacy notice promise, per language like group_name. Each page says it",
                "before a person needs it; without these, the catalogue's defaults (shown) are used.",
            ], example: "# response_time = two weeks"),
        .init(
            "other_ways", .perLanguage(\.otherWays),
            example:
                "# other_ways = If you need to talk to someone now, Victim Support is free and private, and it is "
                + "not part of the police. Call 0808 168 9111."),
        .init("retention_period", .perLanguage(\.retentionPeriods), example: "# retention_period = one year"),
        .init(
            "privacy_contact", .perLanguage(\.privacyContacts),
            example: "# privacy_contact = the chair of the group, using the contact form on this site"),
        .init(
            "catalogues_dir", .optionalText(\.cataloguesDirectory),
            example: "# catalogues_dir = /etc/blind-relay/catalogues   # a folder of CODE.json files; default: built in"
        ),
        .init(
            "tweetnacl_file", .text(\.tweetNaClFile),
            help: ["Sealing in the browser needs TweetNaCl (Debian package node-tweetnacl)."]),
        .init(
            "min_seconds_on_page", .number(\.minimumSecondsOnPage, 0...3_600),
            help: [
                "Anti-spam: seconds a form must be open before it is sent; proof-of-work bits for browsers (each",
                "bit doubles a slow phone's wait after Send: 11 keeps it under 2 s, docs/PERFORMANCE.md).",
            ]),
        .init("proof_of_work_bits", .number(\.proofOfWorkBits, 0...24)),
        .init("max_body_bytes", .number(\.maximumBodyBytes, 4_096...16_777_216), help: ["Limits."]),
        .init("max_header_count", .number(\.maximumHeaderCount, 8...1_024)),
        .init("max_header_bytes", .number(\.maximumHeaderBytes, 1_024...1_048_576)),
        .init("max_connections", .number(\.maximumConnections, 1...1_000_000)),
        .init("idle_timeout_seconds", .number(\.idleTimeoutSeconds, 1...3_600)),
        .init("head_timeout_seconds", .number(\.headTimeoutSeconds, 1...3_600)),
        .init("body_timeout_seconds", .number(\.bodyTimeoutSeconds, 1...3_600)),
        .init("max_stored_envelopes", .number(\.maximumStoredEnvelopes, 1...100_000_000)),
        .init("max_stored_bytes", .number(\.maximumStoredBytes, 1_048_576...(1 << 44))),
        .init("clock_window_seconds", .number(\.clockWindowSeconds, 10...86_400)),
        .init(
            "client_burst", .number(\.clientBurst, 1...100_000_000),
            help: ["Rate limits, kept only in memory under a keyed hash that is replaced daily."]),
        .init("client_submissions_per_hour", .number(\.clientSubmissionsPerHour, 1...100_000_000)),
        .init("intake_burst", .number(\.intakeBurst, 1...100_000_000)),
        .init("intake_submissions_per_minute", .number(\.intakeSubmissionsPerMinute, 1...100_000_000)),
        .init(
            "client_address_header", .text(\.clientAddressHeader),
            help: [
                "Behind a reverse proxy every connection comes from the proxy; name the header it puts the",
                "client's address in. The last address across all of that header's lines is used (the one the",
                "proxy added; a client can send lines of its own before it). An IPv6 client counts as its /64.",
                "Leave empty only when there is no proxy: a relay on loopback with this empty warns at start",
                "and in /healthz, because everyone behind a proxy would then share one budget.",
            ]),
        .init(
            "exit_url", .webAddress(\.exitURL),
            help: [
                "Where Exit this page (a button on every page, or Shift three times) takes a person who must",
                "leave the site at once: a common, neutral site, which is what someone looking over a shoulder sees.",
            ]),
        .init(
            "onion_location", .onionAddress(\.onionLocation),
            help: [
                "The relay's onion service (deploy/tor/), as http://ADDRESS.onion: every page then carries an",
                "Onion-Location header, and Tor Browser offers the person the onion address instead.",
            ], example: "# onion_location = http://ADDRESS.onion"),
        .init(
            "log_level", .logLevel,
            help: ["trace, debug, info, notice, warning, error, critical. No level ever logs request data."]),
    ]

    /// The setting `key` names: its own, or a language's variant of a per-language one.
    static func find(_ key: String) -> (setting: RelaySetting, language: String)? {
        if let setting = all.first(where: { $0.key == key }) { return (setting, "en") }
        for setting in all {
            guard case .perLanguage = setting.value, key.hasPrefix(setting.key + "_") else { continue }
            let language = String(key.dropFirst(setting.key.count + 1))
            guard !language.isEmpty else { return nil }
            return (setting, language)
        }
        return nil
    }

    /// The names the unknown-setting error lists.
    static var knownNames: [String] {
        all.map { setting in
            if case .perLanguage = setting.value { return setting.key + "[_LANG]" }
            return setting.key
        }
    }

    /// Sets `raw` from `source` into `configuration`, checking its kind and bounds.
    func apply(_ raw: String, language: String, to configuration: inout RelayConfiguration, source: String)
        throws(RelayConfiguration.Problem)
    {
        switch value {
        case .text(let path): configuration[keyPath: path] = raw
        case .optionalText(let path): configuration[keyPath: path] = raw.isEmpty ? nil : raw
        case .webAddress(let path):
            guard raw.hasPrefix("https://") || raw.hasPrefix("http://"), raw.count <= 2_000,
                !raw.contains(where: { $0.isWhitespace || "\"<>'".contains($0) })
            else {
                throw RelayConfiguration.Problem(
                    description: "\(source): \(key) must be a web address starting https://, not '\(raw)'")
            }
            configuration[keyPath: path] = raw
        case .onionAddress(let path):
            guard raw.isEmpty || Self.isOnionAddress(raw) else {
                throw RelayConfiguration.Problem(
                    description:
                        "\(source): \(key) must be http:// and the onion service's address (56 letters and digits, then .onion), as in /var/lib/tor/blind-relay/hostname; not '\(raw)'"
                )
            }
            configuration[keyPath: path] = raw.isEmpty ? nil : raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        case .perLanguage(let path): configuration[keyPath: path][language] = raw
        case .number(let path, let range):
            // Canonical decimal only, bounded before use: a setting is outside input like any other.
            guard raw.utf8.count <= 18, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(raw),
                range.contains(number)
            else {
                throw RelayConfiguration.Problem(
                    description:
                        "\(source): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(raw)'"
                )
            }
            configuration[keyPath: path] = number
        case .logLevel:
            guard let level = Logger.Level(rawValue: raw) else {
                throw RelayConfiguration.Problem(
                    description:
                        "\(source): log_level must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = level
        }
    }

    /// `http://` and a v3 onion host, with or without a final `/`.
    static func isOnionAddress(_ text: String) -> Bool {
        guard text.hasPrefix("http://") else { return false }
        var host = text.dropFirst("http://".count)
        if host.hasSuffix("/") { host = host.dropLast() }
        guard host.hasSuffix(".onion") else { return false }
        let name = host.dropLast(".onion".count)
        return name.count == 56 && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x32...0x37).contains($0) }
    }

    /// This setting's default, as the example file writes it.
    func defaultText(in configuration: RelayConfiguration) -> String {
        switch value {
        case .text(let path), .webAddress(let path): configuration[keyPath: path]
        case .optionalText(let path), .onionAddress(let path): configuration[keyPath: path] ?? ""
        case .perLanguage(let path): configuration[keyPath: path]["en"] ?? ""
        case .number(let path, _): String(configuration[keyPath: path])
        case .logLevel: configuration.logLevel.rawValue
        }
    }

    /// `deploy/relay.conf.example`, made from the table and the built-in defaults.
    static var exampleFile: String {
        let defaults = RelayConfiguration()
        var lines = [
            "# Blind Relay configuration: 'key = value' lines; '#' starts a comment.",
            "# Every key can also be set as an environment variable BLIND_RELAY_<KEY IN CAPITALS>, which wins.",
            "# Run with: relay --config /etc/blind-relay/relay.conf",
            "# Made from Sources/RelayKit/Configuration/RelaySettings.swift ('relay example-config'); edit that, not this.",
        ]
        for setting in all {
            if !setting.help.isEmpty {
                lines.append("")
                lines += setting.help.map { "# " + $0 }
            }
            lines.append(
                setting.example ?? "\(setting.key) =\(setting.defaultText(in: defaults).isEmpty ? "" : " ")"
                    + setting.defaultText(in: defaults))
        }
        lines += [
            "",
            "# Not settings, but worth knowing: the relay restarts itself once at start with glibc's",
            "# allocator told to overwrite freed memory (GLIBC_TUNABLES), and turns core dumps off for",
            "# itself. BLIND_RELAY_MEMORY_HYGIENE=off (environment only) skips the first, to measure its cost.",
            "# It runs Swift concurrency on NIO's event loops, and says so in its log at start;",
            "# BLIND_RELAY_NIO_EXECUTOR=off (environment only) keeps Swift's own executor. It warns",
            "# \"event loop N ran M ms late\" when a loop was held up 250 ms or more. Under systemd",
            "# (Type=notify) it says it is ready once it listens, through NOTIFY_SOCKET.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
