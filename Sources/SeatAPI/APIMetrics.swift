import CinebookModel
import CinebookSupport
import CoreMetrics
import Prometheus
import SeatLocking
import Synchronization

/// The server's metrics, served at `/metrics` in Prometheus text format: the core's
/// (`SeatMetrics`, through this factory) and the API's own:
///
/// - `cinebook_http_requests_total{method, route, status}` and
///   `cinebook_http_request_duration_seconds{method, route}`, per route pattern (such as
///   `/api/v1/showtimes/{id}/seats/lock`), so paths with ids do not make new series;
/// - `cinebook_event_streams_open`: SSE clients connected now;
/// - `cinebook_rate_limited_total`: requests refused with 429 by the rate limit.
///
/// Each server has a registry of its own, so servers in one process (the tests) do not mix.
public final class APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// For the core's metrics of this server.
    public let factory: PrometheusMetricsFactory
    let streamsOpen: CoreMetrics.Gauge
    let rateLimited: CoreMetrics.Counter
    private let requests = Mutex<[String: (count: CoreMetrics.Counter, duration: CoreMetrics.Timer)]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        for label in [SeatMetrics.scriptTimer, SeatMetrics.databaseTimer, Self.requestTimer] {
            factory.durationHistogramBuckets[label] = SeatMetrics.roundTripBuckets
        }
        self.factory = factory
        streamsOpen = CoreMetrics.Gauge(label: "cinebook_event_streams_open", factory: factory)
        rateLimited = CoreMetrics.Counter(label: "cinebook_rate_limited_total", factory: factory)
        streamsOpen.record(0)
    }

    static let requestTimer = "cinebook_http_request_duration_seconds"

    /// One answered request of `route` (the matched pattern).
    func request(method: String, route: String, status: Int, took duration: Duration) {
        let key = "\(method) \(route) \(status)"
        let metrics = requests.withLock { requests in
            if let found = requests[key] { return found }
            let made = (
                count: CoreMetrics.Counter(
                    label: "cinebook_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))],
                    factory: factory),
                duration: CoreMetrics.Timer(label: Self.requestTimer, dimensions: [("method", method), ("route", route)], factory: factory))
            requests[key] = made
            return made
        }
        metrics.count.increment()
        metrics.duration.recordNanoseconds(duration.nanoseconds)
    }

    /// The text a scrape gets.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
