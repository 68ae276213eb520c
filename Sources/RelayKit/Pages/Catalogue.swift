import Foundation

/// All the words of the public pages in one language, loaded from a catalogue file.
///
/// A further language is a further `CODE.json` file: no code changes.
struct Catalogue: Sendable {
    /// BCP 47 code, e.g. "en", "cy".
    let code: String
    /// The language's name in itself, e.g. "Cymraeg": what the language link says.
    let name: String
    let texts: [String: String]
    /// Used for a key this catalogue lacks, so a half-finished translation still shows words.
    let fallback: [String: String]

    /// The text for `key`, with `{name}` placeholders filled from `values`.
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        Self.fill(texts[key] ?? fallback[key] ?? key, values)
    }

    /// Whether this language, or the English it falls back on, has `key`.
    func has(_ key: String) -> Bool { texts[key] != nil || fallback[key] != nil }

    /// This catalogue with `{name}` filled in everywhere from `values`, once, at start-up: the
    /// host's words (the group's name, the response time) in every text that names them. A
    /// bare `{name}` key gives the value itself.
    func filling(_ values: [String: String]) -> Catalogue {
        var filled = texts.mapValues { Self.fill($0, values) }
        let fallback = fallback.mapValues { Self.fill($0, values) }
        for (name, value) in values { filled["{\(name)}"] = value }
        return Catalogue(code: code, name: name, texts: filled, fallback: fallback)
    }

    private static func fill(_ text: String, _ values: [String: String]) -> String {
        var text = text
        for (name, value) in values where text.contains("{") {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }
}

/// Every available language, English first.
struct Catalogues: Sendable {
    let all: [Catalogue]
    /// The languages offered, for checking a submitted one without walking `all` each time.
    let codes: Set<String>

    init(all: [Catalogue]) {
        self.all = all
        codes = Set(all.map(\.code))
    }

    /// The catalogue for `code`, or English for anything else.
    func catalogue(for code: String?) -> Catalogue {
        all.first { $0.code == code } ?? all[0]
    }

    /// Reads every `*.json` catalogue in `directory`, or the built-in ones.
    static func load(directory: URL? = nil) throws(RelayConfiguration.Problem) -> Catalogues {
        let folder: URL
        if let directory {
            folder = directory
        } else {
            folder = try RelayResources.folder().appendingPathComponent("Catalogues")
        }
        struct File: Decodable {
            struct Language: Decodable {
                let code: String
                let name: String
            }
            let language: Language
            let text: [String: String]
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        var files: [File] = []
        for name in names {
            do {
                files.append(
                    try JSONDecoder().decode(File.self, from: Data(contentsOf: folder.appendingPathComponent(name))))
            } catch {
                throw .init(description: "the message catalogue \(name) cannot be read: \(error); fix or remove it")
            }
        }
        guard let english = files.first(where: { $0.language.code == "en" }) else {
            throw .init(
                description: "there is no English catalogue (en.json) in \(folder.path); it is needed as the fallback")
        }
        let ordered = [english] + files.filter { $0.language.code != "en" }
        return Catalogues(
            all: ordered.map {
                Catalogue(code: $0.language.code, name: $0.language.name, texts: $0.text, fallback: english.text)
            })
    }
}
