import Foundation

/// A test setup step failed (no port, no connection).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
