import Foundation

/// The wire's one key strategy. Bodies are Swift types with camelCase properties, written
/// and read in snake_case: `showtimeID` is `showtime_id`, `p99Ms` is `p99_ms`. "ID" is the
/// one acronym, so every key reads back as the property it came from.
///
/// A key that does not start with a lowercase letter is a dictionary's key, such as a seat
/// code (`A1`) or a showtime's number, and is left as it is.
///
/// Every key of every body goes through here, so the rules run on ASCII bytes (property
/// names are ASCII); a key with other characters takes the same rules on `Character`s.
enum WireKeys {
    static func snakeCased(_ name: String) -> String {
        let bytes = name.utf8
        guard let first = bytes.first, first.isASCIILowercase else {
            return name.first?.isLowercase == true ? snakeCasedCharacters(name) : name
        }
        var snake: [UInt8] = []
        snake.reserveCapacity(bytes.count + 4)
        var previous: UInt8 = 0
        var rest = bytes.makeIterator()
        var current = rest.next()
        while let byte = current {
            guard byte < 0x80 else { return snakeCasedCharacters(name) }
            let next = rest.next()
            if byte.isASCIIUppercase {
                if startsWord(afterUppercase: previous.isASCIIUppercase, beforeLowercase: next?.isASCIILowercase ?? false) {
                    snake.append(UInt8(ascii: "_"))
                }
                snake.append(byte | 0x20)
            } else {
                snake.append(byte)
            }
            previous = byte
            current = next
        }
        return String(decoding: snake, as: UTF8.self)
    }

    static func camelCased(_ key: String) -> String {
        let bytes = key.utf8
        guard let first = bytes.first, first.isASCIILowercase, bytes.allSatisfy({ $0 < 0x80 }) else {
            return key.first?.isLowercase == true ? camelCasedCharacters(key) : key
        }
        guard bytes.contains(UInt8(ascii: "_")) else { return key }
        let words = bytes.split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: false)
        var camel = Array(words[0])
        for word in words.dropFirst() {
            if word.elementsEqual("id".utf8) {
                camel += "ID".utf8
            } else if let head = word.first {
                camel.append(head.isASCIILowercase ? head & ~0x20 : head)
                camel += word.dropFirst()
            }
        }
        return String(decoding: camel, as: UTF8.self)
    }

    /// An uppercase letter begins a word unless it continues a run of capitals that no
    /// lowercase letter follows (`ID` in `showtimeID` is one word; the first word never splits).
    private static func startsWord(afterUppercase: Bool, beforeLowercase: Bool) -> Bool {
        !afterUppercase || beforeLowercase
    }

    /// The same rules for a key that is not all ASCII.
    static func snakeCasedCharacters(_ name: String) -> String {
        var words: [String] = []
        var word = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character.isUppercase, index > 0,
                startsWord(afterUppercase: characters[index - 1].isUppercase, beforeLowercase: next?.isLowercase ?? false)
            {
                words.append(word)
                word = ""
            }
            word.append(character)
        }
        words.append(word)
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    static func camelCasedCharacters(_ key: String) -> String {
        guard key.contains("_") else { return key }
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

extension UInt8 {
    fileprivate var isASCIIUppercase: Bool { self &- UInt8(ascii: "A") < 26 }
    fileprivate var isASCIILowercase: Bool { self &- UInt8(ascii: "a") < 26 }
}
