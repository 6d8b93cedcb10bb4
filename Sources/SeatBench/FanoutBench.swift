import CinebookModel
import CinebookSupport
import Foundation
import Histogram
import SeatAPIClient
import SeatLocking
import SeatRecords

/// How fast one seat change reaches every viewer of a showtime: `streams` event streams
/// held open on a running server, then `changes` changes (a seat locked, then released,
/// by a user of the bench), each timed from the moment it was asked for to its arrival on
/// every stream. `/health` round trips with the streams open are the floor of the same run.
public struct FanoutBench: Sendable {
    public struct Configuration: Sendable {
        public var streams: Int
        public var changes: Int
        public var showtime: Int
        /// The server's process, to read its memory before and with the streams (same machine).
        public var serverProcess: Int32?

        public init(streams: Int, changes: Int, showtime: Int, serverProcess: Int32?) {
            self.streams = streams
            self.changes = changes
            self.showtime = showtime
            self.serverProcess = serverProcess
        }
    }

    let configuration: Configuration
    let operations: SeatAPIClient
    let host: String
    let port: Int
    /// A token for each stream's viewer.
    let tokens: @Sendable (Int) async throws -> String

    public init(
        configuration: Configuration, operations: SeatAPIClient, host: String, port: Int,
        tokens: @escaping @Sendable (Int) async throws -> String
    ) {
        self.configuration = configuration
        self.operations = operations
        self.host = host
        self.port = port
        self.tokens = tokens
    }

    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> FanoutReport {
        let writer = "fanout-bench-writer"
        let status = try await operations.status(showtime: configuration.showtime, viewer: writer)
        guard let seat = status.seats.first(where: { $0.state == .available })?.seat.code else {
            throw SeatLockingError.invalidRequest("showtime \(configuration.showtime) has no free seat to change")
        }
        var viewers: [String] = []
        for index in 0..<configuration.streams { viewers.append(try await tokens(index)) }

        let memoryBefore = configuration.serverProcess.flatMap(ResidentMemory.of)
        let crowd = EventStreamCrowd(host: host, port: port, path: "/api/v1/showtimes/\(configuration.showtime)/seats/events")
        progress("opening \(configuration.streams) event streams")
        let opening = ContinuousClock.now
        let (opened, failed, reasons) = await crowd.open(tokens: viewers)
        let openTime = ContinuousClock.now - opening
        try? await Task.sleep(for: .seconds(2))
        let memoryWith = configuration.serverProcess.flatMap(ResidentMemory.of)

        var delivery = Latencies.histogram()
        var delivered = 0
        var changeErrors: [String] = []
        for round in 0..<configuration.changes {
            let locking = round % 2 == 0
            progress("change \(round + 1) of \(configuration.changes) to \(opened) streams")
            crowd.expect(.init(event: locking ? "locked" : "released", seat: seat))
            do {
                if locking {
                    _ = try await operations.lock([seat], showtime: configuration.showtime, user: writer, ttl: nil)
                } else {
                    _ = try await operations.unlock([seat], showtime: configuration.showtime, user: writer)
                }
            } catch {
                changeErrors.append(error.message)
            }
            let delays = await crowd.wait(timeout: .seconds(10))
            delivered += delays.count
            for delay in delays { delivery.record(UInt64(max(1, delay.nanoseconds))) }
        }
        if configuration.changes % 2 == 1 {
            _ = try? await operations.unlock([seat], showtime: configuration.showtime, user: writer)
        }

        progress("timing /health with the streams open")
        var health = Latencies.histogram()
        for _ in 0..<200 {
            let start = ContinuousClock.now
            try await operations.checkHealth()
            health.record(UInt64(max(1, (ContinuousClock.now - start).nanoseconds)))
        }
        await crowd.close()
        return FanoutReport(
            streams: configuration.streams, opened: opened, failed: failed, failures: reasons,
            openSeconds: openTime.seconds, changes: configuration.changes, changeErrors: changeErrors,
            deliveries: delivered, expectedDeliveries: opened * configuration.changes,
            delivery: LatencySummary(delivery), health: LatencySummary(health),
            serverMemoryBefore: memoryBefore, serverMemoryWithStreams: memoryWith)
    }
}

/// p50, p99 and the largest of a latency histogram, in milliseconds.
public struct LatencySummary: Sendable, Encodable {
    public let p50Ms: Double
    public let p99Ms: Double
    public let maxMs: Double

    init(_ histogram: Histogram<UInt64>) {
        p50Ms = Double(histogram.valueAtPercentile(50)) / 1e6
        p99Ms = Double(histogram.valueAtPercentile(99)) / 1e6
        maxMs = Double(histogram.max) / 1e6
    }
}

public struct FanoutReport: Sendable, Encodable {
    public let streams: Int
    public let opened: Int
    public let failed: Int
    public let failures: [String]
    public let openSeconds: Double
    public let changes: Int
    public let changeErrors: [String]
    public let deliveries: Int
    public let expectedDeliveries: Int
    public let delivery: LatencySummary
    public let health: LatencySummary
    /// The server's resident memory in bytes, before the streams and with them idle.
    public let serverMemoryBefore: Int?
    public let serverMemoryWithStreams: Int?

    /// Every stream opened and got every change, and every change was made.
    public var ok: Bool { failed == 0 && changeErrors.isEmpty && deliveries == expectedDeliveries }

    public var bytesPerStream: Int? {
        guard let before = serverMemoryBefore, let with = serverMemoryWithStreams, opened > 0 else { return nil }
        return (with - before) / opened
    }

    public var text: String {
        var lines = [
            "Event streams: \(opened) of \(streams) open in \(String(format: "%.1f", openSeconds)) s"
                + (failed > 0 ? "; \(failed) failed (\(failures.joined(separator: "; ")))" : ""),
        ]
        if let before = serverMemoryBefore, let with = serverMemoryWithStreams, let each = bytesPerStream {
            lines.append(String(
                format: "Server memory: %.1f MB before, %.1f MB with the streams idle: %.1f KB per stream",
                Double(before) / 1_048_576, Double(with) / 1_048_576, Double(each) / 1024))
        }
        lines.append("Changes: \(changes), delivered \(deliveries) of \(expectedDeliveries)"
            + (changeErrors.isEmpty ? "" : "; \(changeErrors.count) failed (\(changeErrors[0]))"))
        lines.append(String(
            format: "Delivery, from asking for the change to its arrival on each stream: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
            delivery.p50Ms, delivery.p99Ms, delivery.maxMs))
        lines.append(String(
            format: "Floor, GET /health with the streams open: p50 %.2f ms, p99 %.2f ms", health.p50Ms, health.p99Ms))
        lines.append(ok ? "OK" : "NOT OK: some streams failed or missed changes")
        return lines.joined(separator: "\n")
    }
}

/// A process's resident memory (VmRSS), read from /proc; nil where there is none.
enum ResidentMemory {
    static func of(_ process: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
