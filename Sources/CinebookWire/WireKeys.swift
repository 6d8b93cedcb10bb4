import Foundation

/// The wire's one key strategy. Bodies are Swift types with camelCase properties, written
/// and read in snake_case: `showtimeID` is `showtime_id`, `p99Ms` is `p99_ms`. "ID" is the
/// one acronym, so every key reads back as the property it came from.
///
/// A key that does not start with a lowercase letter is a dictionary's key, such as a seat
/// code (`A1`) or a showtime's number, and is left as it is.
enum WireKeys {
    static func snakeCased(_ name: String) -> String {
        guard name.first?.isLowercase == true else { return name }
        var words: [String] = []
        var word = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            let startsWord = character.isUppercase
                && (previous.map { !$0.isUppercase } ?? false || next.map(\.isLowercase) ?? false)
            if startsWord, !word.isEmpty {
                words.append(word)
                word = ""
            }
            word.append(character)
        }
        words.append(word)
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    static func camelCased(_ key: String) -> String {
        guard key.first?.isLowercase == true, key.contains("_") else { return key }
        let words = key.split(separator: "_", omittingEmptySubsequences: false)
        return String(words[0]) + words.dropFirst().map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static let encoding = JSONEncoder.KeyEncodingStrategy.custom { path in
        Key(WireKeys.snakeCased(path.last!.stringValue))
    }

    static let decoding = JSONDecoder.KeyDecodingStrategy.custom { path in
        Key(WireKeys.camelCased(path.last!.stringValue))
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ text: String) { stringValue = text }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
