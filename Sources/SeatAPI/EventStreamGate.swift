import CoreMetrics
import Synchronization

/// Caps the event streams open at once: each holds a socket (a file descriptor) and a
/// little memory; the Redis subscription behind them is one per showtime.
final class EventStreamGate: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)
    /// Shows how many are open.
    private let gauge: CoreMetrics.Gauge?

    init(limit: Int, gauge: CoreMetrics.Gauge? = nil) {
        self.limit = limit
        self.gauge = gauge
    }

    /// A pass for one more stream, or nil when `limit` are open. The stream stays
    /// counted until the pass is released.
    func enter() -> Pass? {
        let count = open.add(1, ordering: .relaxed).newValue
        guard count <= limit else {
            open.subtract(1, ordering: .relaxed)
            return nil
        }
        gauge?.record(count)
        return Pass(gate: self)
    }

    var openCount: Int { open.load(ordering: .relaxed) }

    /// Holds one place while it lives.
    final class Pass: Sendable {
        private let gate: EventStreamGate
        init(gate: EventStreamGate) { self.gate = gate }
        deinit { gate.gauge?.record(gate.open.subtract(1, ordering: .relaxed).newValue) }
    }
}
