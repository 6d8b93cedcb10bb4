import CinebookModel

extension SeatLockingService {
    /// One cleanup pass over every showtime, under the cleanup lock (`SweepLock`): expired
    /// locks swept, Redis reconciled with the database (what differs repaired), the hold
    /// history archived. The server's passes (`SweepService`) and `cinebook sweep` both run
    /// this pass; they only schedule it. Each step is counted in the metrics.
    package func cleanupPass(_ lock: SweepLock = SweepLock()) async throws(SweepLock.Refusal) -> CleanupReport {
        let started = ContinuousClock.now
        do {
            return try await underSweepLock(lock) {
                // House holds whose end has come go back to sale first, then the locks are swept.
                let sweep = await cleanupStep(.sweep) { () async throws(SeatLockingError) in
                    _ = try await self.releaseEndedHouseHolds()
                    return try await self.sweep()
                }
                let reconcile = await cleanupStep(.reconcile) { () async throws(SeatLockingError) in try await self.reconcile(repair: true) }
                let archive = await cleanupStep(.archive) { () async throws(SeatLockingError) in try await archiveHistory() }
                return CleanupReport(sweep: sweep, reconcile: reconcile, archive: archive)
            }
        } catch {
            if case .unavailable = error { metrics.job(.sweep, took: ContinuousClock.now - started, succeeded: false) }
            throw error
        }
    }

    private func cleanupStep<Value: Sendable>(
        _ job: SeatMetrics.Job, _ work: () async throws(SeatLockingError) -> Value
    ) async -> CleanupReport.Step<Value> {
        let started = ContinuousClock.now
        let outcome: Result<Value, SeatLockingError>
        do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
        let took = ContinuousClock.now - started
        metrics.job(job, took: took, succeeded: (try? outcome.get()) != nil)
        return CleanupReport.Step(outcome: outcome, took: took)
    }
}
