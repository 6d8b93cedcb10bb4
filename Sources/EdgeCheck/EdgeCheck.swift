import CinebookModel
import CinebookSupport
import Foundation
import Logging
import RedisClient
import SeatLocking
import SeatMapUI
import SeatRecords

/// Drives the code that sits on the two C libraries cinebook links, hiredis and ncursesw,
/// through their edge cases. Built with the address and leak sanitizer by
/// `Tests/Sanitizers/c-edge.sh`, which reads the sanitizer's reports.
///
///     edge-check redis URL                          the Redis client, then exit
///     edge-check seatmap URL FIXTURES SHOWTIME USER the seat map on this terminal
///     edge-check canary                             leaks on purpose: the sanitizer must say so
@main
struct EdgeCheck {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch (arguments.first, arguments.count) {
            case ("redis", 2):
                try await RedisEdge(url: try RedisURL(parsing: arguments[1])).run()
            case ("seatmap", 5):
                try await seatMap(
                    url: try RedisURL(parsing: arguments[1]), fixtures: arguments[2], showtime: Int(arguments[3]) ?? 0,
                    user: arguments[4])
            case ("canary", 1):
                for _ in 0..<8 { leakOnPurpose() }
                print("leaked 8 blocks of 64 bytes")
            default:
                FileHandle.standardError.write(
                    Data("usage: edge-check redis URL | edge-check seatmap URL FIXTURES SHOWTIME USER | edge-check canary\n".utf8))
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("edge-check: \(error)\n".utf8))
            exit(1)
        }
    }

    /// The seat map, as `cinebook seats` opens it; exits when the user quits.
    static func seatMap(url: RedisURL, fixtures: String, showtime id: Int, user: String) async throws {
        let catalog = try Catalog.load(directory: URL(fileURLWithPath: fixtures))
        guard let showtime = catalog.showtime(id) else { throw SeatLockingError.unknownShowtime(id) }
        let redis = RedisClient(url: url)
        defer { redis.close() }
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("edge-check-\(getpid()).sqlite").path
        let records = try Records.sqlite(path: database) { catalog.showtimes.map(ShowtimeRecord.init) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } }
        let service = SeatLockingService(redis: redis, records: records, catalog: catalog)
        let app = SeatMapApp(
            operations: service, showtime: showtime, user: user,
            settings: SeatMapSettings(pollInterval: .milliseconds(500), policy: service.policy),
            logger: Logger(label: "edge-check"))
        let outcome = try await app.run()
        print("seat map closed: \(outcome.bookings.count) bookings, \(outcome.released.count) seats released")
    }

    /// Memory that nothing frees or points to, so that a leak check that finds nothing
    /// is known to be looking.
    @inline(never)
    static func leakOnPurpose() {
        guard let block = malloc(64) else { return }
        memset(block, 0x5A, 64)
    }
}
