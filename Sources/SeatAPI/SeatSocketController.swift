import CinebookModel
import CinebookWire
import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import SeatLocking
import ServiceLifecycle

/// `/api/v1/showtimes/{id}/ws`: one WebSocket carries a showtime's events to the client and
/// the client's seat operations to the server, with the HTTP API's bodies and errors
/// (`SeatSocketJSON` has the messages). A browser cannot send headers with a WebSocket, so
/// the token comes in the first message (`auth`) unless the upgrade carried `Authorization`;
/// it never goes in the URL. A bad message gets an answer naming what is wrong and the
/// socket stays open; a frame over the size limit closes this socket only (1009).
struct SeatSocketController: Sendable {
    let desk: SeatDesk
    let tokens: AccessTokens
    /// Sockets count among the open event streams: each holds a connection and a feed.
    let gate: EventStreamGate
    let limiter: RateLimiter?
    let refusals: CoreMetrics.Counter
    /// The largest message taken, as an HTTP body.
    let maximumMessageSize: Int

    static let path: RouterPath = "api/v1/showtimes/{id}/ws"

    /// The upgrade, on the router of WebSocket requests: only for a known showtime, and with a
    /// valid token when the request names one. A refused upgrade falls through to `addRoutes`.
    func addUpgrade(to router: Router<APIRequestContext>) {
        let catalog = desk.service.catalog
        router.ws(Self.path) { request, context in
            guard (try? context.showtimeID(in: catalog)) != nil else { return .dontUpgrade }
            if request.headers[.authorization] != nil, (try? await BearerAuthMiddleware.verify(request, tokens: tokens)) == nil {
                return .dontUpgrade
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            try await session(inbound: inbound, outbound: outbound, context: context)
        }
    }

    /// The same path over plain HTTP says why there was no socket: no such showtime (404), a
    /// bad token (401), or not a WebSocket request (426).
    func addRoutes(to router: Router<APIRequestContext>) {
        let catalog = desk.service.catalog
        router.get(Self.path) { request, context -> Response in
            _ = try context.showtimeID(in: catalog)
            if request.headers[.authorization] != nil { _ = try await BearerAuthMiddleware.verify(request, tokens: tokens) }
            throw APIError(
                status: .upgradeRequired, code: "invalid_request",
                message: "Open this address as a WebSocket (Connection: Upgrade, Upgrade: websocket).", headers: [.upgrade: "websocket"])
        }
    }

    private func session(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, context: WebSocketRouterContext<APIRequestContext>
    ) async throws {
        guard let pass = gate.enter() else {
            try await outbound.close(.unknown(1013), reason: "The server has \(gate.limit) live streams open, its most.")
            return
        }
        defer { withExtendedLifetime(pass) {} }
        let showtime = try context.requestContext.showtimeID(in: desk.service.catalog)
        var bearer: Bearer?
        if context.request.headers[.authorization] != nil { bearer = try? await BearerAuthMiddleware.verify(context.request, tokens: tokens) }

        // One writer: answers and events go out in the order they are made.
        let (messages, send) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(4096))
        let writer = Task {
            for await text in messages { try await outbound.write(.text(text)) }
        }
        // With the upgrade's token the events flow at once; else from the `auth` message on.
        var events = try bearer.map { try relayEvents(showtime: showtime, bearer: $0, to: send) }
        defer {
            events?.finish()
            send.finish()
        }
        let logger = context.logger
        logger.debug("socket opened", metadata: ["showtime": "\(showtime)"])
        do {
            // A server that is stopping closes its sockets at once (1001, going away), as it ends its event streams.
            try await withGracefulShutdownHandler {
                for try await message in inbound.messages(maxSize: maximumMessageSize) {
                    let (answer, signedIn) = await answer(message, showtime: showtime, bearer: bearer, logger: logger)
                    send.yield(answer)
                    if bearer == nil, let signedIn {
                        bearer = signedIn
                        events = try relayEvents(showtime: showtime, bearer: signedIn, to: send)
                    }
                }
            } onGracefulShutdown: {
                Task { try? await outbound.close(.goingAway, reason: "The server is stopping; open the socket again shortly.") }
            }
        } catch {
            logger.debug("socket ended", metadata: ["error": "\(error)"])
        }
        send.finish()
        _ = await writer.result
        logger.debug("socket closed", metadata: ["showtime": "\(showtime)"])
    }

    /// The showtime's events to the socket, from the moment the caller is known.
    private func relayEvents(showtime: Int, bearer: Bearer, to send: AsyncStream<String>.Continuation) throws -> SeatEventFrames {
        let service = desk.service
        let frames = SeatEventFrames(
            feed: try service.events(showtime: showtime), showtime: showtime, heartbeat: nil, lastEventID: nil,
            tokenExpires: bearer.expires, version: { try? await service.revision(showtime: showtime)?.revision.version })
        Task {
            for await item in frames.items {
                if case let .event(frame) = item { send.yield(frame.socketText) }
            }
        }
        return frames
    }

