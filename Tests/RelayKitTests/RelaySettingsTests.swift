import Foundation
import TestSupport
import Testing

@testable import RelayKit

/// The relay's settings come from one table: the file, the environment, the errors and the example
/// file all agree with it.
@Suite("Relay settings")
struct RelaySettingsTests {
    static let exampleURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/relay.conf.example").standardized

    @Test("deploy/relay.conf.example is exactly what the table makes ('relay example-config')")
    func exampleMatchesTheTable() throws {
        let example = try String(contentsOf: Self.exampleURL, encoding: .utf8)
        #expect(example == RelayConfiguration.exampleFile)
    }

    @Test("the example file reads back as the defaults, but for the folders and the group's words")
    func exampleReadsAsDefaults() throws {
        let loaded = try RelayConfiguration.load(file: Self.exampleURL.path, environment: [:])
        let defaults = RelayConfiguration()
        #expect(loaded.port == defaults.port && loaded.host == defaults.host)
        #expect(loaded.proofOfWorkBits == defaults.proofOfWorkBits)
        #expect(loaded.maximumStoredBytes == defaults.maximumStoredBytes)
        #expect(loaded.logLevel == defaults.logLevel && loaded.clientAddressHeader.isEmpty)
        #expect(loaded.dataDirectory == "/var/lib/blind-relay" && loaded.keysDirectory == "/etc/blind-relay/keys")
        #expect(loaded.groupNames["en"] == "the Independent Advisory Group on Hate Crime")
    }

    @Test("every value is checked: kind, canonical digits and bounds; the error says which and what is allowed")
    func valuesAreChecked() throws {
        let folder = try TemporaryDirectory()
        func problem(_ line: String) -> String? {
            let path = folder.path("relay.conf")
            #expect(FileManager.default.createFile(atPath: path, contents: Data((line + "\n").utf8)))
            do {
                _ = try RelayConfiguration.load(file: path, environment: [:])
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem("port = 70000")?.hasSuffix("port must be a whole number from 0 to 65535, not '70000'") == true)
        #expect(problem("port = +80")?.contains("not '+80'") == true)
        #expect(problem("proof_of_work_bits = 99999999999999999999")?.contains("from 0 to 24") == true)
        #expect(problem("max_connections = 0")?.contains("from 1 to 1000000") == true)
        #expect(problem("log_level = loud")?.contains("log_level must be one of trace") == true)
        let unknown = try #require(problem("colour = blue"))
        #expect(unknown.contains("unknown setting 'colour'; known settings: body_timeout_seconds, catalogues_dir"))
        #expect(unknown.contains("group_name[_LANG]"))
        #expect(problem("group_name_ = x")?.contains("unknown setting 'group_name_'") == true)
        #expect(problem("group_name_cy = y Grŵp") == nil)
    }

    @Test("the environment wins over the file, and variables that are not settings are left alone")
    func environmentWins() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("relay.conf")
        #expect(
            FileManager.default.createFile(atPath: path, contents: Data("port = 9000\ngroup_name_cy = y Grŵp\n".utf8)))
        let loaded = try RelayConfiguration.load(
            file: path,
            environment: [
                "BLIND_RELAY_PORT": "9100", "BLIND_RELAY_PASSPHRASE": "not a setting",
                "BLIND_RELAY_MEMORY_HYGIENE": "off", "BLIND_RELAY_READER_DESCRIPTION_CY": "y cadeirydd",
            ])
        #expect(loaded.port == 9100)
        #expect(loaded.groupNames["cy"] == "y Grŵp" && loaded.readerDescriptions["cy"] == "y cadeirydd")
    }
}
