import Envelope
import Foundation
import Sodium
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// Text a sender controls must not be able to disguise itself in the chair's terminal or files.
@Suite("Untrusted text shown to the chair")
struct UntrustedTextTests {
    @Test("bidi overrides, zero-width and separator characters are shown, not obeyed")
    func invisiblesAreVisible() {
        let cases: [(String, String)] = [
            ("call 07700\u{202E}123 900", "call 07700⟨U+202E⟩123 900"),
            ("me@ex\u{200B}ample.org", "me@ex⟨U+200B⟩ample.org"),
            ("line one\u{2028}line two", "line one⟨U+2028⟩line two"),
            ("para\u{2029}graph", "para⟨U+2029⟩graph"),
            ("\u{2066}isolated\u{2069}", "⟨U+2066⟩isolated⟨U+2069⟩"),
            ("\u{FEFF}bom", "⟨U+FEFF⟩bom"),
            ("hidden\u{E0041}\u{E0042}tags", "hidden⟨U+E0041⟩⟨U+E0042⟩tags"),
            ("joiner\u{200D}alone", "joiner⟨U+200D⟩alone"),
            ("escape \u{1B}[2J", "escape \u{FFFD}[2J"),
        ]
        for (sent, shown) in cases {
            #expect(SubmissionText.safeForTerminal(sent) == shown, "\(sent.unicodeScalars.map(\.value))")
        }
    }

    @Test("emoji that need joiners and tags are left whole: a family, the flag of Wales")
    func emojiAreKept() {
        let family = "👩\u{200D}👩\u{200D}👧"
        let wales = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}"
        let text = "from \(family) in \(wales), Caerdydd — שלום مرحبا"
        #expect(SubmissionText.safeForTerminal(text) == text)
    }

    @Test("a record read as text or JSON shows the override; the JSON still holds the exact text")
    func readOutputs() throws {
        let details = "07700\u{202E}321 900"
        let submission = Submission(
            message: "please\u{200B}help",
            contact: ContactRequest(name: "Ann\u{2028}B", method: .phone, details: details))
        let text = SubmissionText.render(submission)
        #expect(text.contains("07700⟨U+202E⟩321 900"))
        #expect(text.contains("please⟨U+200B⟩help"))
        #expect(!text.unicodeScalars.contains("\u{202E}"))

        let json = SubmissionText.escapingInvisibles(
            inJSON: String(
                decoding: try JSONEncoder().encode(["details": details, "flag": "\u{E0041}"]), as: UTF8.self))
        #expect(json.contains("\\u202E"))
        #expect(json.contains("\\uDB40\\uDC41"))
        #expect(!json.unicodeScalars.contains("\u{202E}"))
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        #expect(decoded["details"] == details)
        #expect(decoded["flag"] == "\u{E0041}")
    }
}

/// The passphrase estimate: what people choose is refused, what is chosen at random passes.
@Suite("Passphrase strength")
struct PassphraseStrengthTests {
    @Test("common choices score low; random words and random characters score high")
    func estimates() {
        for weak in [
            "Password123!", "Summer2026!!", "correct horse battery staple", "qwertyuiopasdfgh", "1234567890123456",
            "Tr0ub4dor&3", "iloveyou2024", "Chelsea1905!!", "aaaaaaaaaaaaaaaaaaaaaaaa", "monkeymonkeymonkey",
            "12/03/1985london",
        ] {
            #expect(PassphraseStrength.bits(weak) < PassphraseStrength.minimumBits, "\(weak)")
        }
        for strong in ["quarry nimbus tulip ferret gazebo", "k9#Vq2!mZt8@Lw4x", "tidal ember quokka sprout zenith"] {
            #expect(PassphraseStrength.bits(strong) >= PassphraseStrength.minimumBits, "\(strong)")
        }
        // Four words from the list, chosen at random, are just enough; three are not.
        #expect(PassphraseStrength.bits("abacus abdomen abide zoology") >= PassphraseStrength.minimumBits)
        #expect(PassphraseStrength.bits("abacus abdomen zoology") < PassphraseStrength.minimumBits)
    }

    @Test("every suggestion is five words of the list and passes the policy")
    func suggestionsPass() {
        #expect(WordList.words.count == 7_776)
        var seen = Set<String>()
        for _ in 0..<200 {
            let suggestion = PassphrasePolicy.suggestion()
            let words = suggestion.split(separator: " ")
            #expect(words.count == 5 && words.allSatisfy { WordList.set.contains($0) })
            #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: suggestion)) == nil, "\(suggestion)")
            seen.insert(suggestion)
        }
        #expect(seen.count == 200)
    }

    @Test("a very long passphrase is estimated, its tail character by character")
    func longPassphrase() {
        let long = String(repeating: "password ", count: 200)
        #expect(PassphraseStrength.bits(long) >= PassphraseStrength.minimumBits)
        #expect(PassphraseStrength.bits(String(long.prefix(36))) < PassphraseStrength.minimumBits)
    }
}
