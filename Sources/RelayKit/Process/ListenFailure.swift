import Foundation
import NIOCore

/// Why the relay could not listen, as a sentence that says what to change.
public enum ListenFailure {
    /// The sentence for `error`, or nil when it is not about listening.
    public static func sentence(for error: any Error, host: String, port: Int) -> String? {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE:
            return "another program already listens on \(host) port \(port); stop it, or set port to a free one"
        case EACCES:
            return
                "this user may not listen on port \(port) (ports below 1024 need privileges); use a port of 1024 or more behind the proxy"
        case EADDRNOTAVAIL:
            return
                "\(host) is not an address of this machine; set host to one of its addresses (127.0.0.1 behind a proxy on this machine)"
        default:
            return
                "could not listen on \(host) port \(port): \(String(cString: strerror(error.errnoCode))); check host and port"
        }
    }
}
