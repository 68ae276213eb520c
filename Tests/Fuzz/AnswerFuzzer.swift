// libFuzzer target for what the chair's tool reads from a relay: the identity, recipients and
// acknowledgement answers, a page of envelopes, and the lost ranges a page carries, stepped over
// as a pull steps over them. Built by `make fuzz`.
import Foundation
import RelayProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnswers(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    _ = try? RelayAnswer.identity(bytes)
    _ = try? RelayAnswer.recipientSets(bytes, maximumSets: 10_000)
    if let acknowledged = try? RelayAnswer.acknowledgement(bytes) {
        precondition(acknowledged.deleted >= 0 && acknowledged.acknowledged <= APINumbers.maximumSequence)
    }
    if let page = try? RelayAnswer.envelopePage(bytes, limit: 250) {
        var spans = LostSpans()
        spans.add(page.lost ?? [])
        for envelope in page.envelopes {
            precondition(spans.crossing(from: envelope.sequence) >= envelope.sequence)
        }
    }
    return 0
}
