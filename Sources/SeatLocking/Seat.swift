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
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let letters = trimmed.prefix { $0.isASCII && $0.isLetter }
        let digits = trimmed.dropFirst(letters.count)
        guard (1...2).contains(letters.count), (1...3).contains(digits.count),
              digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(digits), number > 0
        else { return nil }
        return "\(letters)\(number)"
    }
}
