import Sodium

/// The armored text form of binary objects (docs/FORMAT.md section 6).
public enum Armor {
    /// Label of armored envelopes.
    public static let envelopeLabel = "ENVELOPE"
    /// Label of armored identity files.
    public static let identityLabel = "IDENTITY"
    static let lineLength = 64

    /// The armored text of `bytes`, ending with a newline.
    public static func encode(_ bytes: [UInt8], label: String) -> String {
        let base64 = Array(Base64.encode(bytes))
        var lines = ["-----BEGIN BLIND RELAY \(label)-----"]
        var start = 0
        while start < base64.count {
            let end = min(start + lineLength, base64.count)
            lines.append(String(base64[start..<end]))
            start = end
        }
        lines.append("-----END BLIND RELAY \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `data` starts, after whitespace, like armored text.
    public static func looksArmored(_ data: [UInt8]) -> Bool {
        data.drop(while: isWhitespace).starts(with: Array("-----BEGIN".utf8))
    }

    /// Decodes armored text with label `label`, applying every rule of section 6.
    public static func decode(_ data: [UInt8], label: String) throws(EnvelopeError) -> [UInt8] {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .armorFailure("the text is not valid UTF-8")
        }
        let normalised = text.replacingAll("\r\n", with: "\n")
        let trimmed = normalised.utf8.drop(while: isWhitespace).reversed().drop(while: isWhitespace).reversed()
        let lines = String(decoding: Array(trimmed), as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first == "-----BEGIN BLIND RELAY \(label)-----" else {
            throw .armorFailure("the first line is not \"-----BEGIN BLIND RELAY \(label)-----\"")
        }
        guard lines.count >= 2, lines[lines.count - 1] == "-----END BLIND RELAY \(label)-----" else {
            throw .armorFailure("the last line is not \"-----END BLIND RELAY \(label)-----\"")
        }
        let body = lines.dropFirst().dropLast()
        guard let last = body.last, !last.isEmpty else { throw .armorFailure("there is no base64 text") }
        for (index, line) in body.enumerated() {
            let isLast = index == body.count - 1
            guard isLast ? line.utf8.count <= lineLength : line.utf8.count == lineLength else {
                throw .armorFailure("line \(index + 2) is not \(lineLength) characters long")
            }
        }
        guard let bytes = Base64.decode(body.joined()) else {
            throw .armorFailure("the text is not canonical base64")
        }
        return bytes
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
