import CinebookModel
import Foundation
import Histogram
import Logging
import RedisClient
import SeatAPIClient
import SeatLocking
import SeatRecords

/// An on-sale rush: a crowd of moviegoers (`Moviegoer`) arriving over a span of time at
/// one showtime, played once for each set of mechanisms asked for, the same crowd each
/// time, on a fresh copy of the hall. Each play is audited like any bench run: nothing
/// sold twice, every confirmed booking in the database.
public struct RushBench: Sendable {
    public struct Configuration: Sendable {
        public var arrivals: Int
        public var arrivalsOver: Duration
        /// Each set of mechanisms is played in turn, the same crowd each time.
        public var plays: [RushMechanisms]
        public var seed: UInt64

        public init(arrivals: Int, arrivalsOver: Duration, plays: [RushMechanisms], seed: UInt64) {
            self.arrivals = arrivals
            self.arrivalsOver = arrivalsOver
            self.plays = plays
            self.seed = seed
        }
    }

    public let configuration: Configuration
    public let url: RedisURL
    public let records: any SalesRecord
    public let timeouts: RedisTimeouts
    public let template: Showtime
    /// Through a server's HTTP API, on this showtime of its catalog (emptied before each
    /// play and after the last, its sales in the database too), instead of the core on
    /// copies of the benchmark's own.
    public let http: (operations: SeatAPIClient, showtime: Showtime)?

    public init(
        configuration: Configuration, url: RedisURL, records: any SalesRecord, timeouts: RedisTimeouts, template: Showtime,
        http: (operations: SeatAPIClient, showtime: Showtime)? = nil
    ) {
        self.configuration = configuration
        self.url = url
        self.records = records
        self.timeouts = timeouts
        self.template = template
        self.http = http
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> RushReport {
        let crowd = Moviegoer.Traits.crowd(of: configuration.arrivals, over: configuration.arrivalsOver, seed: configuration.seed)
        var plays: [RushReport.Play] = []
        for mechanisms in configuration.plays {
            progress("\(mechanisms): \(crowd.count) arrivals over \(Int(configuration.arrivalsOver.seconds)) s …")
            plays.append(try await play(crowd, mechanisms: mechanisms))
        }
        return RushReport(
            target: http?.operations.base ?? "core", showtime: template.id, seats: template.layout.seatCount,
            arrivals: configuration.arrivals, arrivalsOverSeconds: configuration.arrivalsOver.seconds, seed: configuration.seed,
            plays: plays)
    }

    private func play(_ crowd: [Moviegoer.Traits], mechanisms: RushMechanisms) async throws -> RushReport.Play {
        let pool = http.map { ShowtimePool(fixed: [$0.showtime]) } ?? ShowtimePool(template: template, slots: 1, generations: 1)
        let showtime = pool.catalog.showtimes[0]
        let quiet = Logger(label: "cinebook.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let control = RedisClient(url: url, timeouts: timeouts)
        defer { control.close() }
        let controlService = SeatLockingService(redis: control, records: records, catalog: pool.catalog, logger: quiet)
        // Each play starts from an empty hall, through the API too (`--reset` agreed to it):
        // the sales of the play before go from the database as well as from Redis.
        let auditor = ShowtimeAudit(service: controlService, redis: control, records: records, ownsShowtimes: true)
        try await auditor.purge(ids: [showtime.id])
        let crowdClient = http == nil ? RedisClient(url: url, timeouts: timeouts, connections: 16) : nil
        defer { crowdClient?.close() }
        let operations: any SeatOperations = http?.operations
            ?? SeatLockingService(redis: crowdClient!, records: records, catalog: pool.catalog, logger: quiet)
        let ledger = GrantLedger()
        if mechanisms.room {
            // Sales open a little into the rush: the first arrivals wait in the pre-queue and
            // are drawn into an order; everyone after queues in order of arrival.
            try await controlService.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(Self.opening(configuration.arrivalsOver).seconds))
        }
        let probe = http.map { HealthProbe(operations: $0.operations) }
        let probing = Task { await probe?.run() }
        let began = ContinuousClock.now
        let outcomes = await withTaskGroup(of: Moviegoer.Outcome.self) { group in
            for traits in crowd {
                let person = Moviegoer(traits: traits, operations: operations, showtime: showtime, mechanisms: mechanisms, ledger: ledger)
                group.addTask { await person.run(began: began) }
            }
            return await group.reduce(into: [Moviegoer.Outcome]()) { $0.append($1) }
        }
        probing.cancel()
        let health = await probing.value
        let sales = ledger.finish(showtime: showtime.id)
        let violations = ledger.finish().violations
        let check = try await auditor.check(id: showtime.id, sales: sales, faultsSeen: false)
        let left = try await controlService.status(showtime: showtime.id, viewer: nil).seats(in: .available).count
        try await auditor.purge(ids: [showtime.id])
        return RushReport.Play(
            mechanisms: mechanisms, outcomes: outcomes, seatsLeft: left, health: health, violations: violations + check.problems)
    }

    /// How far into the rush sales open with the waiting room: a tenth of the arrivals'
    /// span, at most 5 s.
    static func opening(_ span: Duration) -> Duration { min(.seconds(5), span / 10) }
}

/// Asks the server's `/health` ten times a second while a play runs, timing each answer
/// as the fan-out bench times it.
struct HealthProbe: Sendable {
    let operations: SeatAPIClient

    /// The answers' times, until cancelled; nil if none came.
    func run() async -> LatencySummary? {
        var health = Latencies.histogram()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            if (try? await operations.checkHealth()) != nil { health.record(UInt64(max(1, (ContinuousClock.now - started).nanoseconds))) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return health.totalCount == 0 ? nil : LatencySummary(health)
    }
}
