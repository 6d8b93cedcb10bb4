import CinebookModel
import SeatLocking

/// `{"ok": true, "status": "ok", "redis": {"reachable": true, "rtt_ms": 0.12,
/// "used_memory_bytes": ..., "maxmemory_bytes": ..., "memory_used_share": ...,
/// "cluster_state": "ok"}, "jobs": {"sweep": {...}, "reconcile": {...}, "archive": {...}}}`: "degraded" when
/// Redis is above 90 % of its memory limit, a cluster is not ok, or a periodic pass failed
/// or is overdue; with `"ok": false` the error fields every failure has.
struct HealthReport: Encodable, Sendable {
    struct Redis: Encodable, Sendable {
        let reachable: Bool
        let rttMs: Double?
        let usedMemoryBytes: Int64?
        let maxmemoryBytes: Int64?
        let memoryUsedShare: Double?
        /// Only on a Redis Cluster: `ok`, or `fail` while a shard has no primary.
        let clusterState: String?
    }

    let ok: Bool
    let status: String
    let redis: Redis
    let jobs: [String: MaintenanceLog.Job]?
    let error: String?
    let message: String?

    init(roundTrip: Duration, memory: RedisMemory?, clusterState: String?, jobs: [String: MaintenanceLog.Job]) {
        ok = true
        let clusterFailing = clusterState.map { $0 != "ok" } ?? false
        let troubled = jobs.filter { !$0.value.isHealthy }.keys.sorted()
        let degraded = memory?.isNearlyFull == true || clusterFailing || !troubled.isEmpty
        status = degraded ? "degraded" : "ok"
        let (seconds, attoseconds) = roundTrip.components
        redis = Redis(
            reachable: true, rttMs: ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000,
            usedMemoryBytes: memory?.usedBytes, maxmemoryBytes: memory?.maximumBytes,
            memoryUsedShare: memory?.usedShare.map { ($0 * 1000).rounded() / 1000 }, clusterState: clusterState)
        self.jobs = jobs
        error = nil
        message = if memory?.isNearlyFull == true {
            "Redis uses more than 90 % of its maxmemory; when it is full, holds and bookings are refused."
        } else if clusterFailing {
            "The Redis Cluster is not ok: the showtimes of a shard without a primary answer redis_unavailable until a replica takes over."
        } else if !troubled.isEmpty {
            troubled.map { "The \($0) job is \(jobs[$0]!.status)" }.joined(separator: "; ") + "."
        } else {
            nil
        }
    }

    /// What anyone may know: ok, degraded or unavailable, and nothing of what is behind.
    struct Summary: Encodable, Sendable {
        let ok: Bool
        let status: String
        let error: String?
    }

    var summary: Summary { Summary(ok: ok, status: status, error: error) }

    /// Redis did not answer, for `reason`.
    init(failure reason: String) {
        ok = false
        status = "unavailable"
        redis = Redis(reachable: false, rttMs: nil, usedMemoryBytes: nil, maxmemoryBytes: nil, memoryUsedShare: nil, clusterState: nil)
        jobs = nil
        error = "redis_unavailable"
        message = "Redis is unavailable: \(reason)."
    }
}
