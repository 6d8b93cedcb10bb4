import CinebookModel
import CinebookSupport
import Foundation
import Histogram
import Logging
import RedisClient
import SeatAPIClient
import SeatLocking
import SeatRecords
import Synchronization

/// A snapshot for the live progress line.
public struct BenchProgress: Sendable {
    public let elapsed: Duration
    public let operations: Int
    public let errors: Int
    public let operationsPerSecond: Double
}

/// Runs a load against the core on a real Redis, then checks every invariant and
/// removes the keys it made.
public struct BenchRunner: Sendable {
    public let configuration: BenchConfiguration
    public let url: RedisURL
    /// The database of record the bookings are committed in.
    public let records: any SalesRecord
    public let timeouts: RedisTimeouts
    public let template: Showtime
    /// Through a server's HTTP API on these showtimes of its catalog, instead of the core
    /// on showtimes of the benchmark's own. The showtimes are emptied before and after.
    public let http: (operations: SeatAPIClient, showtimes: [Showtime])?

    public init(
        configuration: BenchConfiguration, url: RedisURL, records: any SalesRecord, timeouts: RedisTimeouts, template: Showtime,
        http: (operations: SeatAPIClient, showtimes: [Showtime])? = nil
    ) {
        self.configuration = configuration
        self.url = url
        self.records = records
        self.timeouts = timeouts
        self.template = template
        self.http = http
    }

    public func run(progress: @escaping @Sendable (BenchProgress) -> Void) async throws -> BenchReport {
        let pool = http.map { ShowtimePool(fixed: $0.showtimes) } ?? ShowtimePool(template: template, slots: max(1, configuration.showtimes))
        let control = RedisClient(url: url, timeouts: timeouts)
        defer { control.close() }
        let quiet = Logger(label: "cinebook.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let controlService = SeatLockingService(redis: control, records: records, catalog: pool.catalog, logger: quiet)
        let auditor = ShowtimeAudit(service: controlService, redis: control, records: records, ownsShowtimes: http == nil)

        let appendfsync = Set(try await BenchPatience.settled { try await control.sendToEveryPrimary(RedisCommand("CONFIG", ["GET", "appendfsync"])) }
            .map { $0.array?.last?.string ?? "unknown" }).sorted().joined(separator: "/")
        let baseline = try await BenchPatience.settled { try await Baseline.measure(control, samples: configuration.floorSamples) }
        var memoryProbe: (perSeat: Double, lockKey: Int)?
        if http == nil {
            memoryProbe = try await BenchPatience.settled { try await probeMemory(controlService, control, pool: pool) }
        } else {
            try await BenchPatience.settled { try await auditor.purge(ids: pool.unfinishedIDs) }
        }
        let rssStart = Self.residentMegabytes()

        let clients = http == nil ? makeClients() : []
        defer { for client in clients { client.close() } }
        let services: [any SeatOperations] = http.map { [$0.operations] }
            ?? clients.map { SeatLockingService(redis: $0, records: records, catalog: pool.catalog, logger: quiet) }
        let ledger = GrantLedger()
        let counters = RunCounters()
        let picker = PartyPicker(layout: pool.layout, hotspot: configuration.hotspot, maximumParty: configuration.maximumParty)
        let rssMax = Mutex(rssStart)
        let clock = ContinuousClock()
        let started = clock.now

        let monitor = Task {
            var lastOperations = 0
            var lastTime = clock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let now = clock.now
                let operations = counters.operations.load(ordering: .relaxed)
                let rate = Double(operations - lastOperations) / max((now - lastTime).seconds, 0.001)
                lastOperations = operations
                lastTime = now
                let rss = Self.residentMegabytes()
                rssMax.withLock { $0 = max($0, rss) }
                progress(BenchProgress(
                    elapsed: now - started, operations: operations, errors: counters.errors.load(ordering: .relaxed),
                    operationsPerSecond: rate))
                if case let .duration(limit) = configuration.limit, now - started >= limit {
                    counters.stop.store(true, ordering: .relaxed)
                }
            }
        }
        let latencies = SharedLatencies()
        // A showtime left behind is audited and removed as soon as its last visit ends; when
        // Redis cannot be asked then, it waits for the audit at the end.
        let audit = Mutex((problems: [String](), checked: 0, repaired: 0, postponed: [Int: GrantLedger.Sales]()))
        // The house keeps the best seats back on each performance as it opens (on the core only).
        let keptBack = BestSeats(layout: pool.layout, unavailable: []).offers(for: SeatWish(count: max(1, configuration.houseSeats)), limit: 1)
            .first?.codes ?? []
        let opening: @Sendable (Int) async -> Void = { id in
            guard configuration.houseSeats > 0, http == nil, let press = HouseLabel("bench press") else { return }
            if let hold = try? await controlService.holdForHouse(keptBack, showtime: id, label: press, until: .released, by: "bench") {
                ledger.keptBack(hold.seats, showtime: id, at: hold.heldAt)
            }
        }
        let finish: @Sendable (Int) async -> Void = { id in
            let sales = ledger.finish(showtime: id)
            do {
                let check = try await auditor.check(id: id, sales: sales, faultsSeen: counters.errors.load(ordering: .relaxed) > 0)
                try await auditor.purge(ids: [id])
                audit.withLock { $0.problems += check.problems; $0.repaired += check.repaired; $0.checked += 1 }
            } catch {
                audit.withLock { $0.postponed[id] = sales }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<configuration.users {
                let user = VirtualUser(
                    name: "bench-user-\(index)", operations: services[index % services.count], pool: pool, picker: picker,
                    ledger: ledger, counters: counters, latencies: latencies, configuration: configuration, finish: finish, opening: opening)
                group.addTask {
                    var user = user
                    await user.run()
                }
            }
        }
        let totals = latencies.snapshot
        let elapsed = clock.now - started
        monitor.cancel()
        let rssEnd = Self.residentMegabytes()

        let summary = ledger.finish()
        let (finishedProblems, finishedCount, repairedDuringRun, postponed) = audit.withLock {
            ($0.problems, $0.checked, $0.repaired, $0.postponed)
        }
        let remaining = pool.unfinishedIDs + postponed.keys.sorted()
        var problems = summary.violations + finishedProblems
        var repaired = repairedDuringRun
        for id in remaining {
            let check = try await BenchPatience.settled {
                try await auditor.check(id: id, sales: postponed[id] ?? ledger.sales(showtime: id), faultsSeen: totals.errors > 0)
            }
            problems += check.problems
            repaired += check.repaired
        }
        try await BenchPatience.settled { try await auditor.purge(ids: http == nil ? remaining + [pool.probeID] : remaining) }

        let figures = Operation.allCases.compactMap { operation -> BenchReport.OperationFigures? in
            guard let histogram = totals.histograms[operation], histogram.totalCount > 0 else { return nil }
            let ms = { (percentile: Double) in Double(histogram.valueAtPercentile(percentile)) / 1_000_000 }
            let isRead = operation == .status
            let floor = isRead ? baseline.pingMicroseconds : baseline.setMicroseconds
            return BenchReport.OperationFigures(
                operation: operation.rawValue, count: Int(histogram.totalCount), p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99),
                p999Ms: ms(99.9), maxMs: Double(histogram.max) / 1_000_000, p50OverFloor: ms(50) * 1000 / floor,
                floor: isRead ? "PING" : "SET")
        }
        let locks = Int(totals.histograms[.lock]?.totalCount ?? 0)
        let invariants = BenchReport.Invariants(
            grants: summary.grants, bookings: summary.bookings, partyBookings: summary.partyBookings, houseSeatsKeptBack: summary.houseSeats,
            holdsLostWithRedis: summary.lostHolds, seatsRepairedAfterLostWrites: repaired,
            showtimesChecked: finishedCount + remaining.count,
            showtimesFinishedDuringRun: finishedCount, violations: problems)
        return BenchReport(
            ok: invariants.ok, target: http?.operations.base ?? "core", users: configuration.users,
            thinkMs: configuration.thinkTime.seconds * 1000, showtimes: pool.slots,
            connections: http != nil ? "pooled HTTP" : configuration.connections.map(String.init) ?? "own", appendfsync: appendfsync,
            durationSeconds: elapsed.seconds, operations: totals.operations,
            operationsPerSecond: Double(totals.operations) / max(elapsed.seconds, 0.001),
            conflictRate: locks == 0 ? 0 : Double(totals.conflicts) / Double(locks), refusals: totals.refusals,
            errors: totals.errors, lastError: totals.lastError, baseline: baseline, latencies: figures,
            memory: BenchReport.Memory(
                redisBytesPerHeldSeat: memoryProbe?.perSeat, lockKeyBytes: memoryProbe?.lockKey,
                processRssStartMb: rssStart, processRssEndMb: rssEnd, processRssMaxMb: rssMax.withLock { $0 }),
            invariants: invariants)
    }

