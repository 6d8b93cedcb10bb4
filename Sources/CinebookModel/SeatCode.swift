import CinebookSupport

/// A seat's code, such as `C7`: a row label of one or two letters and a seat number, in
/// its one canonical spelling. Every seat the system locks, sells or stores is one of
/// these. `init?(_:)` reads a code as people type it (`c7`, ` C7 ` and `C07` are all
/// `C7`); front ends read a typed list through `SeatCode.parse`, which says what is wrong
/// with it. Text the system wrote itself is read back with `init?(canonical:)`.
public struct SeatCode: Sendable, Hashable, Comparable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The canonical spelling, as Redis keys, the database and JSON bodies write it.
    public let text: String

    /// The canonical code of `typed`, or nil when it is not a row label and a seat number.
    public init?(_ typed: String) {
        var letters = ""
        var number = 0
        var digits = 0
        for byte in typed.trimmingSpaces.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters.utf8.count < 2 else { return nil }
                letters.append(Character(Unicode.Scalar(byte & ~0x20)))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !letters.isEmpty, digits < 3 else { return nil }
                digits += 1
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
            default:
                return nil
            }
        }
        guard digits > 0, number > 0 else { return nil }
        text = letters + String(number)
    }

    /// `text` if it is a code in its canonical spelling, as Redis, the database and this
    /// program write codes; nil for anything else.
    public init?(canonical text: String) {
        guard let code = SeatCode(text), code.text == text else { return nil }
        self = code
    }

    /// The codes of a stored list, such as `A1 A2` or `A1,A2`; nil when any is not canonical.
    public static func codes(in list: String, separatedBy separator: Character) -> [SeatCode]? {
        var codes: [SeatCode] = []
        for part in list.split(separator: separator) {
            guard let code = SeatCode(canonical: String(part)) else { return nil }
            codes.append(code)
        }
        return codes
    }

    /// The seat of a row label and a number, as a layout places it.
    public init(row: String, number: Int) {
        text = "\(row)\(number)"
    }

    public var description: String { text }

    /// Quoted, as a list of codes in a message shows them: `["A1", "B2"]`.
    public var debugDescription: String { text.debugDescription }

    /// In the order of their text, as the stores list them.
    public static func < (a: SeatCode, b: SeatCode) -> Bool { a.text < b.text }
}

extension SeatCode: ExpressibleByStringLiteral {
    /// A code written in the program: it must be canonical already.
    public init(stringLiteral literal: String) {
        guard let code = SeatCode(canonical: literal) else { preconditionFailure("'\(literal)' is not a canonical seat code") }
        self = code
    }
}

extension SeatCode: Codable {
    /// A JSON string; a string that is no seat code is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = SeatCode(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text.quotable)' is not a seat code")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension Sequence<SeatCode> {
    /// The codes written one after another, as `A1 A2` or `A1,A2`.
    public func joined(separator: String) -> String { map(\.text).joined(separator: separator) }
}

extension [SeatCode] {
    /// Seats as a sentence names them: `C4`, `C4 and C5`, `C4, C5 and C6`.
    public var sentence: String {
        switch count {
        case 0: "no seats"
        case 1: self[0].text
        default: dropLast().joined(separator: ", ") + " and " + last!.text
        }
    }

    /// `E7–E8` for a block in one row (first to last), otherwise a `sentence`.
    public var block: String {
        guard count > 1 else { return sentence }
        return "\(first!)–\(last!)"
    }
}
