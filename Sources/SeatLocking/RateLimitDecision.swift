/// The limiter's verdict on one operation.
public enum RateLimitDecision: Sendable, Hashable {
    /// Allowed.
    case allowed
    /// Refused; the next operation is allowed after `retryAfter`.
    case limited(retryAfter: Duration)
}
