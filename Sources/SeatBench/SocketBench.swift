import CinebookModel
import CinebookSupport
import Foundation
import Histogram
import SeatAPIClient

/// A lock over the showtime's WebSocket against a lock over HTTP, in the same run, on the
/// same server: one user locks a free seat and lets it go, again and again, in rounds that
/// take turns (HTTP, then the socket), so that a machine's drift falls on both alike. Only
/// the lock is timed; the release puts the seat back for the next round.
public struct SocketBench: Sendable {
    public struct Report: Encodable, Sendable {
        public let ok = true
        public let target: String
        public let showtimeID: Int
        public let locks: Int
        public let httpP50Ms: Double
        public let httpP99Ms: Double
        public let socketP50Ms: Double
        public let socketP99Ms: Double
        /// The socket's p50 over HTTP's: below 1, the socket is faster.
        public let socketOverHttpP50: Double

        public var text: String {
            """
            A lock and its release, \(locks) times each way, on showtime \(showtimeID) at \(target) (only the lock timed):
              over HTTP (keep-alive)   p50 \(Self.ms(httpP50Ms))   p99 \(Self.ms(httpP99Ms))
              over the WebSocket       p50 \(Self.ms(socketP50Ms))   p99 \(Self.ms(socketP99Ms))
              the socket's p50 is \(String(format: "%.2f", socketOverHttpP50))× HTTP's
            """
        }

        private static func ms(_ value: Double) -> String { String(format: "%.3f ms", value) }
    }

    public let http: SeatAPIClient
    /// A client that prefers the socket; the bench opens it.
    public let socket: SeatAPIClient
    public let showtime: Int
    public let locks: Int
    public let user: String

    public init(http: SeatAPIClient, socket: SeatAPIClient, showtime: Int, locks: Int, user: String) {
        self.http = http
        self.socket = socket
        self.showtime = showtime
        self.locks = locks
        self.user = user
    }

    public func run() async throws -> Report {
        _ = try await http.showtime(showtime)
        _ = try await socket.showtime(showtime)
        let status = try await http.status(showtime: showtime, viewer: user, party: nil)
        guard let seat = status.seats.first(where: { $0.state == .available })?.seat.code else {
            throw SeatLockingError.invalidRequest("showtime \(showtime) has no free seat to lock")
        }
        // The socket opens with the events; wait until an operation goes over it.
        let events = try socket.events(showtime: showtime)
        var iterator = events.makeAsyncIterator()
        guard case .connected? = await iterator.next() else { throw SeatLockingError.serverUnreachable("the WebSocket did not open") }
        var overHTTP = Latencies.histogram()
        var overSocket = Latencies.histogram()
        let round = 50
        var done = 0
        let clock = ContinuousClock()
        // A warm-up of a round each way, not timed.
        for client in [http, socket] { _ = try await cycle(client, seat, times: round, clock: clock) }
        while done < locks {
            let count = min(round, locks - done)
            for nanoseconds in try await cycle(http, seat, times: count, clock: clock) { overHTTP.record(nanoseconds) }
            for nanoseconds in try await cycle(socket, seat, times: count, clock: clock) { overSocket.record(nanoseconds) }
            done += count
        }
        let ms = { (histogram: Histogram<UInt64>, percentile: Double) in Double(histogram.valueAtPercentile(percentile)) / 1_000_000 }
        return Report(
            target: http.base, showtimeID: showtime, locks: locks, httpP50Ms: ms(overHTTP, 50), httpP99Ms: ms(overHTTP, 99),
            socketP50Ms: ms(overSocket, 50), socketP99Ms: ms(overSocket, 99), socketOverHttpP50: ms(overSocket, 50) / max(ms(overHTTP, 50), 0.000_001))
    }

    /// `times` locks and releases of the seat; each lock's time in nanoseconds.
    private func cycle(_ client: SeatAPIClient, _ seat: SeatCode, times: Int, clock: ContinuousClock) async throws -> [UInt64] {
        var taken: [UInt64] = []
        for _ in 0..<times {
            let start = clock.now
            _ = try await client.lock([seat], showtime: showtime, user: user, ttl: nil)
            taken.append(UInt64(max(1, (clock.now - start).nanoseconds)))
            _ = try await client.unlock([seat], showtime: showtime, user: user, party: nil)
        }
        return taken
    }
}
