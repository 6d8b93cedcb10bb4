import Foundation

/// A TCP port on 127.0.0.1 that nothing listens on right now: bound to port 0, read
/// back, and released.
public func unusedTCPPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw FreePortError() }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw FreePortError() }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True when `port` on 127.0.0.1 can be bound right now.
public func isFree(_ port: Int) -> Bool {
    onLoopback(port) { bind($0, $1, $2) == 0 }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
public func acceptsConnections(port: Int) -> Bool {
    onLoopback(port) { connect($0, $1, $2) == 0 }
}

/// Calls `use` with a new TCP socket and the address 127.0.0.1:`port`; closes the socket.
private func onLoopback(_ port: Int, _ use: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            use(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
}

public struct FreePortError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "cannot find a free TCP port on 127.0.0.1" }
}
