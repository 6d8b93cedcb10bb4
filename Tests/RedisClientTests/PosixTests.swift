import CinebookSupport
import Foundation
import Synchronization
import Testing

/// A wait that a signal interrupts goes on waiting for the time it has left, instead of
/// taking the interruption for a timeout (which made a Redis reply look late).
@Suite("POSIX calls and signals")
struct PosixTests {
    @Test func aPollInterruptedByASignalGoesOnWaiting() throws {
        // A handler without SA_RESTART, so that the signal interrupts poll with EINTR.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
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
        let waiter = Mutex<pthread_t?>(nil)
        let answer = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Threads may start with signals blocked: this one takes SIGUSR1.
            var usr1 = sigset_t()
            sigemptyset(&usr1)
            sigaddset(&usr1, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &usr1, nil)
            waiter.withLock { $0 = pthread_self() }
            var descriptors = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
            answer.withLock { $0 = try? Posix.poll(&descriptors, timeout: .seconds(10)) }
            done.signal()
        }
        // Interrupt the waiting thread a few times, then make the pipe readable.
        while waiter.withLock({ $0 }) == nil { usleep(1000) }
        let thread = waiter.withLock { $0! }
        for _ in 0..<5 {
            usleep(20_000)
            pthread_kill(thread, SIGUSR1)
        }
        var byte: UInt8 = 1
        #expect(write(writeEnd, &byte, 1) == 1)
        #expect(done.wait(timeout: .now() + 10) == .success, "the wait ends")
        #expect(answer.withLock { $0 } == 1, "the pipe was found readable, not a timeout or a failure")
    }

    @Test func aFailedCallNamesItselfAndItsError() {
        let error = #expect(throws: Posix.Failure.self) { try Posix.call("close") { close(-1) } }
        #expect(error?.code == EBADF)
        #expect(error?.description == "close: Bad file descriptor")
    }
}
