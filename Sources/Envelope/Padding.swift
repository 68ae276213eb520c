import Sodium

/// ISO/IEC 7816-4 padding to the smallest size class (docs/FORMAT.md section 4).
enum Padding {
    /// The secret payload: `record || 0x80 || 0x00…` up to the class length.
    static func pad(_ record: SecretBytes, to sizeClass: SizeClass) -> SecretBytes {
        precondition(record.count <= sizeClass.maximumRecordLength, "record does not fit its size class")
        return SecretBytes(count: sizeClass.paddedLength) { (padded: UnsafeMutableRawBufferPointer) in
            record.withUnsafeBytes { source in
                padded.copyMemory(from: source)
            }
            padded[record.count] = 0x80
        }
    }

    /// The record inside a padded payload, checking the padding is minimal and well formed.
    static func unpad(_ padded: SecretBytes) throws(EnvelopeError) -> SecretBytes {
        let markerIndex: Int? = padded.withUnsafeBytes { bytes in
            var index = bytes.count - 1
            while index >= 0 && bytes[index] == 0x00 { index -= 1 }
            return index >= 0 && bytes[index] == 0x80 ? index : nil
        }
        guard let markerIndex else {
            throw .paddingFailure("no 0x80 marker before the zero bytes")
        }
        guard SizeClass.smallest(fitting: markerIndex)?.paddedLength == padded.count else {
            throw .paddingFailure("the record would fit a smaller size class")
        }
        return padded.slice(0..<markerIndex)
    }
}
