import Foundation
import NIOCore

/// Tells whoever started the relay that it is listening, and where, by the service manager's
/// readiness protocol (`sd_notify`): one datagram to the Unix socket named in `NOTIFY_SOCKET`.
/// systemd waits for it with `Type=notify`; the test harnesses and the benchmark read the address
/// from it instead of from the log. Without `NOTIFY_SOCKET` nothing is sent.
public enum ReadinessNotice {
    public static let socketVariable = "NOTIFY_SOCKET"
    /// Ours, not systemd's: unknown `X_` fields are ignored by the service manager.
    public static let addressField = "X_BLIND_RELAY_ADDRESS"

    /// Why the notice could not be sent: the failing call and its errno.
    public struct Failure: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        public var description: String {
            "could not tell the service manager the relay is ready (\(call): \(String(cString: strerror(code)))); "
                + "check \(socketVariable), or run the relay without it"
        }
    }

    /// The datagram for a server listening at `address` (`host:port`).
    static func message(address: String) -> String {
        "READY=1\nMAINPID=\(getpid())\nSTATUS=listening on \(address)\n\(addressField)=\(address)\n"
    }

    /// `host:port` of a listening channel.
    public static func address(of channel: any Channel) -> String {
        guard let local = channel.localAddress, let host = local.ipAddress, let port = local.port else { return "" }
        return local.protocol == .inet6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Sends the notice if `NOTIFY_SOCKET` names a socket.
    public static func send(
        listeningOn address: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Failure) {
        guard let socketPath = environment[socketVariable], !socketPath.isEmpty else { return }
        try send(Array(message(address: address).utf8), to: socketPath)
    }

    /// One datagram to a Unix socket path; a leading "@" names the abstract namespace.
    static func send(_ datagram: [UInt8], to socketPath: String) throws(Failure) {
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { throw Failure(call: "the socket path", code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(
            (MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size) + path.count)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(call: "socket", code: errno) }
        defer { close(descriptor) }
        let sent = datagram.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        guard sent == datagram.count else { throw Failure(call: "sendto", code: sent < 0 ? errno : EMSGSIZE) }
    }
}
