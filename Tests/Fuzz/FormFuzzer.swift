// libFuzzer target for the strict form decoder. Built by `make fuzz`.
import FormDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let fields = FormFields(decoding: UnsafeRawBufferPointer(start: data, count: size))
    _ = fields.values.count + fields.invalidUTF8.count
    return 0
}
