import Foundation

/// POSIX calls with their failures handled in one place: a call a signal interrupted
/// (EINTR) is made again, a wait again with the time it has left, and a failure carries
/// the call's name and errno's words.
public enum Posix {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let call: String
        public let code: Int32

        public init(_ call: String, code: Int32 = errno) {
            self.call = call
            self.code = code
        }

        public var description: String { "\(call): \(words)" }

        /// errno's words, such as `Permission denied`.
        public var words: String { Posix.words(code) }
    }

    /// The words of an errno value, as `strerror` gives them.
    public static func words(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Whether a library's message for a failed read or write (hiredis gives `strerror`'s
    /// words, and errno may have changed since) means "would block": a timeout or a full queue.
    public static func saysWouldBlock(_ message: String) -> Bool {
        message == words(EAGAIN) || message == words(EWOULDBLOCK)
    }

    /// `body`'s result; made again while it fails with EINTR. -1 is failure, as for most
    /// POSIX calls.
    @discardableResult
    public static func call<Result: BinaryInteger>(_ name: String, _ body: () -> Result) throws(Failure) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            if errno != EINTR { throw Failure(name) }
        }
    }

    /// Waits with poll(2) until a descriptor is ready or `timeout` has passed; the number
    /// of ready descriptors (0: the time is up).
    public static func poll(_ descriptors: inout [pollfd], timeout: Duration) throws(Failure) -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = max(.zero, deadline - ContinuousClock.now)
            let milliseconds = Int32(min(Double(Int32.max), (left.seconds * 1000).rounded(.up)))
            let ready = Glibc.poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready >= 0 { return Int(ready) }
            if errno != EINTR { throw Failure("poll") }
        }
    }

    /// Writes every byte, going on after a short write.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = try call("write") { Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
            offset += written
        }
    }

    /// A pipe whose ends are closed on exec, and non-blocking when asked.
    public static func pipe(nonBlocking: Bool = false) throws(Failure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        try call("pipe") { Glibc.pipe(&ends) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            if nonBlocking { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        }
        return (ends[0], ends[1])
    }
}
