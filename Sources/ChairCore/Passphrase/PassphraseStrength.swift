import ChairStorage
import Foundation

/// How many guesses a passphrase would take someone who knows how people choose them, as bits
/// (log2 of the guesses).
///
/// The passphrase is split into the cheapest sequence of pieces an attacker's guesser would try,
/// each with its own cost, and the costs are added (the way zxcvbn estimates, much simplified):
///
/// | piece | bits |
/// |---|---|
/// | a common password or word (the list below; its own words, spelt with 0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s allowed) | log2(its rank + 2), + 1 if capitalised, + 1 per substitution |
/// | a word of the EFF list (what `chair init` suggests from) | 12.9 |
/// | a run along a keyboard row (qwerty, asdf, 1234, backwards too), 3 or more keys | 7 + log2(length) |
/// | an alphabetical or numerical sequence (abc, 789, zyx), 3 or more | 5 + log2(length) |
/// | a unit of up to 8 characters typed k times over ("aaaa", "abab") | the unit's own cost + log2(k) |
/// | the piece just before, repeated | 1 |
/// | a year 1900–2099 | 7.6 |
/// | a date of 6 or 8 digits, with or without separators | 16 |
/// | any other character | lower or upper case letter 4.7, digit 3.3, space 1, anything else 5 |
///
/// Anything under `minimumBits` is refused: at 50 bits, someone with the identity file making
/// ten thousand Argon2id guesses a second (a well-equipped attacker against our moderate
/// setting) needs about 1,800 years on average.
package enum PassphraseStrength {
    package static let minimumBits = 50.0
    /// No rule names a longer piece (the longest listed word has 12 letters, a date 10).
    static let longestPiece = 16
    /// Past this many characters the rest is counted character by character: a passphrase that
    /// long passes anyway, and the estimate stays quick.
    static let longestEstimated = 128

    /// The estimate, in bits.
    package static func bits(_ passphrase: String) -> Double {
        let all = Array(passphrase)
        let rest = all.dropFirst(longestEstimated).reduce(0) { $0 + characterCost($1) }
        let characters = Array(all.prefix(longestEstimated))
        let lowered = characters.map { Character($0.lowercased()) }
        // cheapest[i]: the fewest bits that make the first i characters; piece[i]: where that
        // last piece began, so the repeat rule can compare with it.
        var cheapest = [Double](repeating: .infinity, count: characters.count + 1)
        var pieceStart = [Int](repeating: 0, count: characters.count + 1)
        cheapest[0] = 0
        for end in 1..<(characters.count + 1) {
            // No rule covers a piece longer than the longest word, date or run worth naming.
            for start in max(0, end - longestPiece)..<end {
                guard cheapest[start].isFinite,
                    let cost = pieceCost(characters, lowered, start..<end, previousStart: pieceStart[start])
                else { continue }
                if cheapest[start] + cost < cheapest[end] {
                    cheapest[end] = cheapest[start] + cost
                    pieceStart[end] = start
                }
            }
        }
        return cheapest[characters.count] + rest
    }

    /// The cost of characters `range` as one piece, or nil when no rule covers it whole.
    private static func pieceCost(
        _ original: [Character], _ lowered: [Character], _ range: Range<Int>, previousStart: Int
    ) -> Double? {
        let length = range.count
        if length == 1 { return characterCost(original[range.lowerBound]) }
        let piece = lowered[range]
        var cheapest: Double?
        func consider(_ cost: Double) { cheapest = min(cheapest ?? cost, cost) }
        // The piece before, typed again ("abcabc", "!!!!" after "!!").
        if range.lowerBound - previousStart == length, lowered[previousStart..<range.lowerBound].elementsEqual(piece) {
            consider(1)
        }
        if length <= 12, let dictionary = dictionaryCost(piece, original: original[range]) { consider(dictionary) }
        // A short unit typed again and again ("aaaa", "abab", "1234512345"): the unit, then the count.
        for unit in 1...max(1, min(8, length / 2)) where length % unit == 0 && unit < length {
            let first = piece.prefix(unit)
            let repeats = stride(from: range.lowerBound + unit, to: range.upperBound, by: unit).allSatisfy {
                lowered[$0..<($0 + unit)].elementsEqual(first)
            }
            if repeats {
                consider(
                    bits(String(original[range.lowerBound..<(range.lowerBound + unit)])) + log2(Double(length / unit)))
            }
        }
        if length >= 3 {
            if isKeyboardRun(piece) { consider(7 + log2(Double(length))) }
            if isSequence(piece) { consider(5 + log2(Double(length))) }
        }
        if length == 4, let year = Int(String(piece)), (1900...2099).contains(year) { consider(log2(200)) }
        if (6...10).contains(length), isDate(String(piece)) { consider(16) }
        return cheapest
    }

    private static func characterCost(_ character: Character) -> Double {
        if character == " " { return 1 }
        if character.isASCII && character.isNumber { return log2(10) }
        if character.isASCII && character.isLetter { return log2(26) }
        return 5
    }

    /// The cost of `piece` as a word someone might choose, allowing common look-alike digits.
    private static func dictionaryCost(_ piece: ArraySlice<Character>, original: ArraySlice<Character>) -> Double? {
        guard piece.count >= 3 else { return nil }
        var substitutions = 0
        let word = String(
            piece.map { character -> Character in
                guard let plain = lookAlikes[character] else { return character }
                substitutions += 1
                return plain
            })
        let capitalised = original.first?.isUppercase == true ? 1.0 : 0.0
        if let rank = commonRanks[word] {
            return log2(Double(rank + 2)) + capitalised + Double(substitutions)
        }
        if WordList.set.contains(Substring(word)) {
            return log2(Double(WordList.words.count)) + capitalised + Double(substitutions)
        }
        return nil
    }

    private static let lookAlikes: [Character: Character] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
    ]

    private static let keyboardRows = [
        "1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./", "qwertzuiop", "azertyuiop",
    ]

    private static func isKeyboardRun(_ piece: ArraySlice<Character>) -> Bool {
        let text = String(piece)
        return keyboardRows.contains { row in row.contains(text) || String(row.reversed()).contains(text) }
    }

    private static func isSequence(_ piece: ArraySlice<Character>) -> Bool {
        let values = piece.compactMap { $0.asciiValue.map(Int.init) }
        guard values.count == piece.count, piece.allSatisfy({ $0.isLetter || $0.isNumber }) else { return false }
        let step = values[1] - values[0]
        guard step == 1 || step == -1 else { return false }
        return zip(values, values.dropFirst()).allSatisfy { $1 - $0 == step }
    }

    private static func isDate(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber)
        let separators = text.filter { !$0.isNumber }
        guard digits.count == 6 || digits.count == 8,
            separators.isEmpty
                || (separators.count == 2 && Set(separators).count == 1 && "/-.".contains(separators.first ?? " "))
        else { return false }
        return true
    }

    /// Passwords and words people choose first, most common first: from published lists of
    /// leaked passwords, with the seasons, months, days, sports teams and places of the UK, and
    /// the words this project's own pages use.
    private static let commonWords = [
        "password", "123456", "qwerty", "letmein", "welcome", "admin", "monkey", "dragon", "football", "iloveyou",
        "sunshine", "princess", "master", "shadow", "baseball", "superman", "batman", "trustno1", "hello", "freedom",
        "whatever", "starwars", "pokemon", "secret", "passw0rd", "login", "abc123", "michael", "charlie", "jordan",
        "summer", "winter", "spring", "autumn", "chelsea", "arsenal", "liverpool", "manchester", "united", "everton",
        "tottenham", "rangers", "celtic", "cardiff", "swansea", "london", "england", "scotland", "wales", "cymru",
        "britain", "police", "changeme", "default", "guest", "test", "pass", "love", "lovely", "angel", "flower",
        "daniel", "thomas", "jessica", "ashley", "hannah", "oliver", "george", "harry", "sophie", "emily", "jack",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "computer",
        "internet", "chair", "group", "hate", "crime", "relay", "blind", "blindrelay", "passphrase", "advisory",
        "independent", "correct", "horse", "battery", "staple", "lantern", "okapi", "velvet", "harbour", "harbor",
        "mypassword", "football1", "iloveu", "family", "friends", "cookie", "cheese", "banana", "orange", "purple",
        "yellow", "silver", "golden", "diamond", "tigger", "buster", "soccer", "hockey", "killer", "hunter", "ranger",
        "matrix", "ninja", "mustang", "maggie", "ginger", "pepper", "bailey", "snoopy", "coffee", "biscuit",
    ]

    private static let commonRanks: [String: Int] = Dictionary(
        commonWords.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
}
