import Foundation
import Hummingbird

extension Catalogues {
    /// The language of the page for `request`: the one `?lang=` names, if we have it; else the
    /// one of ours the browser's `Accept-Language` ranks highest; else English.
    func catalogue(for request: Request) -> Catalogue {
        if let asked = request.uri.queryParameters["lang"].map(String.init), codes.contains(asked) {
            return catalogue(for: asked)
        }
        return catalogue(for: Self.preferred(acceptLanguage: request.headers[.acceptLanguage], among: codes))
    }

    /// The code in `codes` that `acceptLanguage` (RFC 9110 section 12.5.4: `cy-GB, en;q=0.8`)
    /// ranks highest, the earlier on a tie; nil when it names none of them.
    ///
    /// A stranger writes this header: only its first entries are read, and a weight that is not
    /// a number from 0 to 1 makes its entry count for nothing.
    static func preferred(acceptLanguage: String?, among codes: Set<String>) -> String? {
        guard let acceptLanguage else { return nil }
        var best: (code: String, weight: Double)?
        for entry in acceptLanguage.split(separator: ",", omittingEmptySubsequences: true).prefix(32) {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), let primary = tag.split(separator: "-").first.map(String.init),
                codes.contains(primary)
            else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                guard parameter.count <= 7, let value = Double(parameter.dropFirst(2)), (0...1).contains(value) else {
                    weight = 0
                    break
                }
                weight = value
            }
            if weight > 0 && weight > (best?.weight ?? 0) { best = (primary, weight) }
        }
        return best?.code
    }
}
