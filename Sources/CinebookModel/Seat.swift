
/// What kind of seat it is; premium and wheelchair seats are sold in their own category.
public enum SeatCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case standard
    case premium
    case wheelchair
}

/// One seat of an auditorium, as the layout places it.
public struct Seat: Sendable, Hashable, Identifiable {
    /// Row label plus number, such as `C7`.
    public let code: SeatCode
    public let row: String
    public let number: Int
    /// Index of the row from the screen (0 is the front row).
    public let rowIndex: Int
    /// Column in the layout grid, counting aisle gaps, so seats line up across rows.
    public let column: Int
    public let category: SeatCategory

    public var id: SeatCode { code }

    public init(row: String, number: Int, rowIndex: Int, column: Int, category: SeatCategory) {
        code = SeatCode(row: row, number: number)
        self.row = row
        self.number = number
        self.rowIndex = rowIndex
        self.column = column
        self.category = category
    }
}
