import Foundation
import Synchronization

/// Runs one `RedisConnection` on a thread of its own, so blocking hiredis calls never
/// occupy Swift's cooperative thread pool. Commands queued while a round trip is under
/// way are sent together in the next one (automatic pipelining).
///
/// After each round trip the thread watches the queue for a moment before it sleeps: a
/// caller that sends its next command as soon as an answer comes finds the thread awake,
/// and waking a sleeping thread costs more than a round trip to a local Redis.
final class ConnectionWorker: @unchecked Sendable {
    /// Commands that go out back to back on the connection (`ASKING` and its command),
    /// answered together.
    private struct Job {
        let commands: [RedisCommand]
        let continuation: CheckedContinuation<[RedisReply], any Error>
        /// The operation's time, which the wait for these replies is spent from.
        let deadline: RedisDeadline?
        let queuedAt: ContinuousClock.Instant
        /// When the operation stops waiting for them.
        let end: ContinuousClock.Instant?

        init(commands: [RedisCommand], continuation: CheckedContinuation<[RedisReply], any Error>, deadline: RedisDeadline?) {
            self.commands = commands
            self.continuation = continuation
            self.deadline = deadline
            let now = ContinuousClock.now
            queuedAt = now
            end = deadline.map { now + $0.remaining }
        }

        var hasRunOutOfTime: Bool { end.map { ContinuousClock.now >= $0 } ?? false }

        func answer(_ replies: [RedisReply]) {
            deadline?.spend(.now - queuedAt)
            continuation.resume(returning: replies)
        }

        /// Answers with `error`; a timeout states how long the operation waited in all.
        func fail(_ error: any Error) {
            guard let deadline else { return continuation.resume(throwing: error) }
            deadline.spend(.now - queuedAt)
            guard let error = error as? RedisConnectionError else { return continuation.resume(throwing: error) }
            continuation.resume(throwing: error.waited(deadline.waited))
        }
    }

    private static let maximumBatch = 256
    /// How long the thread watches for the next command before it sleeps. It yields the
    /// core meanwhile, so a busy machine loses nothing to the watching.
    private static let watch = Duration.microseconds(50)

    private let condition = NSCondition()
    private var queue: [Job] = []
    /// `queue.count`, readable without the lock while the thread watches.
    private let queued = Atomic<Int>(0)
    private var isStopped = false
    private let connection: RedisConnection
    private let endpoint: String

    init(url: RedisURL, timeouts: RedisTimeouts, name: String) {
        connection = RedisConnection(url: url, timeouts: timeouts)
        endpoint = url.description
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Queues a command and suspends (without blocking a thread) until its reply arrives.
    func submit(_ command: RedisCommand) async throws -> RedisReply {
        try await submit([command])[0]
    }

    /// Queues commands that must follow each other on the connection, and returns their replies.
    /// A command of an operation whose deadline has passed is not sent (`.outOfTime`).
    func submit(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        let deadline = RedisDeadline.current
        if let deadline, deadline.hasPassed { throw outOfTime(deadline) }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !isStopped else {
                continuation.resume(throwing: RedisConnectionError(kind: .closed, endpoint: endpoint, detail: ""))
                return
            }
            queue.append(Job(commands: commands, continuation: continuation, deadline: deadline))
            queued.add(1, ordering: .releasing)
            condition.signal()
        }
    }

    /// Commands waiting to be sent; used to pick the least busy connection of a pool.
    var queuedCount: Int { queued.load(ordering: .relaxed) }

    /// Finishes the queued commands, then closes the connection and ends the thread.
    func stop() {
        condition.lock()
        isStopped = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while let batch = nextBatch() {
            process(batch)
        }
        connection.disconnect()
    }

    private func nextBatch() -> [Job]? {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.watch
        while queued.load(ordering: .acquiring) == 0 && clock.now < deadline { sched_yield() }
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !isStopped { condition.wait() }
        if queue.isEmpty { return nil }
        let count = min(queue.count, Self.maximumBatch)
        let batch = Array(queue.prefix(count))
        queue.removeFirst(count)
        queued.subtract(count, ordering: .relaxed)
        return batch
    }

    /// Sends the jobs whose operations still wait, and waits for their replies no longer
    /// than the first of them may.
    private func process(_ batch: [Job]) {
        var waiting: [Job] = []
        for job in batch {
            if let deadline = job.deadline, job.hasRunOutOfTime {
                job.fail(outOfTime(deadline))
            } else {
                waiting.append(job)
            }
        }
        guard !waiting.isEmpty else { return }
        let end = waiting.compactMap(\.end).min()
        do {
            try connection.ensureConnected(until: end)
            connection.waitForReplies(until: end)
            var replies = try connection.execute(waiting.flatMap(\.commands))[...]
            for job in waiting {
                job.answer(Array(replies.prefix(job.commands.count)))
                replies = replies.dropFirst(job.commands.count)
            }
        } catch {
            for job in waiting { job.fail(error) }
        }
    }

    private func outOfTime(_ deadline: RedisDeadline) -> RedisConnectionError {
        RedisConnectionError(kind: .outOfTime, endpoint: endpoint, detail: deadline.waited.spokenWait)
    }
}
