import CinebookModel
import CinebookWire
import Hummingbird
import Logging
import SeatLocking

/// Any answer but success: an HTTP status and the JSON body that every error shares
/// with the command line's `--json`, `{"ok": false, "error": code, "message": ...}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var headers: HTTPFields
    private let body: SeatLockingJSON.Failure

    init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        body = SeatLockingJSON.Failure(code: code, message: message)
    }

    /// The status of each core error: bad input 422, unknown showtime 404, conflicts (sales
    /// closed among them) 409, a waiting room's refusal (no pass, a bad one) 403; a party
    /// code of no party 404, of another showtime 422, of an ended party 410, of a full one
    /// 409, and a party the caller is not in 403; Redis or the database down, or an outcome
    /// unknown, 503.
    public init(_ error: SeatLockingError) {
        switch error {
        case .invalidRequest, .unknownSeats, .tooManySeats: status = .unprocessableContent
        case .unknownShowtime: status = .notFound
        case .waitingRoom, .party(.notMember): status = .forbidden
        case .party(.notFound): status = .notFound
        case .party(.otherShowtime): status = .unprocessableContent
        case .party(.ended): status = .gone
        case .party(.full): status = .conflict
        case .seatsUnavailable, .notLockOwner, .lockExpired, .salesClosed: status = .conflict
        case .redisUnavailable, .serverUnreachable, .databaseUnavailable, .outcomeUnknown: status = .serviceUnavailable
        case .internalError: status = .internalServerError
        }
        code = error.code
        message = error.message
        headers = status == .serviceUnavailable ? [.retryAfter: "1"] : [:]
        body = SeatLockingJSON.Failure(error)
    }

    /// The answer to any error a route or a socket's request threw: its own status for the
    /// API's and the core's errors, 500 for anything else (logged, with the core's internal errors).
    static func answering(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as SeatLockingError:
            if case .internalError = error { logger.error("internal error", metadata: ["error": "\(error)"]) }
            return APIError(error)
        default:
            logger.error("unexpected error", metadata: ["error": "\(error)"])
            return APIError(status: .internalServerError, code: "internal_error", message: "Internal error; the server log has details.")
        }
    }

    /// The JSON body, encoded.
    var bodyBytes: [UInt8] { SeatLockingJSON.encodedBytes(body) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(body, status: status, headers: headers)
    }
}

extension APIError {
    static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// The request cannot be read: malformed JSON, a showtime id that is not a number.
    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message)
    }

    /// The request reads fine but asks for something invalid.
    static func unprocessable(_ message: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_request", message: message)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, code: "invalid_request",
            message: "The request body is larger than \(limit / 1024) KB; a seat request needs only a few bytes.")
    }

    static let unsupportedMediaType = APIError(
        status: .unsupportedMediaType, code: "invalid_request",
        message: "Send the body as JSON with Content-Type: application/json.")

    /// A valid token that may not do this (an operator's route, for a moviegoer).
    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    static func rateLimited(retryAfter seconds: Int, message: String) -> APIError {
        APIError(status: .tooManyRequests, code: "rate_limited", message: message, headers: [.retryAfter: String(seconds)])
    }
}
