import CinebookModel
import Foundation
import SeatLocking
import Testing
import TestSupport

/// A showtime's revision names what its seat map shows: it changes with every change of a
/// seat, also one that comes from a lock running out, and with nothing else.
@Suite struct RevisionTests {
    @Test(arguments: RedisKind.allCases) func theRevisionChangesWithEveryChangeOfASeatAndOnlyThen(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 3, seats: 5)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let first = try await service.status(showtime: showtime.id, viewer: "alice")
        #expect(try await service.revision(showtime: showtime.id)?.revision == first.revision)
        #expect(try await service.status(showtime: showtime.id, viewer: "bob").revision == first.revision, "nothing changed")

        var seen = [first.revision]
        func changed() async throws -> Bool {
            let status = try await service.status(showtime: showtime.id, viewer: "alice")
            let reading = try #require(try await service.revision(showtime: showtime.id))
            defer { seen.append(status.revision) }
            return reading.revision == status.revision && !seen.contains(status.revision)
        }
        _ = try await service.lock(["A1"], showtime: showtime.id, user: "bob")
        #expect(try await changed(), "a lock")
        _ = try await service.extend(["A1"], showtime: showtime.id, user: "bob")
        #expect(try await changed(), "an extension")
        _ = try await service.unlock(["A1"], showtime: showtime.id, user: "bob")
        #expect(try await changed(), "a release")
        _ = try await service.lock(["B1", "B2"], showtime: showtime.id, user: "carol")
        _ = try await service.book(["B1", "B2"], showtime: showtime.id, user: "carol")
        #expect(try await changed(), "a booking")
        _ = try await service.lock(["C1"], showtime: showtime.id, user: "dave", ttl: .seconds(1))
        #expect(try await changed(), "a short lock")
        #expect(try await eventually(timeout: .seconds(10)) { try await changed() }, "the short lock ran out")
        #expect(try await service.status(showtime: showtime.id, viewer: "alice").state(of: "C1") == .available)
    }
}
