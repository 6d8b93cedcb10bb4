/// `{"ok": true, "status": "ok", "redis": {"reachable": true, "rtt_ms": 0.12}}`, or with
/// `"ok": false` the error fields every failure has.
struct HealthReport: Encodable, Sendable {
    struct Redis: Encodable, Sendable {
        let reachable: Bool
        let rtt_ms: Double?
    }

    let ok: Bool
    let status: String
    let redis: Redis
    let error: String?
    let message: String?

    init(roundTrip: Duration) {
        ok = true
        status = "ok"
        let (seconds, attoseconds) = roundTrip.components
        redis = Redis(reachable: true, rtt_ms: ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000)
        error = nil
        message = nil
    }

    init(failure: any Error) {
        ok = false
        status = "unavailable"
        redis = Redis(reachable: false, rtt_ms: nil)
        error = "redis_unavailable"
        message = "Redis is unavailable: \(failure)."
    }
}
