import CinebookSupport
import Foundation

/// The showtimes this system sells, loaded from one JSON file per showtime.
///
/// ```json
/// { "id": 1, "title": "Paddington in Peru", "auditorium": "Studio 1",
///   "starts_at": "2026-11-25T17:00:00Z", "time_zone": "Europe/London",
///   "sales_cutoff_minutes": 15,
///   "rows": [ { "row": "A", "seats": "sss_sss" } ],
///   "occupied": ["A3"] }
/// ```
/// In `seats`, `s` is a standard seat, `p` premium, `w` a wheelchair place and `_` a gap.
/// `time_zone` (an IANA name; default UTC) is the cinema's, in which its times are shown.
/// Sales close `sales_cutoff_minutes` before the start (default 0: at the start).
/// `starts_at` is an ISO 8601 time, or a day relative to the day the file is loaded and a
/// time of day in the cinema's zone: `+1d 19:30` is tomorrow at 19:30 (demo showtimes).
public struct Catalog: Sendable {
    public let showtimes: [Showtime]
    private let byID: [Int: Showtime]

    public init(showtimes: [Showtime]) {
        self.showtimes = showtimes.sorted { $0.id < $1.id }
        byID = Dictionary(showtimes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func showtime(_ id: Int) -> Showtime? { byID[id] }

    /// The time zone a showtime's times are shown in: its cinema's.
    public func timeZone(of id: Int) -> TimeZone { byID[id]?.timeZone ?? .utc }

    /// Loads every `*.json` file of a directory; a broken file is named in the error.
    /// Relative starts are taken from the day of `now`.
    public static func load(directory: URL, now: Date = Date()) throws(CatalogError) -> Catalog {
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
            let showtime = try load(file: file, now: now)
            if let other = fileByID[showtime.id] {
                throw CatalogError(file: file.path, problem: "showtime id \(showtime.id) is also used by \(other)")
            }
            fileByID[showtime.id] = file.lastPathComponent
            showtimes.append(showtime)
        }
        return Catalog(showtimes: showtimes)
    }

    /// Loads and checks one showtime file.
    public static func load(file: URL, now: Date = Date()) throws(CatalogError) -> Showtime {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw CatalogError(file: file.path, problem: FileProblem.of(file.path, expectingDirectory: false))
        }
        let entry: ShowtimeFile
        do { entry = try JSONDecoder().decode(ShowtimeFile.self, from: data) } catch {
            throw CatalogError(file: file.path, problem: Self.describe(error))
        }
        do { return try entry.showtime(now: now) } catch {
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

    package init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }
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
    let timeZone: String?
    let salesCutoffMinutes: Int?
    let salesOpenAt: String?
    let rows: [Row]
    let occupied: [String]?

    enum CodingKeys: String, CodingKey {
        case id, title, auditorium, rows, occupied
        case startsAt = "starts_at"
        case timeZone = "time_zone"
        case salesCutoffMinutes = "sales_cutoff_minutes"
        case salesOpenAt = "sales_open_at"
    }

    func showtime(now: Date) throws(LayoutError) -> Showtime {
        guard id > 0 else { throw LayoutError("id must be a positive whole number, not \(id)") }
        guard !title.trimmingSpaces.isEmpty else { throw LayoutError("title is empty") }
        guard !auditorium.trimmingSpaces.isEmpty else { throw LayoutError("auditorium is empty") }
        let zone = try TimeZone.named(timeZone ?? "UTC")
        let minutes = salesCutoffMinutes ?? 0
        let longest = Int(Showtime.maximumSalesCutoff.components.seconds / 60)
        guard (0...longest).contains(minutes) else {
            throw LayoutError("sales_cutoff_minutes must be from 0 to \(longest), not \(minutes)")
        }
        let cutoff = Duration.seconds(60 * minutes)
        let start = try ShowtimeStart(startsAt, field: "starts_at").date(in: zone, loadedAt: now)
        let opening = try salesOpenAt.map { text throws(LayoutError) in
            try ShowtimeStart(text, field: "sales_open_at").date(in: zone, loadedAt: now)
        }
        if let opening, opening >= start { throw LayoutError("sales_open_at must come before starts_at") }
        let layout = try SeatLayout(rowPatterns: rows.map { ($0.row, $0.seats) })
        var taken = Set<SeatCode>()
        for text in occupied ?? [] {
            guard let code = SeatCode(text), layout.seat(code) != nil else {
                throw LayoutError("occupied seat '\(text.quotable)' is not in the layout")
            }
            taken.insert(code)
        }
        return Showtime(
            id: id, title: title, auditorium: auditorium, startsAt: start, layout: layout, occupied: taken, timeZone: zone,
            salesCutoff: cutoff, salesOpenAt: opening)
    }
}

/// A showtime file's `starts_at` or `sales_open_at`: an ISO 8601 time, or `+Nd HH:MM`, N days
/// after the day the file is loaded at that time of day in the cinema's time zone.
private enum ShowtimeStart {
    case absolute(Date)
    case relative(days: Int, hour: Int, minute: Int)

    init(_ text: String, field: String) throws(LayoutError) {
        if let date = ISO8601DateFormatter().date(from: text) {
            self = .absolute(date)
            return
        }
        let parts = text.split(separator: " ")
        let time = parts.count == 2 ? parts[1].split(separator: ":") : []
        guard parts.count == 2, parts[0].hasPrefix("+"), parts[0].hasSuffix("d"),
              let days = Int(parts[0].dropFirst().dropLast()), (0...366).contains(days),
              time.count == 2, time.allSatisfy({ $0.count == 2 }),
              let hour = Int(time[0]), let minute = Int(time[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else {
            throw LayoutError(
                "\(field) '\(text.quotable)' is neither an ISO 8601 time like 2026-11-25T19:30:00Z nor a day and time like +1d 19:30")
        }
        self = .relative(days: days, hour: hour, minute: minute)
    }

    func date(in zone: TimeZone, loadedAt now: Date) throws(LayoutError) -> Date {
        switch self {
        case let .absolute(date):
            return date
        case let .relative(days, hour, minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: now)),
                  let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)
            else { throw LayoutError("starts_at +\(days)d does not fall on a day of the calendar") }
            return start
        }
    }
}
