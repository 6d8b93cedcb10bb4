/// How many seat operations one user may make: `burst` at once, then `perSecond` on
/// average (a generic cell rate algorithm, GCRA).
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Int

    /// Generous for people: 10 operations a second, bursts of 20.
    public init(perSecond: Double = 10, burst: Int = 20) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Time between two operations at the sustained rate, in microseconds.
    package var emissionInterval: Int64 { Int64((1_000_000 / perSecond).rounded(.up)) }
}
