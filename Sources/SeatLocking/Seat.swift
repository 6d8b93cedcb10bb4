/// What kind of seat it is; premium and wheelchair seats are sold in their own category.
public enum SeatCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case standard
    case premium
    case wheelchair
}

/// One seat of an auditorium, as the layout places it.
public struct Seat: Sendable, Hashable, Identifiable {
    /// Row label plus number, such as `C7`.
    public let code: String
    public let row: String
    public let number: Int
    /// Index of the row from the screen (0 is the front row).
    public let rowIndex: Int
    /// Column in the layout grid, counting aisle gaps, so seats line up across rows.
    public let column: Int
    public let category: SeatCategory

    public var id: String { code }

    public init(row: String, number: Int, rowIndex: Int, column: Int, category: SeatCategory) {
        self.code = "\(row)\(number)"
        self.row = row
        self.number = number
        self.rowIndex = rowIndex
        self.column = column
        self.category = category
    }
}

/// Parses seat codes typed by people: `c7`, ` C7 ` and `C07` all mean `C7`.
public enum SeatCode {
    /// The canonical code, or nil when the text is not a row label and a seat number.
    public static func normalize(_ text: String) -> String? {
        var letters = ""
        var number = 0
        var digits = 0
        for byte in text.trimmingSpaces.utf8 {
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
        return letters + String(number)
    }

    /// Seats as a sentence names them: `C4`, `C4 and C5`, `C4, C5 and C6`.
    public static func list(_ seats: [String]) -> String {
        switch seats.count {
        case 0: "no seats"
        case 1: seats[0]
        default: seats.dropLast().joined(separator: ", ") + " and " + seats.last!
        }
    }

    /// `E7–E8` for a block in one row, otherwise a list.
    public static func range(_ seats: [String]) -> String {
        guard seats.count > 1 else { return list(seats) }
        return "\(seats.first!)–\(seats.last!)"
    }
}
