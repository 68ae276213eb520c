import ArgumentParser
import Foundation
import Hummingbird
import RelayKit

/// A bare Hummingbird server, set up as the relay is, that does nothing with a post but read it
/// and answer: the floor the relay's own figures stand on. With `--wait-ms` each answer first
/// waits as long as a group commit does, which shows what waiting for the disk costs the server
/// (it goes idle, then is woken for each arrival) apart from the work of storing.
struct HTTPFloor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-floor", abstract: "Serve POST / with nothing but HTTP work, for the benchmark's floor.")

    @Option(help: "Milliseconds to wait before answering, as a durable commit would.") var waitMs = 0

    func run() async throws {
        let wait = Duration.milliseconds(waitMs)
        let router = Router()
        router.post("/") { request, _ in
            _ = try await request.body.collect(upTo: 128 * 1024)
            if wait > .zero { try await Task.sleep(for: wait) }
            return Response(status: .noContent)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                // As the relay tells it: the benchmark starts both with one launcher.
                do throws(ReadinessNotice.Failure) {
                    try ReadinessNotice.send(listeningOn: ReadinessNotice.address(of: channel))
                } catch {
                    FileHandle.standardError.write(Data("relay-bench: \(error.description)\n".utf8))
                }
            })
        try await app.runService()
    }
}
