import CinebookSupport
import Foundation
import Synchronization
import Testing

/// A wait that a signal interrupts goes on waiting for the time it has left, instead of
/// taking the interruption for a timeout (which made a Redis reply look late).
@Suite("POSIX calls and signals")
struct PosixTests {
    @Test func aPollInterruptedByASignalGoesOnWaiting() throws {
        // A handler (poll is never restarted after one), which counts the signals it takes.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsTaken.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGUSR1, &action, &previous)
        defer { sigaction(SIGUSR1, &previous, nil) }

        let (readEnd, writeEnd) = try Posix.pipe()
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let waiter = Mutex<(thread: pthread_t, id: pid_t)?>(nil)
        let answer = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Threads may start with signals blocked: this one takes SIGUSR1.
            var usr1 = sigset_t()
            sigemptyset(&usr1)
            sigaddset(&usr1, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &usr1, nil)
            waiter.withLock { $0 = (pthread_self(), Self.threadID()) }
            var descriptors = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
            answer.withLock { $0 = try? Posix.poll(&descriptors, timeout: .seconds(10)) }
            done.signal()
        }
        // Interrupt the thread a few times, each time while it waits in poll (the only call
        // in which it sleeps), then make the pipe readable.
        let thread = try #require(Self.awaitValue { waiter.withLock { $0 } }, "the waiting thread starts")
        let before = signalsTaken.load(ordering: .relaxed)
        for interruption in 1...5 {
            #expect(Self.awaitValue { Self.isSleeping(thread.id) ? true : nil } == true, "the thread waits in poll")
            pthread_kill(thread.thread, SIGUSR1)
            let taken = Self.awaitValue { signalsTaken.load(ordering: .relaxed) - before >= interruption ? true : nil }
            #expect(taken == true, "the thread took signal \(interruption) while it waited")
        }
        var byte: UInt8 = 1
        #expect(write(writeEnd, &byte, 1) == 1)
        #expect(done.wait(timeout: .now() + 10) == .success, "the wait ends")
        #expect(answer.withLock { $0 } == 1, "the pipe was found readable, not a timeout or a failure")
    }

    /// The calling thread's id, as `/proc/thread-self` names it (`<pid>/task/<tid>`).
    private static func threadID() -> pid_t {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        return pid_t(path.split(separator: "/").last ?? "") ?? 0
    }

    /// Whether thread `id` of this process sleeps in a call (state `S` in its `stat`).
    private static func isSleeping(_ id: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(id)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: end)...].split(separator: " ").first == "S"
    }

    /// Asks `value` until it gives one, for 10 s at most: this test awaits states of a
    /// thread of its own, outside Swift's tasks.
    private static func awaitValue<Value>(_ value: () -> Value?) -> Value? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let found = value() { return found }
            sched_yield()
        }
        return nil
    }

    @Test func aFailedCallNamesItselfAndItsError() {
        let error = #expect(throws: Posix.Failure.self) { try Posix.call("close") { close(-1) } }
        #expect(error?.code == EBADF)
        #expect(error?.description == "close: Bad file descriptor")
    }
}

/// Signals the test's handler has taken.
private let signalsTaken = Atomic<Int>(0)
