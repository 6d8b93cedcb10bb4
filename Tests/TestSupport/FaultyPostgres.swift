import CinebookModel
import Foundation
import SeatRecords

/// One PostgreSQL server for the tests that hang it or hold its commits, lent to one test
/// at a time: the run starts a single server for them, not one each, and none of them
/// disturbs the shared server the other tests use. Each turn gets a database of its own.
public enum FaultyPostgres {
    /// Runs `body` with the server to itself and a new database's URL; the server is
    /// resumed and confirms commits again afterwards, whatever `body` did.
    public static func exclusive<T: Sendable>(_ body: (PostgresTestServer, RecordsURL) async throws -> T) async throws -> T {
        await turns.acquire()
        defer { Task { await turns.release() } }
        let server = try await offThePool { try shared.get() }
        let url = try RecordsURL(parsing: try await offThePool { try server.createDatabase() })
        defer {
            server.resume()
            try? server.confirmCommits()
        }
        return try await body(server, url)
    }

    private static let shared: Result<PostgresTestServer, any Error> = Result {
        let server = try PostgresTestServer()
        atexit { try? FaultyPostgres.shared.get().stop() }
        return server
    }

    private static let turns = Turns()
}

/// Lends something to one task at a time, in the order they asked.
private actor Turns {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
