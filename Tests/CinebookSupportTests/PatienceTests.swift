import CinebookSupport
import Synchronization
import Testing

/// A step tried again while its failure passes, until it works or patience runs out.
@Suite struct PatienceTests {
    enum Failure: Error, Equatable {
        case away(Int)
        case broken
    }

    @Test func aPassingFailureIsTriedAgainUntilTheStepWorks() async throws {
        let tries = Mutex(0)
        let answer = try await Patience.retrying(for: .seconds(30), every: .milliseconds(1), while: { _ in true }) { () throws(Failure) -> String in
            let attempt = tries.withLock { $0 += 1; return $0 }
            guard attempt == 3 else { throw .away(attempt) }
            return "here"
        }
        #expect(answer == "here")
        #expect(tries.withLock { $0 } == 3)
    }

    @Test func aFailureThatDoesNotPassEndsItAtOnce() async {
        let tries = Mutex(0)
        let error = await #expect(throws: Failure.self) {
            try await Patience.retrying(for: .seconds(30), every: .milliseconds(1), while: { $0 != .broken }) { () throws(Failure) in
                tries.withLock { $0 += 1 }
                throw .broken
            }
        }
        #expect(error == .broken)
        #expect(tries.withLock { $0 } == 1)
    }

    @Test func withNoPatienceLeftTheLastFailureIsThrown() async {
        let tries = Mutex(0)
        let error = await #expect(throws: Failure.self) {
            try await Patience.retrying(for: .zero, every: .milliseconds(1), while: { _ in true }) { () throws(Failure) in
                let attempt = tries.withLock { $0 += 1; return $0 }
                throw .away(attempt)
            }
        }
        #expect(error == .away(1))
    }
}