    /// The answer to one message, and the bearer an `auth` message signed in.
    private func answer(
        _ message: WebSocketMessage, showtime: Int, bearer: Bearer?, logger: Logger
    ) async -> (String, Bearer?) {
        var id: String?
        do {
            guard case let .text(text) = message else {
                throw APIError.badRequest("Send each request as a text message of JSON, like {\"id\": \"1\", \"op\": \"lock\", \"seats\": [\"A1\"]}.")
            }
            let object = try Self.object(in: text)
            id = try Self.requestID(in: object)
            let request = try Self.request(object, text: text)
            if request.op == .auth {
                guard let token = request.token else { throw APIError.unauthorized("auth needs \"token\": a bearer token.") }
                let signedIn = try await tokens.verify(token)
                return (SeatSocketJSON.answer(id: id, status: 200, body: Array(#"{"ok":true,"user":\#(SeatLockingJSON.encode(signedIn.user))}"#.utf8)), signedIn)
            }
            guard let bearer else {
                throw APIError.unauthorized("Sign in first: send {\"op\": \"auth\", \"token\": TOKEN}, or open the socket with Authorization: Bearer.")
            }
            guard bearer.expires > Date() else {
                throw APIError.unauthorized("The bearer token has expired; sign in again with a new one.")
            }
            let (status, body) = try await perform(request, caller: try caller(of: request, bearer: bearer, showtime: showtime), logger: logger)
            return (SeatSocketJSON.answer(id: id, status: status, body: body), nil)
        } catch {
            let failure = APIError.answering(error, logger: logger)
            return (SeatSocketJSON.answer(id: id, status: Int(failure.status.code), body: failure.bodyBytes), nil)
        }
    }

    /// A message read as a JSON object (else 400).
    private static func object(in text: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw APIError.badRequest("A message must be a JSON object like {\"id\": \"1\", \"op\": \"lock\", \"seats\": [\"A1\"]}.")
        }
        return object
    }

    /// The request's id, read first so that every later refusal carries it: a string of at
    /// most 64 characters, or none (else 422).
    private static func requestID(in object: [String: Any]) throws -> String? {
        guard let value = object["id"] else { return nil }
        guard let id = value as? String, id.count <= SeatSocketJSON.maximumRequestIDLength else {
            throw APIError.unprocessable("id must be a string of at most \(SeatSocketJSON.maximumRequestIDLength) characters.")
        }
        return id
    }

    /// The object read as a request: a known `op`, and each field of its type (else 422).
    private static func request(_ object: [String: Any], text: String) throws -> SeatSocketJSON.Request {
        guard let op = object["op"] as? String, SeatSocketJSON.Operation(rawValue: op) != nil else {
            let known = SeatSocketJSON.Operation.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.unprocessable("op must be one of \(known).")
        }
        do {
            return try SeatLockingJSON.decode(SeatSocketJSON.Request.self, from: Data(text.utf8))
        } catch {
            throw APIError.unprocessable(
                "The \(op) request has a field of the wrong type: seats and near are lists of seat codes, count and ttl_seconds "
                    + "whole numbers, or_nearest and wheelchair true or false, the others strings.")
        }
    }

    private func caller(of request: SeatSocketJSON.Request, bearer: Bearer, showtime: Int) throws -> SeatDesk.Caller {
        let party = try request.party.flatMap { $0.isEmpty ? nil : try PartyController.parsed($0) }
        return SeatDesk.Caller(user: bearer.user, tier: bearer.tier, showtime: showtime, party: party, pass: request.pass)
    }

    /// The HTTP status and body the same request gets over HTTP.
    private func perform(_ request: SeatSocketJSON.Request, caller: SeatDesk.Caller, logger: Logger) async throws -> (Int, [UInt8]?) {
        if let limiter, request.op != .status {
            try await RateLimitMiddleware.admit(caller.user, limiter: limiter, refusals: refusals, logger: logger)
        }
        let selection = request.seatRequest
        switch request.op {
        case .auth:
            throw APIError.unprocessable("auth comes once, first.")
        case .lock:
            return (200, SeatLockingJSON.encodedBytes(try await desk.lock(selection, by: caller)))
        case .extend:
            return (200, SeatLockingJSON.encodedBytes(try await desk.extend(selection, by: caller)))
        case .unlock:
            return (200, SeatLockingJSON.encodedBytes(try await desk.unlock(selection, by: caller)))
        case .book:
            return (201, SeatLockingJSON.encodedBytes(try await desk.book(selection, by: caller)))
        case .presence:
            return (200, SeatLockingJSON.encodedBytes(try await desk.presence(selection, by: caller)))
        case .best:
            let wish = try BestQuery.wish(
                count: request.count.map { .some($0) }, category: request.category, wheelchair: request.wheelchair ?? false,
                near: request.near ?? [], showtime: caller.showtime, service: desk.service)
            return (200, SeatLockingJSON.encodedBytes(try await desk.lockBest(wish, ttl: selection.ttl, by: caller)))
        case .status:
            let (body, tag) = try await desk.status(by: caller, knownTags: request.ifNoneMatch)
            // The tag rides in the body, as `etag`, beside the status.
            guard let body else { return (304, Array(#"{"ok":true,"etag":\#(SeatLockingJSON.encode(tag))}"#.utf8)) }
            return (200, Self.adding(tag: tag, to: SeatLockingJSON.encodedBytes(body)))
        }
    }

    /// A status body with `"etag"` added as its first member.
    private static func adding(tag: String, to body: [UInt8]) -> [UInt8] {
        guard body.first == UInt8(ascii: "{") else { return body }
        return Array(#"{"etag":\#(SeatLockingJSON.encode(tag)),"#.utf8) + body.dropFirst()
    }
}
