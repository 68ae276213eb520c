// libFuzzer target for the chair API's number parsing: the timestamp header and the page query.
// Built by `make fuzz`.
import RelayProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPI(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let timestamp = APINumbers.parseTimestamp(text) {
        _ = APINumbers.distance(timestamp, 1_700_000_000)
    }
    if let query = try? EnvelopeQuery(parsing: text) {
        precondition(
            query.after <= APINumbers.maximumSequence && (1...EnvelopeQuery.maximumLimit).contains(query.limit))
        _ = query.after + 1
    }
    return 0
}
