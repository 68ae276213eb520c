/// Text made safe to place in HTML element content or a quoted attribute.
func escapeHTML(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}

/// The page frame every response shares: header with the group's name, main content, footer.
struct PageLayout: Sendable {
    let groupName: String

    func render(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeHTML(title)) – \(escapeHTML(groupName))</title>
        <link rel="stylesheet" href="/assets/relay.css">
        </head>
        <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        <header class="header"><div class="width"><p class="header-name">\(escapeHTML(groupName))</p></div></header>
        <main id="main" class="width">
        \(body)
        </main>
        <footer class="footer"><div class="width"><p>This service keeps no record of who you are: no cookies, no IP address, no tracking.</p></div></footer>
        </body>
        </html>
        """
    }
}
