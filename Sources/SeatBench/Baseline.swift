import CinebookSupport
import Histogram
import RedisClient

/// The raw cost of a Redis round trip, measured in the same run as the load: a bare
/// PING (the floor of a read), a trivial script (the floor of any script call) and a bare
/// SET (the floor of a durable write under `appendfsync always`).
public struct Baseline: Sendable, Hashable, Codable {
    public let pingMicroseconds: Double
    public let scriptMicroseconds: Double
    public let setMicroseconds: Double
    /// The 99th percentile of the bare SET: under `appendfsync always` it is the disk's
    /// fsync tail, below which no durable write's p99 can go.
    public let setP99Microseconds: Double

    static let trivialScript = RedisScript(name: "trivial", source: "return 1")

    static func measure(_ redis: RedisClient, samples: Int = BenchConfiguration.defaultFloorSamples) async throws -> Baseline {
        let key = "bench_floor:{\(Int.random(in: 0..<1_000_000))}"
        let ping = try await timed(samples) { try await redis.send("PING") }
        let script = try await timed(samples) { _ = try await redis.evaluate(trivialScript, keys: [key], arguments: []) }
        let set = try await timed(samples) { try await redis.send("SET", key, "1", routingKey: key) }
        try await redis.send("DEL", key, routingKey: key)
        return Baseline(
            pingMicroseconds: microseconds(ping, 50), scriptMicroseconds: microseconds(script, 50),
            setMicroseconds: microseconds(set, 50), setP99Microseconds: microseconds(set, 99))
    }

    private static func microseconds(_ histogram: Histogram<UInt64>, _ percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The latencies of `samples` calls in nanoseconds, after a warm-up of a tenth as many.
    private static func timed(_ samples: Int, _ call: () async throws -> Void) async throws -> Histogram<UInt64> {
        for _ in 0..<(samples / 10) { try await call() }
        var histogram = Latencies.histogram()
        let clock = ContinuousClock()
        for _ in 0..<samples {
            let start = clock.now
            try await call()
            let elapsed = clock.now - start
            histogram.record(UInt64(max(1, elapsed.nanoseconds)))
        }
        return histogram
    }
}
