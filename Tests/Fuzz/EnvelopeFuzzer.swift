// libFuzzer target for the envelope parser: armor, header, and opening with a fixed key.
// Built by `make fuzz` against the Envelope and Sodium modules compiled with the fuzzer.
import Envelope
import Sodium

let fuzzKey = BoxKeyPair.derive(seed: SecretBytes(copying: [UInt8](repeating: 7, count: 32)))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Armor.decode(bytes, label: Armor.envelopeLabel)
    _ = try? EnvelopeHeader(validating: bytes)
    _ = try? Envelope.open(bytes, with: fuzzKey)
    _ = try? SubmissionRecord.decode(SecretBytes(copying: bytes))
    _ = try? PublicKeyFile(parsing: bytes)
    return 0
}
