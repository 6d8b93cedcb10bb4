import CinebookModel
import CinebookSupport
import Foundation
import Logging
import SeatLocking
import ServiceLifecycle

/// The cleanup job as a service of the server's lifecycle: sweeps expired locks,
/// reconciles Redis with the database of record (repairing what differs), and moves the
/// hold history into the database, at start and then every `interval`, until the server
/// shuts down. The cleanup lock (`SweepLock`) keeps several processes from running a pass
/// at the same moment.
public struct SweepService: Service, CustomStringConvertible {
    /// What one pass did.
    public enum Outcome: Sendable, Hashable {
        case swept(SweepReport)
        /// Another process held the sweep lock.
        case skipped
        case failed(String)

        var succeeded: Bool {
            if case .failed = self { return false }
            return true
        }
    }

    let service: SeatLockingService
    let interval: Duration
    let lock: SweepLock
    let maintenance: MaintenanceLog
    let logger: Logger
    /// Returns when the first pass may run (the server listens).
    let startAfter: @Sendable () async -> Void

    public init(
        service: SeatLockingService,
        interval: Duration,
        lockKey: String? = nil,
        maintenance: MaintenanceLog = MaintenanceLog(),
        logger: Logger = Logger(label: "cinebook.sweep"),
        startAfter: @escaping @Sendable () async -> Void = {}
    ) {
        self.startAfter = startAfter
        self.maintenance = maintenance
        self.service = service
        self.interval = interval
        lock = SweepLock(key: lockKey ?? ServerKeys.sweepLock)
        self.logger = logger
    }

    public var description: String { "SweepService(every: \(interval))" }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [startAfter] in await startAfter() }
        guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
        logger.info("sweeping expired locks every \(interval.components.seconds) s")
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = await sweepOnce()
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }

    /// One pass: take the lock, sweep, release the lock.
    public func sweepOnce() async -> Outcome {
        let started = ContinuousClock.now
        let outcome = await sweepUnderLock()
        let took = ContinuousClock.now - started
        switch outcome {
        case let .swept(report):
            maintenance.record(.sweep, took: took, expired: report.total)
        case .skipped:
            // Another server holds the lock and runs every pass.
            for job in SeatMetrics.Job.allCases { maintenance.record(job, took: took, skipped: true) }
        case let .failed(reason):
            maintenance.record(.sweep, took: took, failure: reason)
        }
        if case .skipped = outcome {} else { service.metrics.job(.sweep, took: took, succeeded: outcome.succeeded) }
        return outcome
    }

    private func sweepUnderLock() async -> Outcome {
        do throws(SweepLock.Refusal) {
            return try await service.underSweepLock(lock) {
                let outcome: Outcome
                do throws(SeatLockingError) {
                    let report = try await service.sweep()
                    logger.info(
                        "swept \(report.total) expired lock\(report.total == 1 ? "" : "s") in \(service.catalog.showtimes.count) showtimes",
                        metadata: report.expired.isEmpty ? [:] : ["expired": "\(report.expired.sorted { $0.key < $1.key })"])
                    outcome = .swept(report)
                } catch {
                    logger.warning("sweep failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
                    outcome = .failed(error.message)
                }
                await reconcile()
                await archive()
                return outcome
            }
        } catch {
            switch error {
            case .heldElsewhere:
                logger.debug("sweep skipped: another process is sweeping")
                return .skipped
            case let .unavailable(reason):
                logger.warning("sweep skipped: cannot take the sweep lock", metadata: ["error": "\(reason)"])
                return .failed(reason)
            }
        }
    }

    /// Makes Redis agree with the database for every showtime; the result goes to `/health`
    /// and the metrics.
    private func reconcile() async {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let reports = try await service.reconcile(repair: true)
            maintenance.record(
                .reconcile, took: clock.now - start, showtimes: reports.count, repaired: reports.filter(\.repaired).count)
            service.metrics.job(.reconcile, took: clock.now - start, succeeded: true)
            let repaired = reports.filter(\.repaired)
            if repaired.isEmpty {
                logger.info("reconciled \(reports.count) showtimes: Redis agrees with the database")
            } else {
                logger.notice("reconciled \(repaired.count) showtime(s) with the database", metadata: ["showtimes": "\(repaired.map(\.showtimeID))"])
            }
        } catch {
            maintenance.record(.reconcile, took: clock.now - start, failure: error.message)
            service.metrics.job(.reconcile, took: clock.now - start, succeeded: false)
            logger.warning("reconciliation failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
        }
    }

    /// Moves the hold history into the database of record.
    private func archive() async {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let report = try await service.archiveHistory()
            maintenance.record(.archive, took: clock.now - start, archived: report.total)
            service.metrics.job(.archive, took: clock.now - start, succeeded: true)
            logger.info("archived \(report.total) hold history entr\(report.total == 1 ? "y" : "ies") into the database")
        } catch {
            maintenance.record(.archive, took: clock.now - start, failure: error.message)
            service.metrics.job(.archive, took: clock.now - start, succeeded: false)
            logger.warning("archiving the hold history failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
        }
    }
}
