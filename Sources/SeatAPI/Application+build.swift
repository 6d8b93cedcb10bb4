import CinebookModel
import CinebookWire
import Hummingbird
import HummingbirdWebSocket
import Logging
import SeatLocking

/// The API's routes:
///
/// ```
/// GET    /health
/// GET    /metrics                                   Prometheus text
/// GET    /api/v1/showtimes
/// GET    /api/v1/showtimes/{id}
/// POST   /api/v1/showtimes/{id}/seats/lock          bearer token
/// DELETE /api/v1/showtimes/{id}/seats/unlock        bearer token
/// GET    /api/v1/showtimes/{id}/seats/status        bearer token
/// PUT    /api/v1/showtimes/{id}/seats/extend-lock   bearer token
/// POST   /api/v1/showtimes/{id}/bookings            bearer token
/// GET    /api/v1/showtimes/{id}/bookings/{booking}  bearer token, the booking's owner only
/// GET    /api/v1/bookings                           bearer token: the caller's bookings
/// GET    /api/v1/showtimes/{id}/seats/events        bearer token, Server-Sent Events
/// …/parties…, …/queue                               bearer token (see openapi.yaml)
/// GET, POST /api/v1/showtimes/{id}/house, …         an operator's token
/// GET    /api/v1/showtimes/{id}/ws                  WebSocket: events and seat operations
/// POST   /api/v1/showtimes/{id}/seats/release       a closing page's beacon, the token in the body
/// GET, POST /api/v1/dev/tokens                      `serve --dev` only: the page's sign-in
/// GET    /, /showtimes/{id}, /web/{file}            the seat map for browsers
/// ```
/// Every request is logged with its id; every error is JSON; the showtime routes need a
/// token and count against the user's rate limit.
public func buildRouter(
    service: SeatLockingService,
    tokens: AccessTokens,
    configuration: APIConfiguration = APIConfiguration(),
    maintenance: MaintenanceLog = MaintenanceLog(),
    metrics: APIMetrics = APIMetrics()
) -> Router<APIRequestContext> {
    buildRoutes(service: service, tokens: tokens, configuration: configuration, maintenance: maintenance, metrics: metrics).http
}

/// The routes of plain HTTP, and the router that WebSocket upgrades are matched against.
public func buildRoutes(
    service: SeatLockingService,
    tokens: AccessTokens,
    configuration: APIConfiguration = APIConfiguration(),
    maintenance: MaintenanceLog = MaintenanceLog(),
    metrics: APIMetrics = APIMetrics()
) -> (http: Router<APIRequestContext>, sockets: Router<APIRequestContext>) {
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware())
    if !configuration.crossOrigins.isEmpty { router.add(middleware: CrossOriginMiddleware(origins: configuration.crossOrigins)) }
    let routes = RouteTable()
    router.add(middleware: JSONErrorMiddleware(routes: routes))
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
    WebPages()?.addRoutes(to: router)
    HealthController(service: service, maintenance: maintenance, tokens: tokens).addRoutes(to: router)
    router.get("api/v1/showtimes") { _, _ in JSONResponse.make(SeatLockingJSON.Showtimes(service.catalog)) }
    // With a token, the rules of the caller's tier.
    router.get("api/v1/showtimes/{id}") { request, context in
        let id = try context.showtimeID(in: service.catalog)
        let tier = request.headers[.authorization] == nil ? nil : try await BearerAuthMiddleware.verify(request, tokens: tokens).tier
        return JSONResponse.make(SeatLockingJSON.ShowtimeDetail(
            service.catalog.showtime(id)!, policy: configuration.tiers.policy(service.policy, tier: tier)))
    }
    if configuration.devSignIn {
        DevSignInController(tokens: tokens, maximumBodySize: configuration.maximumBodySize).addRoutes(to: router)
    }
    let desk = SeatDesk(service: service, tiers: configuration.tiers)
    let limiter = configuration.rateLimit.map(service.rateLimiter)
    let gate = EventStreamGate(limit: configuration.maximumEventStreams, gauge: metrics.streamsOpen)
    ReleaseBeaconController(desk: desk, tokens: tokens, maximumBodySize: configuration.maximumBodySize).addRoutes(to: router)
    let socket = SeatSocketController(
        desk: desk, tokens: tokens, gate: gate, limiter: limiter, refusals: metrics.rateLimited,
        maximumMessageSize: configuration.maximumBodySize)
    socket.addRoutes(to: router)
    let showtime = router.group("api/v1/showtimes/{id}").add(middleware: BearerAuthMiddleware(tokens: tokens))
    if let limiter {
        showtime.add(middleware: RateLimitMiddleware(limiter: limiter, refusals: metrics.rateLimited))
    }
    showtime.add(middleware: IdempotencyMiddleware(store: service.idempotencyStore, maximumBodySize: configuration.maximumBodySize))
    SeatController(desk: desk, maximumBodySize: configuration.maximumBodySize).addRoutes(to: showtime)
    HouseController(service: service, maximumBodySize: configuration.maximumBodySize).addRoutes(to: showtime)
    RoomController(service: service).addRoutes(to: showtime)
    PartyController(service: service, maximumBodySize: configuration.maximumBodySize).addRoutes(to: showtime)
    router.group("api/v1/bookings").add(middleware: BearerAuthMiddleware(tokens: tokens)).get { _, context in
        JSONResponse.make(SeatLockingJSON.Bookings(try await service.bookings(showtime: nil, user: try context.authenticatedUser())))
    }
    SeatEventController(service: service, gate: gate, heartbeat: configuration.heartbeat).addRoutes(to: showtime)
    routes.fill(from: router)

    let sockets = Router(context: APIRequestContext.self)
    sockets.add(middleware: RequestLogMiddleware())
    socket.addUpgrade(to: sockets)
    return (router, sockets)
}

/// The server: the router, plus the sweeper as a service of the same lifecycle. Run it
/// with `runService()`, which shuts down gracefully on SIGTERM and SIGINT.
public func buildApplication(
    service: SeatLockingService,
    tokens: AccessTokens,
    configuration: APIConfiguration = APIConfiguration(),
    metrics: APIMetrics = APIMetrics(),
    logger: Logger = Logger(label: "cinebook.api")
) -> some ApplicationProtocol {
    let maintenance = MaintenanceLog()
    let (router, sockets) = buildRoutes(
        service: service, tokens: tokens, configuration: configuration, maintenance: maintenance, metrics: metrics)
    // The sweeper's first pass waits until the server listens: one that cannot bind sweeps nothing.
    let (listening, bound) = AsyncStream<Void>.makeStream()
    var application = Application(
        router: router,
        server: .http1WithSockets(
            webSocketRouter: sockets,
            configuration: .init(ws: .init(maxFrameSize: configuration.maximumBodySize, autoPing: .enabled(timePeriod: configuration.heartbeat)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cinebook"),
        onServerRunning: { _ in bound.finish() },
        logger: logger)
    if let interval = configuration.sweepInterval {
        maintenance.expect(every: interval)
        application.addServices(SweepService(
            service: service, interval: interval, maintenance: maintenance,
            startAfter: { for await _ in listening {} }))
    }
    return application
}
