import CinebookModel
import CinebookSupport
import Foundation
import Logging
import SeatLocking
import ServiceLifecycle

/// The cleanup job as a service of the server's lifecycle: the core's cleanup pass (sweep,
/// reconcile, archive, under the cleanup lock), at start and then every `interval`, until
/// the server shuts down; each pass is logged and kept for `/health`.
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

    /// One pass (`SeatLockingService.cleanupPass`), logged, and recorded for `/health`.
    public func sweepOnce() async -> Outcome {
        let started = ContinuousClock.now
        let report: CleanupReport
        do throws(SweepLock.Refusal) {
            report = try await service.cleanupPass(lock)
        } catch {
            let took = ContinuousClock.now - started
            switch error {
            case .heldElsewhere:
                // Another server holds the lock and runs every pass.
                logger.debug("sweep skipped: another process is sweeping")
                for job in SeatMetrics.Job.allCases { maintenance.record(job, took: took, skipped: true) }
                return .skipped
            case let .unavailable(reason):
                logger.warning("sweep skipped: cannot take the sweep lock", metadata: ["error": "\(reason)"])
                maintenance.record(.sweep, took: took, failure: reason)
                return .failed(reason)
            }
        }
        recordSweep(report.sweep)
        recordReconciliation(report.reconcile)
        recordArchive(report.archive)
        switch report.sweep.outcome {
        case let .success(swept): return .swept(swept)
        case let .failure(error): return .failed(error.message)
        }
    }

    private func recordSweep(_ step: CleanupReport.Step<SweepReport>) {
        switch step.outcome {
        case let .success(report):
            maintenance.record(.sweep, took: step.took, expired: report.total)
            logger.info(
                "swept \(report.total) expired lock\(report.total == 1 ? "" : "s") in \(service.catalog.showtimes.count) showtimes",
                metadata: report.expired.isEmpty ? [:] : ["expired": "\(report.expired.sorted { $0.key < $1.key })"])
        case let .failure(error):
            maintenance.record(.sweep, took: step.took, failure: error.message)
            logger.warning("sweep failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
        }
    }

    private func recordReconciliation(_ step: CleanupReport.Step<[ReconcileReport]>) {
        switch step.outcome {
        case let .success(reports):
            let repaired = reports.filter(\.repaired)
            maintenance.record(.reconcile, took: step.took, showtimes: reports.count, repaired: repaired.count)
            if repaired.isEmpty {
                logger.info("reconciled \(reports.count) showtimes: Redis agrees with the database")
            } else {
                logger.notice("reconciled \(repaired.count) showtime(s) with the database", metadata: ["showtimes": "\(repaired.map(\.showtimeID))"])
            }
        case let .failure(error):
            maintenance.record(.reconcile, took: step.took, failure: error.message)
            logger.warning("reconciliation failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
        }
    }

    private func recordArchive(_ step: CleanupReport.Step<ArchiveReport>) {
        switch step.outcome {
        case let .success(report):
            maintenance.record(.archive, took: step.took, archived: report.total)
            logger.info("archived \(report.total) hold history entr\(report.total == 1 ? "y" : "ies") into the database")
        case let .failure(error):
            maintenance.record(.archive, took: step.took, failure: error.message)
            logger.warning("archiving the hold history failed; next try in \(interval.components.seconds) s", metadata: ["error": "\(error)"])
        }
    }
}
