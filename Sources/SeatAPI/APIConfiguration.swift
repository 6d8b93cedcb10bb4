import CinebookModel
import SeatLocking

/// How the HTTP API behaves: where it listens and the limits it enforces.
public struct APIConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seat operations each user may make; nil turns rate limiting off.
    public var rateLimit: RateLimit?
    /// How often the server sweeps expired locks; nil runs no sweeper.
    public var sweepInterval: Duration?
    /// Largest request body accepted, in bytes (16 KB).
    public var maximumBodySize: Int
    /// Event streams open at once; more are refused until some close.
    public var maximumEventStreams: Int
    public static let defaultMaximumEventStreams = 20_000
    /// An idle event stream sends a comment this often, so dead connections are noticed.
    public var heartbeat: Duration
    /// Origins (`https://cinema.example`) whose web pages may use the API (CORS).
    public var crossOrigins: Set<String>
    /// `serve --dev`: the page offers a sign-in form that mints short-lived tokens.
    public var devSignIn = false
    /// Hold rules by tier: a token's `tier` claim picks one.
    public var tiers: HoldTiers = .none

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        rateLimit: RateLimit? = RateLimit(),
        sweepInterval: Duration? = .seconds(300),
        maximumBodySize: Int = 16 * 1024,
        maximumEventStreams: Int = APIConfiguration.defaultMaximumEventStreams,
        heartbeat: Duration = .seconds(15),
        crossOrigins: Set<String> = []
    ) {
        self.crossOrigins = crossOrigins
        self.host = host
        self.port = port
        self.rateLimit = rateLimit
        self.sweepInterval = sweepInterval
        self.maximumBodySize = maximumBodySize
        self.maximumEventStreams = maximumEventStreams
        self.heartbeat = heartbeat
    }
}
