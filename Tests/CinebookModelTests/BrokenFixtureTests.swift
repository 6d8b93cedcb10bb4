import CinebookModel
import Foundation
import Testing

@Suite("Broken fixture files are named with their problem")
struct BrokenFixtureTests {
    private static func showtimeJSON(
        id: Int = 7, title: String? = "Test", rows: String = #"[{"row": "A", "seats": "ssss"}]"#, occupied: String = "[]"
    ) -> String {
        let titleField = title.map { #""title": "\#($0)", "# } ?? ""
        return """
            {"id": \(id), \(titleField)"auditorium": "Hall", "starts_at": "2026-11-25T17:00:00Z",
             "rows": \(rows), "occupied": \(occupied)}
            """
    }

    /// Writes the files into a fresh directory, loads it, and returns the error.
    private func loadError(_ files: [String: String]) throws -> CatalogError? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return #expect(throws: CatalogError.self) { try Catalog.load(directory: directory) }
    }

    @Test func wellFormedFilesLoad() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(Self.showtimeJSON(id: 7, occupied: #"["a2"]"#).utf8).write(to: directory.appendingPathComponent("seven.json"))
        try Data("not a showtime".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let catalog = try Catalog.load(directory: directory)
        #expect(catalog.showtimes.map(\.id) == [7])
        #expect(catalog.showtime(7)?.occupied == ["A2"])
    }

    @Test func badJSON() throws {
        let error = try loadError(["broken.json": "{ \"id\": 7, "])
        #expect(error?.file.hasSuffix("broken.json") == true)
        #expect(error?.problem == "not valid JSON")
        #expect(error?.description.contains("broken.json") == true)
    }

    @Test func missingField() throws {
        let error = try loadError(["untitled.json": Self.showtimeJSON(title: nil)])
        #expect(error?.file.hasSuffix("untitled.json") == true)
        #expect(error?.problem == "missing field 'title'")
    }

    @Test func fieldOfTheWrongType() throws {
        let error = try loadError(["typed.json": Self.showtimeJSON(rows: #"[{"row": "A", "seats": 12}]"#)])
        #expect(error?.file.hasSuffix("typed.json") == true)
        #expect(error?.problem == "rows[0].seats should be a string")
    }

    @Test func badLayoutCharacter() throws {
        let error = try loadError(["layout.json": Self.showtimeJSON(rows: #"[{"row": "A", "seats": "ssxs"}]"#)])
        #expect(error?.file.hasSuffix("layout.json") == true)
        #expect(error?.problem == "row A has 'x' at column 3; use s, p, w or _")
    }

    @Test func unknownOccupiedSeat() throws {
        let error = try loadError(["occupied.json": Self.showtimeJSON(occupied: #"["A2", "Z9"]"#)])
        #expect(error?.file.hasSuffix("occupied.json") == true)
        #expect(error?.problem == "occupied seat 'Z9' is not in the layout")
    }

    @Test func duplicateShowtimeID() throws {
        let error = try loadError([
            "a-first.json": Self.showtimeJSON(id: 9),
            "b-second.json": Self.showtimeJSON(id: 9),
        ])
        #expect(error?.file.hasSuffix("b-second.json") == true)
        #expect(error?.problem == "showtime id 9 is also used by a-first.json")
    }

    @Test func duplicateRow() throws {
        let rows = #"[{"row": "A", "seats": "ss"}, {"row": "A", "seats": "ss"}]"#
        let error = try loadError(["rows.json": Self.showtimeJSON(rows: rows)])
        #expect(error?.problem == "row A appears twice")
    }

    @Test func emptyDirectory() throws {
        let error = try loadError([:])
        #expect(error?.problem == "no showtime files (*.json)")
    }
}
