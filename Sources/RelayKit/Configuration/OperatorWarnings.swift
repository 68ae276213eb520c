/// What the operator should know about this configuration, in plain words.
///
/// A relay that listens on loopback and trusts no header is almost certainly behind a proxy on
/// the same machine: every person then arrives from the proxy's address and all of them share
/// one client budget, so a single person sending a few messages would lock out everyone.
func makeOperatorWarnings(_ configuration: RelayConfiguration) -> [String] {
    let host = configuration.host
    let listensOnLoopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
    guard configuration.clientAddressHeader.isEmpty, listensOnLoopback else { return [] }
    return [
        "client_address_header is empty and the relay listens on a loopback address: if a reverse proxy is in front, "
            + "every person arrives from its address and all share one rate limit of \(configuration.clientBurst) "
            + "messages at once; set client_address_header to the header the proxy writes the client's address in "
            + "(such as X-Forwarded-For)"
    ]
}