    /// One client per user with its own connection, or a shared pool of `connections`.
    private func makeClients() -> [RedisClient] {
        if let connections = configuration.connections {
            return [RedisClient(url: url, timeouts: timeouts, connections: connections)]
        }
        return (0..<configuration.users).map { _ in RedisClient(url: url, timeouts: timeouts) }
    }

    /// Redis memory per held seat: `MEMORY USAGE` of every key that holding them takes
    /// (lock hashes, the index, the per-user entries), with users holding 10 seats each
    /// in a fresh showtime until it is nearly full.
    private func probeMemory(_ service: SeatLockingService, _ redis: RedisClient, pool: ShowtimePool) async throws -> (perSeat: Double, lockKey: Int) {
        let seats = pool.layout.seats.map(\.code)
        let id = pool.probeID
        let names = SeatKeys(showtime: id)
        var keys = [names.index]
        var held = 0
        for (index, start) in stride(from: 0, to: seats.count - 9, by: 10).enumerated() {
            let user = "bench-probe-\(index)"
            let grant = try await service.lock(Array(seats[start..<(start + 10)]), showtime: id, user: user)
            keys += grant.seats.map { names.lock($0.code) } + [names.holds(user)]
            held += grant.seats.count
        }
        var bytes: Int64 = 0
        for key in keys {
            bytes += try await redis.send("MEMORY", "USAGE", key, "SAMPLES", "0", routingKey: key).int ?? 0
        }
        let firstLock = names.lock(seats[0])
        let lockKey = try await redis.send("MEMORY", "USAGE", firstLock, routingKey: firstLock).int ?? 0
        return (Double(bytes) / Double(max(held, 1)), Int(lockKey))
    }

    static func residentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
