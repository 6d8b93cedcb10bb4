import CinebookSupport
import Foundation
import Synchronization

/// Where events from other threads (effect answers, the change feed, signals) wait for
/// the terminal loop. Posting writes a byte to a pipe, so the loop can sleep in `poll`
/// on the keyboard and this pipe together, and wakes at once for either.
final class Inbox: Sendable {
    enum Delivery: Sendable {
        case event(SeatMapEvent)
        /// SIGWINCH: the terminal has a new size, to be read on the terminal's thread.
        case windowChanged
    }

    private let deliveries = Mutex<[Delivery]>([])
    /// Readable whenever something was posted.
    let wakeDescriptor: Int32
    private let postDescriptor: Int32

    init() throws(SeatMapError) {
        do { (wakeDescriptor, postDescriptor) = try Posix.pipe(nonBlocking: true) } catch {
            throw .terminal("cannot create a pipe (\(error))")
        }
    }

    deinit {
        Foundation.close(wakeDescriptor)
        Foundation.close(postDescriptor)
    }

    func post(_ delivery: Delivery) {
        deliveries.withLock { $0.append(delivery) }
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) already holds a wake-up.
        _ = try? Posix.call("write") { write(postDescriptor, &byte, 1) }
    }

    func post(_ event: SeatMapEvent) { post(.event(event)) }

    /// Everything posted so far, oldest first.
    func take() -> [Delivery] {
        var sink = [UInt8](repeating: 0, count: 256)
        while let count = try? Posix.call("read", { read(wakeDescriptor, &sink, sink.count) }), count > 0 {}
        return deliveries.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}
