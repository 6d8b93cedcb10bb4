/// Waiting out something that is briefly away: a step is tried again, after a pause, for
/// as long as its failure is one that `passes` and `patience` lasts. The bench opens on a
/// Redis that is starting this way, and takes its steps outside the load this way.
public enum Patience {
    public static func retrying<T, Failure: Error>(
        for patience: Duration, every pause: Duration, while passes: (Failure) -> Bool, _ step: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        let deadline = ContinuousClock.now + patience
        while true {
            do throws(Failure) {
                return try await step()
            } catch {
                guard passes(error), ContinuousClock.now < deadline, !Task.isCancelled else { throw error }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
