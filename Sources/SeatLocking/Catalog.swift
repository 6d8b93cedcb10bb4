import Foundation
import RedisClient

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
            throw CatalogError(file: directory.path, problem: FileProblem.of(directory.path, expectingDirectory: true))
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
            throw CatalogError(file: file.path, problem: FileProblem.of(file.path, expectingDirectory: false))
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
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) is out of range or malformed"
        @unknown default: return "not a showtime file"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a different kind of value"
        }
    }
}

/// Why a file or directory cannot be read, in words (not an NSError dump).
private enum FileProblem {
    static func of(_ path: String, expectingDirectory: Bool) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "does not exist (or is a broken link)"
        }
        if isDirectory.boolValue != expectingDirectory { return expectingDirectory ? "is not a directory" : "is a directory, not a file" }
        if access(path, R_OK) != 0 { return "cannot be read: permission denied" }
        return expectingDirectory ? "cannot be listed" : "cannot be read"
    }
}

public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem)".escapingInvisibles }
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
        guard !title.trimmingSpaces.isEmpty else { throw LayoutError("title is empty") }
        guard !auditorium.trimmingSpaces.isEmpty else { throw LayoutError("auditorium is empty") }
        guard let start = ISO8601DateFormatter().date(from: startsAt) else {
            throw LayoutError("starts_at '\(startsAt.quotable)' is not an ISO 8601 time like 2026-11-25T19:30:00Z")
        }
        let layout = try SeatLayout(rowPatterns: rows.map { ($0.row, $0.seats) })
        var taken = Set<String>()
        for text in occupied ?? [] {
            guard let code = SeatCode.normalize(text), layout.seat(code) != nil else {
                throw LayoutError("occupied seat '\(text.quotable)' is not in the layout")
            }
            taken.insert(code)
        }
        return Showtime(id: id, title: title, auditorium: auditorium, startsAt: start, layout: layout, occupied: taken)
    }
}
