import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import HummingbirdTesting
import SeatAPI
import SeatLocking

/// Sends requests to the live server as a given user.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let tokens: AccessTokens

    var port: Int { client.port ?? 0 }

    func token(_ user: String) async throws -> String {
        try await tokens.mint(user: user, ttl: .seconds(3600))
    }

    /// A request as `user` (no Authorization header when nil); `json` goes in the body
    /// with `Content-Type: application/json` unless `headers` sets another.
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        as user: String? = nil,
        json: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = headers
        if let user, headers[.authorization] == nil { headers[.authorization] = "Bearer \(try await token(user))" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await raw(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func raw(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> APIResponse {
        APIResponse(try await client.executeRequest(uri: path, method: method, headers: headers, body: body))
    }

    func lock(_ seats: [String], showtime: Int, as user: String) async throws -> APIResponse {
        try await send(.post, "/api/v1/showtimes/\(showtime)/seats/lock", as: user, json: Self.selection(seats))
    }

    func status(showtime: Int, as user: String) async throws -> APIResponse {
        try await send(.get, "/api/v1/showtimes/\(showtime)/seats/status", as: user)
    }

    /// The state of each seat as `user` sees it.
    func states(showtime: Int, as user: String) async throws -> [String: String] {
        let seats = try await status(showtime: showtime, as: user).json["seats"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: seats.compactMap { entry in
            (entry["seat"] as? String).map { ($0, entry["state"] as? String ?? "") }
        })
    }

    static func selection(_ seats: [String]) -> String {
        SeatLockingJSON.encode(["seats": seats])
    }
}
