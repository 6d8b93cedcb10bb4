import Synchronization

/// Runs `work`, but answers by `timeout` at the latest: a database that hangs must not
/// hang the user. When time runs out, `work` is cancelled and `DeadlinePassed` thrown.
func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let worker = Task {
                do { race.finish(.success(try await work())) } catch { race.finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if race.finish(.failure(DeadlinePassed())) { worker.cancel() }
            }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

struct DeadlinePassed: Error {}

/// Whichever of the work, the timer and cancellation finishes first resumes the caller.
private final class Race<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    /// True when this result was the first.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        guard let continuation = continuation.withLock({ current in defer { current = nil }; return current }) else { return false }
        continuation.resume(with: result)
        return true
    }
}
