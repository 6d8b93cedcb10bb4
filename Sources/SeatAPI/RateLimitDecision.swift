/// The limiter's verdict on one operation.
public enum RateLimitDecision: Sendable, Hashable {
    /// Allowed; `remaining` more would be allowed right now.
    case allowed(remaining: Int)
    /// Refused; the next operation is allowed after `retryAfter`.
    case limited(retryAfter: Duration)
}
