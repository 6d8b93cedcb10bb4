import Foundation

/// Durations and instants in the units Redis, the database and the benchmark count in.
extension Duration {
    /// Whole milliseconds, as Redis counts TTLs.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, as the benchmark's histograms count latencies.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Date {
    /// A time in milliseconds since 1970, as Redis, the scripts and the database count time.
    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Milliseconds since 1970, as Redis, the scripts and the database count time.
    public var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
