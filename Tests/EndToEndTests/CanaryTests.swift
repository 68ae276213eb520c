import Foundation
import TestSupport
import Testing

/// Every regular file under `directory`, recursively.
func allFiles(under directory: URL) -> [URL] {
    guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    else {
        return []
    }
    return walker.compactMap { $0 as? URL }.filter {
        (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
    }
}

@Suite("Canaries: the relay writes no plaintext, address or user agent anywhere", .serialized)
struct CanaryTests {
    @Test("after real submissions and refusals, no canary is in the data folder, the log, or the temp folder")
    func noCanaryAnywhere() async throws {
        let setup = try await LiveSetup()
        let canary = "CANARY-\(UUID().uuidString)"
        let agent = "AgentCanary-\(UUID().uuidString)"
        let referer = "https://referer-canary.example/\(UUID().uuidString)"
        // From another loopback address than the relay's, so the client address is recognisable.
        let client = "127.0.0.2"
        let fields: [[(String, String)]] = [
            [("message", "plain \(canary)")],
            [
                ("message", "contact \(canary)"), ("wants_contact", "yes"), ("contact_method", "email"),
                ("contact_details", "\(canary)@example.org"), ("contact_name", canary),
            ],
            [("message", ""), ("where", canary)],  // refused: empty message
            [("message", canary), ("contact_details", canary)],  // refused: details without the tick
            [("message", String(repeating: canary, count: 600))],  // refused: too long
        ]
        for form in fields {
            let result = try await postForm(
                to: setup.relay.address, fields: form, userAgent: agent, sourceAddress: client,
                extraHeaders: ["Referer: \(referer)", "X-Forwarded-For: 203.0.113.77"], path: "/submit?q=\(canary)")
            #expect(result.status != 0, "curl could not reach the relay: \(result.page)")
        }
        #expect(
            try await postForm(
                to: setup.relay.address, fields: [("message", canary)], userAgent: agent, sourceAddress: client,
                path: "/no-such-page-\(canary)"
            ).status == 404)
        // The chair pulls, so deletions and the acknowledgement path run too.
        #expect(try await setup.pull().status == 0)
        setup.relay.stop()

        let needles = [canary, agent, referer, client, "203.0.113.77", "referer-canary"]
        var searched: [String] = []
        for file in allFiles(under: setup.relay.folder) where !file.path.hasPrefix(setup.relay.keysDirectory.path) {
            let bytes = try Data(contentsOf: file)
            searched.append(file.lastPathComponent)
            for needle in needles {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) found in \(file.path)")
            }
        }
        // The database, its WAL (if any survives) and the log were all really searched.
        #expect(searched.contains("envelopes.sqlite"))
        #expect(searched.contains("relay.log"))
        #expect(setup.relay.log.contains("listening on"))
    }
}
