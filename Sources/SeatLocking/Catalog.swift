import Foundation

/// The showtimes this system sells, loaded from one JSON file per showtime.
///
/// ```json
/// { "id": 1, "title": "Paddington in Peru", "auditorium": "Studio 1",
///   "starts_at": "2026-11-25T17:00:00Z",
///   "rows": [ { "row": "A", "seats": "sss_sss" } ],
///   "occupied": ["A3"] }
/// ```
/// In `seats`, `s` is a standard seat, `p` premium, `w` a wheelchair place and `_` a gap.
public struct Catalog: Sendable {
    public let showtimes: [Showtime]
    private let byID: [Int: Showtime]

    public init(showtimes: [Showtime]) {
        self.showtimes = showtimes.sorted { $0.id < $1.id }
        byID = Dictionary(showtimes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func showtime(_ id: Int) -> Showtime? { byID[id] }

    /// Loads every `*.json` file of a directory; a broken file is named in the error.
    public static func load(directory: URL) throws(CatalogError) -> Catalog {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw CatalogError(file: directory.path, problem: "cannot read the directory (\(error.localizedDescription))")
        }
        guard !files.isEmpty else { throw CatalogError(file: directory.path, problem: "no showtime files (*.json)") }
        var showtimes: [Showtime] = []
        var fileByID: [Int: String] = [:]
        for file in files {
            let showtime = try load(file: file)
            if let other = fileByID[showtime.id] {
                throw CatalogError(file: file.path, problem: "showtime id \(showtime.id) is also used by \(other)")
            }
            fileByID[showtime.id] = file.lastPathComponent
            showtimes.append(showtime)
        }
        return Catalog(showtimes: showtimes)
    }

    /// Loads and checks one showtime file.
    public static func load(file: URL) throws(CatalogError) -> Showtime {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw CatalogError(file: file.path, problem: "cannot read the file (\(error.localizedDescription))")
        }
        let entry: ShowtimeFile
        do { entry = try JSONDecoder().decode(ShowtimeFile.self, from: data) } catch {
            throw CatalogError(file: file.path, problem: Self.describe(error))
        }
        do { return try entry.showtime() } catch {
            throw CatalogError(file: file.path, problem: error.description)
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "missing field '\(key.stringValue)'\(parent)"
        case let .typeMismatch(type, context): return "\(path(context)) should be \(Self.name(of: type))"
        case let .valueNotFound(type, context): return "\(path(context)) should be \(Self.name(of: type)), not null"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "not a showtime file"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is [Any].Type: "a list"
        default: "\(type)".lowercased()
        }
    }
}

public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem)" }
}

/// The JSON shape of a showtime file.
private struct ShowtimeFile: Decodable {
    struct Row: Decodable {
        let row: String
        let seats: String
    }

    let id: Int
    let title: String
    let auditorium: String
    let startsAt: String
    let rows: [Row]
    let occupied: [String]?

    enum CodingKeys: String, CodingKey {
        case id, title, auditorium, rows, occupied
        case startsAt = "starts_at"
    }

    func showtime() throws(LayoutError) -> Showtime {
        guard id > 0 else { throw LayoutError("id must be a positive whole number, not \(id)") }
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else { throw LayoutError("title is empty") }
        guard !auditorium.trimmingCharacters(in: .whitespaces).isEmpty else { throw LayoutError("auditorium is empty") }
        guard let start = ISO8601DateFormatter().date(from: startsAt) else {
            throw LayoutError("starts_at '\(startsAt)' is not an ISO 8601 time like 2026-11-25T19:30:00Z")
        }
        let layout = try SeatLayout(rowPatterns: rows.map { ($0.row, $0.seats) })
        var taken = Set<String>()
        for text in occupied ?? [] {
            guard let code = SeatCode.normalize(text), layout.seat(code) != nil else {
                throw LayoutError("occupied seat '\(text)' is not in the layout")
            }
            taken.insert(code)
        }
        return Showtime(id: id, title: title, auditorium: auditorium, startsAt: start, layout: layout, occupied: taken)
    }
}
