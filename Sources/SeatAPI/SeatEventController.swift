import CinebookModel
import HTTPTypes
import Hummingbird
import SeatLocking
import ServiceLifecycle

/// `GET /api/v1/showtimes/{id}/seats/events`: seat changes as Server-Sent Events, fed by
/// the showtime's pub/sub channel. `Last-Event-ID` (the version of the last event a client
/// saw) resumes a stream: a client that missed changes gets `resync`. A stream ends when
/// the client goes away, the server shuts down, or the token expires (`token_expired`).
struct SeatEventController: Sendable {
    let service: SeatLockingService
    let gate: EventStreamGate
    let heartbeat: Duration

    /// The version of the last event a reconnecting client saw.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// How long a client waits before it reconnects, and the comment of a heartbeat.
    private static let retry = ByteBuffer(string: "retry: 2000\n\n")
    private static let keepalive = ByteBuffer(string: ": keepalive\n\n")

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("seats/events", use: events)
    }

    @Sendable func events(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.authenticatedUser()
        let showtime = try context.showtimeID(in: service.catalog)
        guard let pass = gate.enter() else {
            throw APIError.rateLimited(
                retryAfter: 5, message: "The server has \(gate.limit) event streams open, its most; try again shortly.")
        }
        let service = service
        let stream = SeatEventFrames(
            feed: try service.events(showtime: showtime), showtime: showtime, heartbeat: heartbeat,
            lastEventID: request.headers[Self.lastEventID].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) },
            tokenExpires: context.tokenExpires,
            version: { try? await service.revision(showtime: showtime)?.revision.version })
        let logger = context.logger
        logger.debug("event stream opened", metadata: ["showtime": "\(showtime)", "open_streams": "\(gate.openCount)"])
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer {
                stream.finish()
                withExtendedLifetime(pass) {}
                logger.debug("event stream closed", metadata: ["showtime": "\(showtime)"])
            }
            try await withGracefulShutdownHandler {
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    try await writer.write(Self.retry)
                    for await item in stream.items {
                        switch item {
                        case let .event(frame): try await writer.write(frame.serverSent)
                        case .heartbeat: try await writer.write(Self.keepalive)
                        }
                    }
                }
            } onGracefulShutdown: {
                stream.finish()
            }
            try await writer.finish(nil)
        })
    }
}
