import CinebookSupport
import Foundation
import Synchronization
import TestSupport

/// An HTTP/1.1 connection over a plain socket: the test writes the bytes it wants (a
/// chunked upload, a request that never ends) and reads the response as it arrives,
/// as an event stream needs.
final class RawConnection: Sendable {
    private let descriptor: Int32
    private let received = Mutex<String>("")
    private let isClosed = Atomic<Bool>(false)

    /// Connects to 127.0.0.1:`port` and starts reading.
    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // On failure the deinitialiser closes the descriptor: a class whose properties
        // are all set runs it even when its initialiser throws.
        guard connected == 0 else { throw HarnessError("cannot connect to 127.0.0.1:\(port)") }
        let thread = Thread { [self] in readLoop() }
        thread.start()
    }

    /// Sends `GET path` with the given headers and starts reading the response.
    convenience init(port: Int, path: String, headers: [String: String]) throws {
        try self.init(port: port)
        let head = (["GET \(path) HTTP/1.1", "Host: localhost"] + headers.map { "\($0.key): \($0.value)" })
            .joined(separator: "\r\n") + "\r\n\r\n"
        send(head)
    }

    /// The reading thread keeps the connection alive until it ends, so the descriptor is
    /// closed only once nothing reads it any more.
    deinit { close(descriptor) }

    /// Writes bytes to the server; false once the server has stopped taking them.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Everything received so far, headers included.
    var text: String { received.withLock { $0 } }

    /// Waits until the text received contains `fragment`.
    func waitFor(_ fragment: String, timeout: Duration = .seconds(5)) async -> Bool {
        await eventually(timeout: timeout, every: .milliseconds(5)) { text.contains(fragment) }
    }

    /// Whether the server has closed the connection.
    var ended: Bool { isClosed.load(ordering: .relaxed) }

    /// Closes the connection from the client's side.
    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            let chunk = String(decoding: buffer[0..<count], as: UTF8.self)
            received.withLock { $0 += chunk }
        }
        isClosed.store(true, ordering: .relaxed)
    }
}
