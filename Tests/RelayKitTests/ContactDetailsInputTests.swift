import Envelope
import Foundation
import Testing

@testable import RelayKit

@Suite("Each contact method's details are checked by one pattern, the same in the relay and the page")
struct ContactDetailsInputTests {
    struct Cases: Decodable {
        let cases: [[CaseValue]]
        enum CaseValue: Decodable {
            case text(String)
            case flag(Bool)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let flag = try? container.decode(Bool.self) {
                    self = .flag(flag)
                } else {
                    self = .text(try container.decode(String.self))
                }
            }
        }
    }

    @Test("every case of Tests/Support/contact-details-cases.json is accepted or refused as it says")
    func sharedCases() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Support/contact-details-cases.json").standardized
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: file)).cases
        #expect(cases.count >= 20)
        var methods: Set<String> = []
        for item in cases {
            guard item.count == 3, case .text(let method) = item[0], case .text(let details) = item[1],
                case .flag(let accepted) = item[2]
            else {
                Issue.record("a case is not [method, details, accepted]: \(item)")
                continue
            }
            let input = try #require(ContactDetailsInput.input(for: method))
            #expect(input.accepts(details) == accepted, "\(method): \(details)")
            methods.insert(method)
        }
        #expect(methods == Set(ContactDetailsInput.all.map(\.method)), "a method has no cases")
    }

    @Test("every pattern compiles, and every method of the record has an input")
    func complete() throws {
        for input in ContactDetailsInput.all {
            if let pattern = input.pattern { _ = try Regex(pattern) }
            #expect((input.pattern == nil) == (input.formatErrorKey == nil))
        }
        #expect(ContactDetailsInput.all.map(\.method) == ContactRequest.Method.allCases.map(\.rawValue))
    }
}
