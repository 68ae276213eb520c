import Foundation
import TestSupport
import Testing

@testable import RelayKit

@Suite("Telling the service manager the relay is ready")
struct ReadinessNoticeTests {
    @Test("the notice reaches the socket in NOTIFY_SOCKET with READY=1 and the address")
    func reachesTheSocket() throws {
        let folder = try TemporaryDirectory()
        let listener = try ReadinessListener(path: folder.path("notify"))
        try ReadinessNotice.send(listeningOn: "127.0.0.1:8443", environment: ["NOTIFY_SOCKET": listener.path])
        #expect(listener.receiveAddress() == "127.0.0.1:8443")
        #expect(ReadinessNotice.message(address: "[::1]:80").contains("READY=1\nMAINPID=\(getpid())\n"))
    }

    @Test("without NOTIFY_SOCKET nothing is sent; a socket that is not there is a plain-words failure")
    func failures() throws {
        try ReadinessNotice.send(listeningOn: "127.0.0.1:1", environment: [:])
        let folder = try TemporaryDirectory()
        #expect {
            try ReadinessNotice.send(listeningOn: "127.0.0.1:1", environment: ["NOTIFY_SOCKET": folder.path("absent")])
        } throws: { error in
            "\(error)".contains("could not tell the service manager the relay is ready (sendto: No such file")
        }
        #expect(throws: ReadinessNotice.Failure.self) {
            try ReadinessNotice.send(
                listeningOn: "127.0.0.1:1", environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)])
        }
    }
}
