import Foundation

/// A real `relay` process on a free loopback port, with its own folders, stopped on release.
///
/// It waits for the relay's readiness notice (`NOTIFY_SOCKET`, as systemd hears it), never for a
/// line in the log: Tests/Support/relay_launcher.py does the same for the Python harnesses.
public final class RelayProcess: @unchecked Sendable {
    /// The folder holding keys/, data/, tmp/ and the log.
    public let folder: URL
    /// The port it listens on.
    public private(set) var port = 0
    private let process = Process()

    /// The relay's base address.
    public var address: String { "http://127.0.0.1:\(port)" }
    /// Everything the relay printed, standard output and error together.
    public var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("relay.log"), encoding: .utf8)) ?? ""
    }
    public var keysDirectory: URL { folder.appendingPathComponent("keys") }
    public var dataDirectory: URL { folder.appendingPathComponent("data") }
    public var temporaryDirectory: URL { folder.appendingPathComponent("tmp") }

    /// Starts the relay with `folder/keys` as its keys folder, which must already hold a recipients set.
    public init(folder: URL, environment: [String: String] = [:]) async throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let logURL = folder.appendingPathComponent("relay.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        process.executableURL = builtProductsDirectory.appendingPathComponent("relay")
        var merged = ProcessInfo.processInfo.environment
        merged["SWIFT_BACKTRACE"] = "enable=no"
        merged["TMPDIR"] = temporaryDirectory.path
        merged["BLIND_RELAY_PORT"] = "0"
        merged["BLIND_RELAY_KEYS_DIR"] = keysDirectory.path
        merged["BLIND_RELAY_DATA_DIR"] = dataDirectory.path
        merged["BLIND_RELAY_MIN_SECONDS_ON_PAGE"] = "0"
        for (key, value) in environment { merged[key] = value }
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        let notices = try ReadinessListener(path: folder.appendingPathComponent("notify").path)
        merged["NOTIFY_SOCKET"] = notices.path
        process.environment = merged
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let address = notices.receiveAddress(),
                let port = address.split(separator: ":").last.flatMap({ Int($0) })
            {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw StartError(log: log)
    }

    /// Why the relay did not start.
    public struct StartError: Error, CustomStringConvertible {
        public let log: String
        public var description: String { "the relay did not start:\n\(log)" }
    }

    /// Stops the relay and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    deinit { stop() }
}

/// The Unix datagram socket a relay's readiness notice arrives on (`READY=1`, `X_BLIND_RELAY_ADDRESS=`).
public final class ReadinessListener {
    public let path: String
    private let descriptor: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String) throws {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(description: "the notify socket's path is too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw Failure(description: "bind \(path) failed: errno \(code)")
        }
    }

    /// The address in a waiting readiness notice, if one has come.
    public func receiveAddress() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count > 0 else { return nil }
        let lines = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n")
        guard lines.contains("READY=1") else { return nil }
        return lines.first { $0.hasPrefix("X_BLIND_RELAY_ADDRESS=") }.map { String($0.dropFirst(22)) }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

/// Posts a form to the relay with curl, as a browser would, returning status and page.
public func postForm(
    to address: String, fields: [(String, String)], userAgent: String = "Mozilla/5.0 (test)",
    sourceAddress: String? = nil, extraHeaders: [String] = [], path: String = "/submit"
) async throws -> (status: Int, page: String) {
    // As a browser does: fetch the form first, and send its anti-spam token back with it.
    let page = try await runProcess("/usr/bin/curl", ["-s", "-A", userAgent, address + "/"]).output
    let token =
        page.firstMatch(of: /name="form_token" value="([0-9]+\.[0-9a-f]+\.[0-9a-f]+)"/).map { String($0.1) } ?? ""
    var arguments = [
        "-s", "-o", "-", "-w", "\n%{http_code}", "-A", userAgent, "--data-urlencode", "form_token=\(token)",
    ]
    if let sourceAddress { arguments += ["--interface", sourceAddress] }
    for header in extraHeaders { arguments += ["-H", header] }
    for (name, value) in fields { arguments += ["--data-urlencode", "\(name)=\(value)"] }
    arguments.append(address + path)
    let result = try await runProcess("/usr/bin/curl", arguments)
    let output = result.output
    guard let split = output.lastIndex(of: "\n"), let status = Int(output[output.index(after: split)...]) else {
        return (0, output + result.standardError)
    }
    return (status, String(output[..<split]))
}
