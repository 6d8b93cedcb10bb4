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
        let rtt_ms: Double?
        let used_memory_bytes: Int64?
        let maxmemory_bytes: Int64?
        let memory_used_share: Double?
        /// Only on a Redis Cluster: `ok`, or `fail` while a shard has no primary.
        let cluster_state: String?
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
            reachable: true, rtt_ms: ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000,
            used_memory_bytes: memory?.usedBytes, maxmemory_bytes: memory?.maximumBytes,
            memory_used_share: memory?.usedShare.map { ($0 * 1000).rounded() / 1000 }, cluster_state: clusterState)
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
        redis = Redis(reachable: false, rtt_ms: nil, used_memory_bytes: nil, maxmemory_bytes: nil, memory_used_share: nil, cluster_state: nil)
        jobs = nil
        error = "redis_unavailable"
        message = "Redis is unavailable: \(reason)."
    }
}
