import CinebookSupport
import Foundation

/// Polls `condition` until it holds or `timeout` has passed; returns whether it held.
/// Tests await a state this way instead of sleeping for a guessed time.
public func eventually(
    timeout: Duration = .seconds(5),
    every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return true }
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// Runs blocking work (starting or killing a server, waiting for a process) on a thread
/// of its own, so that it never holds one of Swift's few task threads that the other
/// tests of the run are waiting for.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// How long a call to a hung or stopped Redis may take before the test calls it a hang.
/// The tests give the client a 0.5 s timeout and the product promises an answer within a
/// second or two; the bound leaves room for a loaded two-core machine running the other
/// tests at the same time, so it tells an answer from a hang without timing anything.
public let answerNotHang = Duration.seconds(5)
