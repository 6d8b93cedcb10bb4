import CinebookModel
import CinebookSupport
import Foundation
import Hummingbird
import SeatAPI
import Testing
import TestSupport

/// The user comes only from a valid, unexpired HS256 token signed with the server's secret.
@Suite struct AuthenticationTests {
    @Test func everySeatEndpointNeedsAToken() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let base = "/api/v1/showtimes/\(api.id)"
            let routes: [(HTTPRequest.Method, String)] = [
                (.post, "\(base)/seats/lock"), (.delete, "\(base)/seats/unlock"), (.get, "\(base)/seats/status"),
                (.put, "\(base)/seats/extend-lock"), (.post, "\(base)/bookings"), (.get, "\(base)/seats/events"),
            ]
            for (method, path) in routes {
                let response = try await client.send(method, path, json: #"{"seats":["A1"]}"#)
                #expect(response.status == 401, "\(method) \(path)")
                #expect(response.error == "unauthorized")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.isFailureJSON)
            }
        }
    }

    @Test func badTokensAreRefused() async throws {
        let api = try await APIHarness.make()
        let stranger = try await AccessTokens(secret: AccessTokens.generateSecret())
        let valid = try await api.tokens.mint(user: "alice", ttl: .seconds(600))
        let expired = try await api.tokens.mint(user: "alice", ttl: .seconds(-60))
        let foreign = try await stranger.mint(user: "alice", ttl: .seconds(600))
        let parts = valid.split(separator: ".").map(String.init)
        let bobPayload = Self.base64URL(#"{"sub":"bob","exp":\#(Int(Date().timeIntervalSince1970) + 600)}"#)
        let tampered = [parts[0], bobPayload, parts[2]].joined(separator: ".")
        let none = [Self.base64URL(#"{"alg":"none","typ":"JWT"}"#), bobPayload, ""].joined(separator: ".")
        let hs512 = [Self.base64URL(#"{"alg":"HS512","typ":"JWT"}"#), parts[1], parts[2]].joined(separator: ".")
        let noExpiry = [parts[0], Self.base64URL(#"{"sub":"alice"}"#), parts[2]].joined(separator: ".")

        try await api.run { client in
            let path = "/api/v1/showtimes/\(api.id)/seats/status"
            #expect(try await client.raw(.get, path, headers: [.authorization: "Bearer \(valid)"]).status == 200)
            let refused: [(String, String)] = [
                ("expired", "Bearer \(expired)"), ("signed with another secret", "Bearer \(foreign)"),
                ("tampered", "Bearer \(tampered)"), ("alg none", "Bearer \(none)"), ("alg HS512", "Bearer \(hs512)"),
                ("no exp", "Bearer \(noExpiry)"), ("garbage", "Bearer not.a.token"), ("empty", "Bearer "),
                ("basic", "Basic YWxpY2U6c2VjcmV0"), ("no scheme", valid), ("huge", "Bearer " + String(repeating: "x", count: 6000)),
            ]
            for (name, header) in refused {
                let response = try await client.raw(.get, path, headers: [.authorization: header])
                #expect(response.status == 401, "\(name)")
                #expect(response.isFailureJSON, "\(name)")
            }
            let expiredAnswer = try await client.raw(.get, path, headers: [.authorization: "Bearer \(expired)"])
            #expect((expiredAnswer.json["message"] as? String)?.contains("expired") == true)
        }
    }

    @Test func theUserIsTheTokensSubjectNeverAFieldOfTheBody() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let response = try await client.send(
                .post, "/api/v1/showtimes/\(api.id)/seats/lock", as: alice, json: #"{"seats":["A1"],"user":"mallory"}"#)
            #expect(response.status == 200)
            #expect(response.json["user"] as? String == alice)
        }
    }

    /// A token already verified is answered from memory, yet still stops working at its
    /// `exp`; a token of the same user with one character changed is checked in full.
    @Test func aRememberedTokenStillExpiresAndItsNeighboursAreStillChecked() async throws {
        let tokens = try await AccessTokens(secret: AccessTokens.generateSecret())
        let token = try await tokens.mint(user: "alice", ttl: .seconds(2))
        #expect(try await tokens.user(fromToken: token) == "alice")
        #expect(try await tokens.user(fromToken: token) == "alice")
        // A character in the middle of the signature (the last one carries padding bits).
        var characters = Array(token)
        characters[characters.count - 10] = characters[characters.count - 10] == "A" ? "B" : "A"
        let forged = String(characters)
        await #expect(throws: APIError.self) { try await tokens.user(fromToken: forged) }
        let expired = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
            (try? await tokens.user(fromToken: token)) == nil
        }
        #expect(expired, "the remembered token stops working at its exp")
        let error = await #expect(throws: APIError.self) { try await tokens.user(fromToken: token) }
        #expect(error?.message.contains("expired") == true)
    }

    /// A token is refused before its `nbf`, and works from then on.
    @Test func aTokenIsNotValidBeforeItsNotBefore() async throws {
        let tokens = try await AccessTokens(secret: AccessTokens.generateSecret())
        let early = try await tokens.mint(user: "nina", ttl: .seconds(60), notBefore: Date().addingTimeInterval(2))
        let error = await #expect(throws: APIError.self) { try await tokens.user(fromToken: early) }
        #expect(error?.message.contains("not valid before") == true, "\(String(describing: error))")
        #expect(await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
            (try? await tokens.user(fromToken: early)) == "nina"
        }, "valid from its nbf on")
    }

    /// A web page of a configured origin may use the API: its preflight is answered and
    /// its answers carry its origin; any other origin gets no CORS header.
    @Test func configuredOriginsGetCORSAndOthersDoNot() async throws {
        let api = try await APIHarness.make { $0.crossOrigins = ["https://cinema.example"] }
        try await api.run { client in
            let path = "/api/v1/showtimes/\(api.id)/seats/lock"
            let preflight = try await client.raw(.options, path, headers: [
                .origin: "https://cinema.example", .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "authorization, content-type",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://cinema.example")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            let token = try await client.token(TestUsers.unique("web"))
            let lock = try await client.raw(.post, path, headers: [
                .origin: "https://cinema.example", .authorization: "Bearer \(token)", .contentType: "application/json",
            ], body: .init(string: #"{"seats":["A1"]}"#))
            #expect(lock.status == 200 && lock.headers[.accessControlAllowOrigin] == "https://cinema.example")
            let refused = try await client.raw(.get, "/api/v1/showtimes/\(api.id)/seats/status", headers: [.origin: "https://evil.example"])
            #expect(refused.headers[.accessControlAllowOrigin] == nil, "another origin gets no CORS header")
            let otherPreflight = try await client.raw(.options, path, headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(otherPreflight.headers[.accessControlAllowOrigin] == nil)
        }
    }

    /// A browser's EventSource sends no headers: the event stream takes `?access_token=`;
    /// no other route does.
    @Test func theEventStreamTakesATokenInTheQueryAndNoOtherRouteDoes() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let token = try await client.token(TestUsers.unique("web"))
            let reader = try RawConnection(port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/events?access_token=\(token)", headers: [:])
            defer { reader.stop() }
            #expect(await reader.waitFor("event: connected"), "\(reader.text)")
            let status = try await client.raw(.get, "/api/v1/showtimes/\(api.id)/seats/status?access_token=\(token)")
            #expect(status.status == 401, "only the event stream takes a token in the query")
            let bad = try RawConnection(port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/events?access_token=forged", headers: [:])
            defer { bad.stop() }
            #expect(await bad.waitFor("401"), "\(bad.text)")
        }
    }

    @Test func secretsMustBeLongEnough() async throws {
        await #expect(throws: AccessTokenError.self) { try await AccessTokens(secret: "short") }
        #expect(AccessTokens.generateSecret().count == 64)
        #expect(AccessTokens.generateSecret() != AccessTokens.generateSecret())
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
