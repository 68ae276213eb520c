// Writes the envelope test vectors of docs/FORMAT.md section 9, one file per scenario, from
// fixed seeds so that running it again gives the same bytes. Usage: envelope-vectors DIR
import Envelope
import Foundation
import Sodium

let outputDirectory = CommandLine.arguments.dropFirst().first ?? "Tests/EnvelopeTests/Vectors"

/// 32 reproducible bytes named by `label`.
func seed(_ label: String) -> [UInt8] {
    Array(SHA512.hash(Array("blind-relay/v1/test-vectors/\(label)".utf8)).prefix(32))
}

func recipient(_ number: Int) -> BoxKeyPair {
    BoxKeyPair.derive(seed: SecretBytes(copying: seed("recipient-\(number)")))
}

func secretKeyHex(_ keyPair: BoxKeyPair) -> String {
    keyPair.secretKey.withUnsafeBytes { Hex.encode($0) }
}

/// A record built field by field, for records no `Submission` would produce.
func rawRecord(version: UInt8 = 0x01, _ fields: [(UInt8, [UInt8])]) -> SecretBytes {
    var bytes: [UInt8] = [version]
    for (tag, value) in fields {
        bytes += [tag, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }
    return SecretBytes(copying: bytes)
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

func write(
    _ name: String, expect: String, identity: BoxKeyPair, body: [UInt8], extra: [(String, String)] = [], comment: String
) {
    var header = "expect: \(expect)\nidentity: \(secretKeyHex(identity))\n"
    for (key, value) in extra { header += "\(key): \(value)\n" }
    header += "comment: \(comment)\n\n"
    let path = "\(outputDirectory)/\(name)"
    guard FileManager.default.createFile(atPath: path, contents: Data(utf8(header) + body)) else {
        fail("cannot write \(path)", hint: "run it from the repository root, or name an existing folder")
    }
}

func fail(_ message: String, hint: String) -> Never {
    FileHandle.standardError.write(Data("envelope-vectors: \(message)\nhint: \(hint)\n".utf8))
    exit(1)
}

func sealed(_ record: SecretBytes, to recipients: [BoxKeyPair], scenario: String) -> [UInt8] {
    do {
        return try Envelope.sealRecord(
            record, to: recipients.map(\.publicKey), randomness: .deterministic(seed: seed(scenario)))
    } catch {
        fail("\(scenario): \(error)", hint: "the scenario itself is wrong; fix the generator")
    }
}

func sealed(_ submission: Submission, to recipients: [BoxKeyPair], scenario: String) -> ([UInt8], SecretBytes) {
    do {
        let record = try SubmissionRecord.encode(submission)
        return (sealed(record, to: recipients, scenario: scenario), record)
    } catch {
        fail("\(scenario): \(error)", hint: "the scenario itself is wrong; fix the generator")
    }
}

func flipping(_ bytes: [UInt8], bit: Int) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= UInt8(1 << (bit % 8))
    return copy
}

let first = recipient(1)
let second = recipient(2)
let third = recipient(3)
let stranger = recipient(99)

let plainMessage = Submission(
    message: "Someone shouted abuse at my neighbour at the bus stop on Tuesday.",
    categories: [.race], location: "High Street bus stop", time: "Tuesday evening", formLanguage: "en")
let contactRequest = Submission(
    message: "Cefais fy ngham-drin ar y trên 🚆 — مرحبا, please contact me directly.",
    categories: [.religionOrBelief, .sexOrGender], formLanguage: "cy",
    contact: ContactRequest(
        name: "Siân", method: .phone, details: "07700 900123", safeTimes: "weekdays 10:00–12:00",
        mayLeaveMessage: false, language: "Cymraeg", avoid: "Do not mention the police if someone else answers."))

func successExtras(_ record: SecretBytes, kind: Submission.Kind) -> [(String, String)] {
    [("record", record.withUnsafeBytes { Hex.encode($0) }), ("kind", kind.rawValue)]
}

// Success.
let (messageEnvelope, messageRecord) = sealed(plainMessage, to: [first], scenario: "success-message")
write(
    "success-message", expect: "success", identity: first, body: messageEnvelope,
    extra: successExtras(messageRecord, kind: .message), comment: "one recipient, a plain message, size class 0")
let (contactEnvelope, contactRecord) = sealed(contactRequest, to: [first], scenario: "success-contact-request")
write(
    "success-contact-request", expect: "success", identity: first, body: contactEnvelope,
    extra: successExtras(contactRecord, kind: .contactRequest),
    comment: "a contact request with Welsh, emoji and right-to-left text")
write(
    "success-armored", expect: "success", identity: first,
    body: utf8(Armor.encode(messageEnvelope, label: Armor.envelopeLabel)),
    extra: [("armored", "yes")] + successExtras(messageRecord, kind: .message), comment: "success-message, armored")
write(
    "success-armored-crlf", expect: "success", identity: first,
    body: utf8(
        "\r\n  "
            + Armor.encode(messageEnvelope, label: Armor.envelopeLabel).replacingOccurrences(of: "\n", with: "\r\n")
            + "\r\n"),
    extra: [("armored", "yes")] + successExtras(messageRecord, kind: .message),
    comment: "armored with CRLF line endings and surrounding whitespace")
let (twoRecipients, _) = sealed(plainMessage, to: [first, second], scenario: "two-recipients")
write(
    "success-second-recipient", expect: "success", identity: second, body: twoRecipients,
    extra: successExtras(messageRecord, kind: .message), comment: "two recipients, opened by the second")
let (threeRecipients, _) = sealed(contactRequest, to: [first, second, third], scenario: "three-recipients")
write(
    "success-third-of-three", expect: "success", identity: third, body: threeRecipients,
    extra: successExtras(contactRecord, kind: .contactRequest), comment: "three recipients, opened by the third")
let longSubmission = Submission(message: String(repeating: "A long account of what happened. ", count: 150))
let (mediumEnvelope, mediumRecord) = sealed(longSubmission, to: [first], scenario: "success-size-class-1")
write(
    "success-size-class-1", expect: "success", identity: first, body: mediumEnvelope,
    extra: successExtras(mediumRecord, kind: .message), comment: "a 4,954-byte record, padded to 16 KiB")
let extensionRecord = rawRecord([(0x01, utf8("hello")), (0x80, [0xFF, 0x00, 0xC3]), (0xFF, utf8("later"))])
write(
    "success-unknown-extension", expect: "success", identity: first,
    body: sealed(extensionRecord, to: [first], scenario: "success-unknown-extension"),
    extra: successExtras(extensionRecord, kind: .message), comment: "fields 0x80 and 0xFF are skipped by readers")

// Header and length failures.
write(
    "wrong-key", expect: "no match", identity: stranger, body: messageEnvelope,
    comment: "success-message opened with a key it was not sealed to")
write(
    "bad-magic", expect: "not an envelope", identity: first,
    body: utf8("BRLZ") + messageEnvelope.dropFirst(4), comment: "the fourth magic byte changed")
write("empty", expect: "not an envelope", identity: first, body: [], comment: "no bytes at all")
write(
    "unknown-version", expect: "unsupported version", identity: first,
    body: Array(messageEnvelope.prefix(4)) + [0x02] + messageEnvelope.dropFirst(5), comment: "version byte 2")
write(
    "zero-recipients", expect: "malformed header", identity: first,
    body: Array(messageEnvelope.prefix(5)) + [0x00] + messageEnvelope.dropFirst(6), comment: "recipient count 0")
write(
    "too-many-recipients", expect: "malformed header", identity: first,
    body: Array(messageEnvelope.prefix(5)) + [17] + messageEnvelope.dropFirst(6), comment: "recipient count 17")
write(
    "bad-size-class", expect: "malformed header", identity: first,
    body: Array(messageEnvelope.prefix(6)) + [0x03] + messageEnvelope.dropFirst(7), comment: "size class 3")
write(
    "truncated-header", expect: "truncated", identity: first,
    body: Array(messageEnvelope.prefix(6)), comment: "only magic, version and count")
write(
    "truncated", expect: "truncated", identity: first,
    body: Array(messageEnvelope.dropLast()), comment: "the last byte removed")
write(
    "truncated-stanza", expect: "truncated", identity: first,
    body: Array(messageEnvelope.prefix(50)), comment: "cut in the middle of the stanza")
write(
    "trailing-data", expect: "trailing data", identity: first,
    body: messageEnvelope + [0x00], comment: "one zero byte appended")
write(
    "class-mismatch", expect: "trailing data", identity: first,
    body: Array(mediumEnvelope.prefix(6)) + [0x00] + mediumEnvelope.dropFirst(7),
    comment: "a 16 KiB envelope whose header claims size class 0")

// Authentication failures.
write(
    "tampered-payload", expect: "payload failure", identity: first,
    body: flipping(messageEnvelope, bit: 8 * (messageEnvelope.count - 100)), comment: "one bit flipped in the payload")
write(
    "tampered-payload-tag", expect: "payload failure", identity: first,
    body: flipping(messageEnvelope, bit: 8 * 87), comment: "one bit flipped in the payload's tag")
write(
    "tampered-own-stanza", expect: "no match", identity: first,
    body: flipping(messageEnvelope, bit: 8 * 40), comment: "one bit flipped in the only stanza")
write(
    "tampered-other-stanza", expect: "payload failure", identity: first,
    body: flipping(twoRecipients, bit: 8 * 120),
    comment: "the second recipient's stanza altered: the header no longer matches the payload")
let swapped =
    Array(twoRecipients.prefix(7)) + twoRecipients[87..<167] + twoRecipients[7..<87] + twoRecipients.dropFirst(167)
write(
    "swapped-stanzas", expect: "payload failure", identity: first, body: swapped,
    comment: "the two stanzas in the other order")
let droppedStanza =
    Array(twoRecipients.prefix(5)) + [0x01, 0x00] + twoRecipients[7..<87] + twoRecipients.dropFirst(167)
write(
    "dropped-stanza", expect: "payload failure", identity: first, body: droppedStanza,
    comment: "the second stanza removed and the count set to 1")

// Padding failures: the payload authenticates, but its padding is wrong.
func sealedPayload(_ padded: SecretBytes, _ sizeClass: SizeClass, scenario: String) -> [UInt8] {
    do {
        return try Envelope.sealPayload(
            padded, sizeClass: sizeClass, to: [first.publicKey],
            randomness: .deterministic(seed: seed(scenario)))
    } catch {
        fail("\(scenario): \(error)", hint: "the scenario itself is wrong; fix the generator")
    }
}
write(
    "padding-all-zero", expect: "padding failure", identity: first,
    body: sealedPayload(
        SecretBytes(count: 4096) { (_: UnsafeMutableRawBufferPointer) in }, .small, scenario: "padding-all-zero"),
    comment: "a payload of zero bytes: no 0x80 marker")
write(
    "padding-wrong-marker", expect: "padding failure", identity: first,
    body: sealedPayload(
        SecretBytes(count: 4096) { (buffer: UnsafeMutableRawBufferPointer) in
            buffer[0] = 0x01
            buffer[1] = 0x81
        }, .small, scenario: "padding-wrong-marker"),
    comment: "0x81 where 0x80 should be")
write(
    "padding-not-minimal", expect: "padding failure", identity: first,
    body: sealedPayload(
        SecretBytes(count: 16384) { (buffer: UnsafeMutableRawBufferPointer) in
            for (index, byte) in [0x01, 0x01, 0x00, 0x02, 0x68, 0x69, 0x80].enumerated() { buffer[index] = UInt8(byte) }
        }, .medium, scenario: "padding-not-minimal"),
    comment: "a 6-byte record padded to 16 KiB instead of 4 KiB")

// Record failures: the envelope opens, but the record is not well formed.
let records: [(String, SecretBytes, String, String)] = [
    ("record-missing-message", rawRecord([(0x02, utf8("race"))]), "record failure", "no message field"),
    (
        "record-duplicate-field", rawRecord([(0x01, utf8("one")), (0x01, utf8("two"))]), "record failure",
        "the message field twice"
    ),
    (
        "record-out-of-order", rawRecord([(0x02, utf8("race")), (0x01, utf8("hi"))]), "record failure",
        "category before message"
    ),
    ("record-empty-value", rawRecord([(0x01, [])]), "record failure", "an empty message"),
    ("record-invalid-utf8", rawRecord([(0x01, [0x68, 0xC3, 0x28])]), "record failure", "a broken two-byte sequence"),
    ("record-overlong-utf8", rawRecord([(0x01, [0xC0, 0xAF])]), "record failure", "an overlong encoding of '/'"),
    ("record-surrogate", rawRecord([(0x01, [0xED, 0xA0, 0x80])]), "record failure", "an encoded UTF-16 surrogate"),
    (
        "record-unknown-field", rawRecord([(0x01, utf8("hi")), (0x06, utf8("x"))]), "record failure",
        "reserved tag 0x06"
    ),
    (
        "record-bad-category", rawRecord([(0x01, utf8("hi")), (0x02, utf8("Race"))]), "record failure",
        "tokens are case-sensitive"
    ),
    (
        "record-categories-out-of-order", rawRecord([(0x01, utf8("hi")), (0x02, utf8("age race"))]),
        "record failure", "categories must be in the listed order"
    ),
    (
        "record-category-twice", rawRecord([(0x01, utf8("hi")), (0x02, utf8("race race"))]), "record failure",
        "a category listed twice"
    ),
    (
        "record-categories-two-spaces", rawRecord([(0x01, utf8("hi")), (0x02, utf8("race  age"))]),
        "record failure", "two spaces between categories"
    ),
    (
        "record-categories-trailing-space", rawRecord([(0x01, utf8("hi")), (0x02, utf8("race "))]),
        "record failure", "a space after the last category"
    ),
    (
        "record-bad-language", rawRecord([(0x01, utf8("hi")), (0x05, utf8("en_GB"))]), "record failure",
        "underscore in the form language"
    ),
    (
        "record-contact-without-details", rawRecord([(0x01, utf8("hi")), (0x20, utf8("Sam")), (0x21, utf8("email"))]),
        "record failure", "contact name and method but no details"
    ),
    (
        "record-bad-voicemail",
        rawRecord([(0x01, utf8("hi")), (0x21, utf8("phone")), (0x22, utf8("0")), (0x24, utf8("maybe"))]),
        "record failure", "contact-voicemail neither yes nor no"
    ),
    (
        "record-cut-short", SecretBytes(copying: [0x01, 0x01, 0x00, 0x09, 0x68, 0x69]), "record failure",
        "the length says 9 but 2 bytes follow"
    ),
    (
        "record-header-cut-short", SecretBytes(copying: [0x01, 0x01, 0x00, 0x02, 0x68, 0x69, 0x02, 0x00]),
        "record failure", "two bytes where a field header needs three"
    ),
    (
        "record-version-2", rawRecord(version: 0x02, [(0x01, utf8("hi"))]), "unsupported record version",
        "record version byte 2"
    ),
    ("record-empty", SecretBytes(copying: []), "record failure", "a record of no bytes"),
]
for (name, record, expect, comment) in records {
    write(name, expect: expect, identity: first, body: sealed(record, to: [first], scenario: name), comment: comment)
}

// Armor failures.
let armored = Armor.encode(messageEnvelope, label: Armor.envelopeLabel)
var armoredLines = armored.split(separator: "\n").map(String.init)
func armorVector(_ name: String, _ text: String, _ comment: String) {
    write(
        name, expect: "armor failure", identity: first, body: utf8(text), extra: [("armored", "yes")], comment: comment)
}
armorVector("armor-missing-end", armoredLines.dropLast().joined(separator: "\n") + "\n", "no end line")
armorVector(
    "armor-wrong-label", armored.replacingOccurrences(of: "ENVELOPE-----\n", with: "IDENTITY-----\n"),
    "labelled IDENTITY")
armorVector(
    "armor-short-line",
    ([armoredLines[0], String(armoredLines[1].dropLast())] + armoredLines.dropFirst(2)).joined(separator: "\n"),
    "a full line with one character missing")
armorVector(
    "armor-bad-character",
    armored.replacingOccurrences(
        of: String(armoredLines[2].prefix(8)), with: "!" + armoredLines[2].prefix(8).dropFirst()),
    "a '!' inside the base64")
armorVector(
    "armor-space-in-line",
    armored.replacingOccurrences(of: armoredLines[3], with: String(armoredLines[3].prefix(63)) + " "),
    "a space in place of a base64 character")
armorVector("armor-garbage-after", armored + "thanks\n", "text after the end line")
armorVector(
    "armor-no-body", "-----BEGIN BLIND RELAY ENVELOPE-----\n-----END BLIND RELAY ENVELOPE-----\n", "no base64 lines")
let lastLine = armoredLines[armoredLines.count - 2]
// The final group of a 4,199-byte envelope is "xyz=": z carries two unused bits, which must be
// zero. Setting the lowest one keeps every character valid but makes the encoding non-canonical.
let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
var lastCharacters = Array(lastLine)
if let lastDataIndex = lastCharacters.lastIndex(where: { $0 != "=" }),
    let value = base64Alphabet.firstIndex(of: lastCharacters[lastDataIndex])
{
    lastCharacters[lastDataIndex] = base64Alphabet[value ^ 1]
}
armorVector(
    "armor-non-canonical",
    armored.replacingOccurrences(of: lastLine + "\n-----END", with: String(lastCharacters) + "\n-----END"),
    "non-zero unused bits in the final base64 group")

// Recipient public key files (section 7): what the relay, `chair export` and `chair open` accept.
func keyFileVector(_ name: String, expect: String, text: String, comment: String) {
    let path = "\(outputDirectory)/\(name)"
    let header = "expect: \(expect)\ncomment: \(comment)\n\n"
    guard FileManager.default.createFile(atPath: path, contents: Data(utf8(header + text))) else {
        fail("cannot write \(path)", hint: "run it from the repository root, or name an existing folder")
    }
}

/// A key file's text with any keys, and the fingerprint those keys give, whether usable or not
/// (`PublicKeyFile` itself would refuse to make one with an unusable key).
func keyFileText(name: String, encryptionKey: [UInt8], signingKey: [UInt8], fingerprint: String? = nil) -> String {
    let computed = PublicKeyFile.fingerprint(encryptionKey: encryptionKey, signingKey: signingKey)
    return [
        "blind-relay-public-key-v1", "name: \(name)", "encryption-key: \(Base64.encode(encryptionKey))",
        "signing-key: \(Base64.encode(signingKey))", "fingerprint: \(fingerprint ?? computed)", "",
    ].joined(separator: "\n")
}

let chairSigning = SigningKeyPair.derive(seed: SecretBytes(copying: seed("signing-1")))
let goodKeyFile = keyFileText(name: "Chair", encryptionKey: first.publicKey, signingKey: chairSigning.publicKey)
keyFileVector(
    "keyfile-good", expect: "key accepted", text: goodKeyFile,
    comment: "recipient 1's encryption key and the signing key derived from the seed label signing-1")
keyFileVector(
    "keyfile-good-comments-crlf", expect: "key accepted",
    text: "# made by chair export\r\n\r\n"
        + keyFileText(name: "Deputy chair", encryptionKey: second.publicKey, signingKey: chairSigning.publicKey)
        .replacingOccurrences(of: "\n", with: "\r\n"),
    comment: "a comment line, a blank line and CRLF line ends are allowed")
keyFileVector(
    "keyfile-all-zero-key", expect: "key unusable",
    text: keyFileText(
        name: "Host", encryptionKey: [UInt8](repeating: 0, count: 32), signingKey: chairSigning.publicKey),
    comment: "the all-zero encryption key: a low-order point, so anyone could open what is sealed to it")
for (name, hex, comment) in [
    ("keyfile-order-8-key", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "a key of order 8"),
    (
        "keyfile-non-canonical-low-order-key", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "p + 1, a non-canonical encoding of the order-4 point u = 1"
    ),
] {
    keyFileVector(
        name, expect: "key unusable",
        text: keyFileText(name: "Host", encryptionKey: Hex.decode(hex) ?? [], signingKey: chairSigning.publicKey),
        comment: comment)
}
keyFileVector(
    "keyfile-small-order-signing-key", expect: "key unusable",
    text: keyFileText(name: "Host", encryptionKey: first.publicKey, signingKey: [1] + [UInt8](repeating: 0, count: 31)),
    comment: "the Ed25519 identity point as the signing key: any signature would verify")
keyFileVector(
    "keyfile-wrong-fingerprint", expect: "key fingerprint mismatch",
    text: keyFileText(
        name: "Chair", encryptionKey: first.publicKey, signingKey: chairSigning.publicKey,
        fingerprint: "12345 67890 12345 67890"),
    comment: "good keys, but the fingerprint line is not theirs")
keyFileVector(
    "keyfile-swapped-keys", expect: "key fingerprint mismatch",
    text: goodKeyFile.replacingOccurrences(of: Base64.encode(first.publicKey), with: Base64.encode(second.publicKey)),
    comment: "the encryption key replaced by another good key after the fingerprint was computed")

// Recipients sets (section 10).
func setVector(_ name: String, expect: String, text: String, digest: [UInt8]? = nil, comment: String) {
    let path = "\(outputDirectory)/\(name)"
    var header = "expect: \(expect)\n"
    if let digest { header += "digest: \(Hex.encode(digest))\n" }
    header += "comment: \(comment)\n\n"
    guard FileManager.default.createFile(atPath: path, contents: Data(utf8(header + text))) else {
        fail("cannot write \(path)", hint: "run it from the repository root, or name an existing folder")
    }
}

/// A set's text signed by `signer` whatever it holds (`RecipientSet.sign` refuses a set that
/// breaks a rule, and these vectors need such sets).
func signedSetText(_ signedText: String, by signer: SigningKeyPair) -> String {
    signedText + "signature: \(Base64.encode(signer.sign(utf8("blind-relay/v1/recipients") + utf8(signedText))))\n"
}

func memberLines(role: String, name: String, encryptionKey: [UInt8], signingKey: [UInt8]) -> String {
    "recipient: \(role)\nname: \(name)\nencryption-key: \(Base64.encode(encryptionKey))\n"
        + "signing-key: \(Base64.encode(signingKey))\n"
}

let deputySigning = SigningKeyPair.derive(seed: SecretBytes(copying: seed("signing-2")))
let hostSigning = SigningKeyPair.derive(seed: SecretBytes(copying: seed("signing-99")))
let chairLines = memberLines(
    role: "chair", name: "Chair", encryptionKey: first.publicKey, signingKey: chairSigning.publicKey)
let deputyLines = memberLines(
    role: "deputy", name: "Deputy", encryptionKey: second.publicKey, signingKey: deputySigning.publicKey)
let hostLines = memberLines(
    role: "deputy", name: "Host", encryptionKey: stranger.publicKey, signingKey: hostSigning.publicKey)

func parsedSet(_ text: String) -> RecipientSet {
    do {
        return try RecipientSet(parsing: utf8(text))
    } catch {
        fail("a good recipients set was refused: \(error)", hint: "the generator or RecipientSet is wrong")
    }
}

let chairOnlySetText = signedSetText("blind-relay-recipients-v1\nserial: 1\n" + chairLines, by: chairSigning)
setVector(
    "set-good-chair-only", expect: "set accepted", text: chairOnlySetText, digest: parsedSet(chairOnlySetText).digest,
    comment: "the chair alone (recipient 1, signing-1), set 1")
let groupSetText = signedSetText("blind-relay-recipients-v1\nserial: 2\n" + chairLines + deputyLines, by: chairSigning)
let groupSet = parsedSet(groupSetText)
setVector(
    "set-good-with-deputy", expect: "set accepted", text: groupSetText, digest: groupSet.digest,
    comment: "the chair and a deputy (recipient 2, signing-2), set 2")
setVector(
    "set-key-added-after-signing", expect: "set signature invalid",
    text: groupSetText.replacingOccurrences(of: "signature: ", with: hostLines + "signature: "),
    comment: "set-good-with-deputy with a third recipient inserted by someone without the chair's key")
setVector(
    "set-signed-by-deputy", expect: "set signature invalid",
    text: signedSetText("blind-relay-recipients-v1\nserial: 2\n" + chairLines + deputyLines, by: deputySigning),
    comment: "the right text, signed by the deputy instead of the chair")
let hostsOwnSetText = signedSetText(
    "blind-relay-recipients-v1\nserial: 3\n"
        + memberLines(role: "chair", name: "Host", encryptionKey: stranger.publicKey, signingKey: hostSigning.publicKey)
        + chairLines.replacingOccurrences(of: "recipient: chair", with: "recipient: deputy"),
    by: hostSigning)
setVector(
    "set-signed-by-its-own-chair", expect: "set accepted", text: hostsOwnSetText,
    digest: parsedSet(hostsOwnSetText).digest,
    comment:
        "valid on its own (the relay would start with it), but its chair is someone else: a reader that trusts signing-1 stops"
)
setVector(
    "set-crlf", expect: "set malformed", text: groupSetText.replacingOccurrences(of: "\n", with: "\r\n"),
    comment: "CRLF line ends: the signed bytes must be exact, so only LF is allowed")
setVector(
    "set-deputy-first", expect: "set malformed",
    text: signedSetText(
        "blind-relay-recipients-v1\nserial: 2\n" + deputyLines
            + chairLines.replacingOccurrences(of: "recipient: chair", with: "recipient: deputy"), by: deputySigning),
    comment: "the first recipient is not the chair")
setVector(
    "set-serial-leading-zero", expect: "set malformed",
    text: signedSetText("blind-relay-recipients-v1\nserial: 02\n" + chairLines + deputyLines, by: chairSigning),
    comment: "a serial with a leading zero, though signed")
setVector(
    "set-same-key-twice", expect: "set malformed",
    text: signedSetText(
        "blind-relay-recipients-v1\nserial: 2\n" + chairLines
            + memberLines(
                role: "deputy", name: "Deputy", encryptionKey: first.publicKey, signingKey: deputySigning.publicKey),
        by: chairSigning),
    comment: "two recipients share an encryption key")

// An envelope naming the set it was sealed to (record field 0x90).
let namedEnvelope: [UInt8]
let namedRecord: SecretBytes
do {
    namedRecord = try SubmissionRecord.encode(plainMessage, recipientSet: groupSet.digest)
    namedEnvelope = try Envelope.seal(
        plainMessage, to: groupSet, randomness: .deterministic(seed: seed("success-recipient-set")))
} catch {
    fail("success-recipient-set: \(error)", hint: "the scenario itself is wrong; fix the generator")
}
write(
    "success-recipient-set", expect: "success", identity: second, body: namedEnvelope,
    extra: successExtras(namedRecord, kind: .message) + [("recipient-set", Hex.encode(groupSet.digest))],
    comment: "sealed to set-good-with-deputy, whose digest is in field 0x90; opened by the deputy")
let canaryIdentifier = Array(seed("canary").prefix(16))
let canaryRecord: SecretBytes
let canaryEnvelope: [UInt8]
do {
    canaryRecord = try SubmissionRecord.encode(plainMessage, recipientSet: groupSet.digest, canary: canaryIdentifier)
    canaryEnvelope = try Envelope.seal(
        plainMessage, to: groupSet, canary: canaryIdentifier, randomness: .deterministic(seed: seed("success-canary")))
} catch {
    fail("success-canary: \(error)", hint: "the scenario itself is wrong; fix the generator")
}
write(
    "success-canary", expect: "success", identity: first, body: canaryEnvelope,
    extra: successExtras(canaryRecord, kind: .message) + [
        ("recipient-set", Hex.encode(groupSet.digest)), ("canary", Hex.encode(canaryIdentifier)),
    ],
    comment: "a delivery canary: field 0x91 holds its 16-byte identifier after the set's digest in 0x90")
let shortCanaryField = rawRecord([(0x01, utf8("hello")), (0x91, [UInt8](repeating: 0xCD, count: 15))])
write(
    "record-bad-canary", expect: "record failure", identity: first,
    body: sealed(shortCanaryField, to: [first], scenario: "record-bad-canary"),
    comment: "field 0x91 must be exactly 16 bytes")
let shortSetField = rawRecord([(0x01, utf8("hello")), (0x90, [UInt8](repeating: 0xAB, count: 31))])
write(
    "record-bad-recipient-set", expect: "record failure", identity: first,
    body: sealed(shortSetField, to: [first], scenario: "record-bad-recipient-set"),
    comment: "field 0x90 must be exactly 32 bytes")

print("wrote vectors to \(outputDirectory)")
