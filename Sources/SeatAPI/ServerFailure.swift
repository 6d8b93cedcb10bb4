import Foundation
import NIOCore

/// Why the server could not start or stopped, in words for its operator.
public enum ServerFailure {
    public static func describe(_ error: any Error, host: String, port: Int) -> String {
        if let error = error as? IOError, error.errnoCode == EADDRINUSE {
            return "\(host):\(port) is already in use by another program; stop it, or choose another --port."
        }
        if let error = error as? IOError, error.errnoCode == EACCES {
            return "\(host):\(port) may not be used by this user (ports below 1024 need privileges); choose another --port."
        }
        return "The server on \(host):\(port) stopped: \(error)"
    }
}
