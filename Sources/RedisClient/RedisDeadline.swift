import CinebookSupport
import Synchronization

/// The time one operation may spend waiting for Redis, across all of its round trips,
/// retries and reconnects.
///
/// An operation sets it for its task with `within(_:_:)`; every command sent from that task,
/// or from a task it starts, spends from it the time from being queued to being answered,
/// and gives up when it is spent. A command whose operation has no time left is not sent
/// at all (`RedisConnectionError.Kind.outOfTime`); one in flight then is a `.timeout`.
/// Only waiting for Redis counts: not a commit in the database of record, nor the time a
/// busy process takes to get back to the operation. Without a deadline, each round trip
/// has the command timeout.
public final class RedisDeadline: Sendable {
    private let budget: Duration
    /// Nanoseconds spent waiting for Redis.
    private let spentNanoseconds = Atomic<Int64>(0)
    /// The deadline of the whole operation, when this one is for one step of it.
    private let whole: RedisDeadline?

    public init(budget: Duration) {
        self.budget = budget
        whole = nil
    }

    private init(budget: Duration, partOf whole: RedisDeadline?) {
        self.budget = budget
        self.whole = whole
    }

    /// The deadline of the operation this task works for, if it has one.
    @TaskLocal public static var current: RedisDeadline?

    /// Runs `operation` with `budget` to wait for Redis, unless this task has a deadline
    /// already: an operation that another one calls shares its caller's time.
    public static func within<Value, Failure: Error>(
        _ budget: Duration, _ operation: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        if current != nil { return try await operation() }
        let result: Result<Value, Failure> = await $current.withValue(RedisDeadline(budget: budget)) {
            do throws(Failure) { return .success(try await operation()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs `operation` with at most `budget` of this task's time: for a step that must
    /// leave the rest of an operation's time to the steps after it. What it waits counts
    /// for the whole operation too.
    public static func narrowed<Value>(to budget: Duration, _ operation: () async throws -> Value) async rethrows -> Value {
        let step = RedisDeadline(budget: min(budget, current?.remaining ?? budget), partOf: current)
        return try await $current.withValue(step, operation: operation)
    }

    /// Runs `operation` with no deadline: for work that serves every caller alike (reading a
    /// cluster's map), which one caller's deadline must not cut short.
    static func lifted<Value>(_ operation: () async throws -> Value) async rethrows -> Value {
        try await $current.withValue(nil, operation: operation)
    }

    /// The time left to wait, never negative.
    var remaining: Duration { max(.zero, budget - waited) }

    var hasPassed: Bool { remaining == .zero }

    /// How long the operation has waited for Redis so far, as its messages state it.
    var waited: Duration { .nanoseconds(spentNanoseconds.load(ordering: .relaxed)) }

    /// Counts `wait` as spent waiting for Redis.
    func spend(_ wait: Duration) {
        spentNanoseconds.add(max(0, wait.nanoseconds), ordering: .relaxed)
        whole?.spend(wait)
    }
}

extension Duration {
    /// A wait as the messages state it: `1.0 s`, `250 ms`.
    var spokenWait: String {
        guard milliseconds >= 1000 else { return "\(milliseconds) ms" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
