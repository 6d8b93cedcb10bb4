import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking

/// What lock, unlock, extend and book are asked for (`SeatLockingJSON.SeatRequest`), read
/// from a request's body or query. The user is never part of it.
enum SeatSelection {
    static let example = #"{"seats": ["A1", "A2"]}"#

    /// The selection in the body; a missing body is an error.
    static func required(in request: Request, limit: Int) async throws -> SeatLockingJSON.SeatRequest {
        guard let selection = try await optional(in: request, limit: limit) else {
            throw APIError.badRequest("The request needs a JSON body like \(example).")
        }
        return selection
    }

    /// The selection in the body, or nil when the body is empty (see `body`).
    static func optional(in request: Request, limit: Int) async throws -> SeatLockingJSON.SeatRequest? {
        try await body(
            SeatLockingJSON.SeatRequest.self, in: request, limit: limit, example: example,
            shape: "\"seats\" a list of seat codes, \"ttl_seconds\" (optional) a whole number")
    }

    /// A JSON body of the API, or nil when the body is empty. Checked in this order: at
    /// most `limit` bytes (413), JSON content type (415), well-formed JSON (400), and the
    /// shape of `Body` (422, saying `shape`). `plainTextToo` takes `text/plain` as JSON as well
    /// (what `navigator.sendBeacon` sends a string as).
    static func body<Body: Decodable>(
        _ type: Body.Type, in request: Request, limit: Int, plainTextToo: Bool = false, example: String, shape: String
    ) async throws -> Body? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        var body = ByteBuffer()
        do {
            for try await part in request.body {
                guard body.readableBytes + part.readableBytes <= limit else { throw APIError.bodyTooLarge(limit: limit) }
                body.writeImmutableBuffer(part)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("The request body could not be read: its framing (Content-Length or chunks) is broken.")
        }
        guard body.readableBytes > 0 else { return nil }
        guard isJSON(request.headers[.contentType]) || (plainTextToo && isPlainText(request.headers[.contentType])) else {
            throw APIError.unsupportedMediaType
        }
        let data = Data(body.readableBytesView)
        do {
            return try SeatLockingJSON.decode(Body.self, from: data)
        } catch {
            guard (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil else {
                throw APIError.badRequest("The body is not valid JSON; send an object like \(example).")
            }
            throw APIError.unprocessable("The body must be an object like \(example): \(shape).")
        }
    }

    /// Seats named in the query instead, as in `?seats=A1,A2` or `?seats=A1&seats=A2`; nil
    /// when there are none.
    static func fromQuery(of request: Request) -> SeatLockingJSON.SeatRequest? {
        let seats = request.queryList("seats")
        return seats.isEmpty ? nil : SeatLockingJSON.SeatRequest(typed: seats)
    }

    /// `application/json`, with or without parameters such as `charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        mediaType(of: contentType) == "application/json"
    }

    static func isPlainText(_ contentType: String?) -> Bool {
        mediaType(of: contentType) == "text/plain"
    }

    private static func mediaType(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        return String(contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingSpaces.lowercased()
    }
}
