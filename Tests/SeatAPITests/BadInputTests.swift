import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking
import Testing
import TestSupport

/// Hostile or broken requests get a 4xx with a JSON body, never a 500 or a crash.
@Suite struct BadInputTests {
    @Test func malformedBodiesAreRefusedWithTheirOwnStatus() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let token = "Bearer \(try await client.token(alice))"
            let lock = "/api/v1/showtimes/\(api.id)/seats/lock"
            let json: HTTPFields = [.authorization: token, .contentType: "application/json"]
            let megabyte = String(repeating: "A", count: 1 << 20)
            let tenThousand = SeatLockingJSON.encode(["seats": (0..<10_000).map { "A\($0 % 10 + 1)" }])
            let deep = String(repeating: "[", count: 8_000) + String(repeating: "]", count: 8_000)
            let cases: [(name: String, headers: HTTPFields, body: String?, status: Int)] = [
                ("1 MB body", json, #"{"seats":[""# + megabyte + #""]}"#, 413),
                ("10,000 seats", json, tenThousand, 413),
                ("missing body", [.authorization: token], nil, 400),
                ("empty JSON body", json, "", 400),
                ("text/plain", [.authorization: token, .contentType: "text/plain"], #"{"seats":["A1"]}"#, 415),
                ("no content type", [.authorization: token], #"{"seats":["A1"]}"#, 415),
                ("form", [.authorization: token, .contentType: "application/x-www-form-urlencoded"], "seats=A1", 415),
                ("malformed JSON", json, #"{"seats": ["A1""#, 400),
                ("not UTF-8", json, String(decoding: [0xFF, 0xFE, 0x7B], as: UTF8.self), 400),
                ("deeply nested", json, deep, 400),
                ("seats not a list", json, #"{"seats":"A1"}"#, 422),
                ("seats of numbers", json, #"{"seats":[1,2]}"#, 422),
                ("no seats field", json, #"{"seat":["A1"]}"#, 422),
                ("a list, not an object", json, #"["A1"]"#, 422),
                ("null", json, "null", 422),
                ("huge ttl", json, #"{"seats":["A1"],"ttl_seconds":1e300}"#, 422),
                ("negative ttl", json, #"{"seats":["A1"],"ttl_seconds":-5}"#, 422),
                ("unicode seats", json, #"{"seats":["Ä1","🎬","Ａ１","A\u0000"]}"#, 422),
                ("right-to-left", json, #"{"seats":["\u202EA1"]}"#, 422),
                ("long seat code", json, SeatLockingJSON.encode(["seats": [String(repeating: "A", count: 5000)]]), 422),
            ]
            for (name, headers, body, status) in cases {
                let response = try await client.raw(.post, lock, headers: headers, body: body.map { ByteBuffer(string: $0) })
                #expect(response.status == status, "\(name): \(response.text.prefix(200))")
                #expect(response.isFailureJSON, "\(name)")
            }
            #expect(try await client.states(showtime: api.id, as: alice).values.allSatisfy { $0 == "available" })
        }
    }

    @Test func aChunkedUploadOverTheLimitIsCutOffWith413() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let token = try await client.token(TestUsers.unique())
            let connection = try RawConnection(port: client.port)
            defer { connection.stop() }
            connection.send(
                "POST /api/v1/showtimes/\(api.id)/seats/lock HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = String(repeating: "a", count: 4096)
            for _ in 0..<256 where !connection.text.hasPrefix("HTTP/1.1") {
                guard connection.send("1000\r\n\(chunk)\r\n") else { break }
            }
            connection.send("0\r\n\r\n")
            #expect(await connection.waitFor("}"), "answered: \(connection.text)")
            #expect(connection.text.hasPrefix("HTTP/1.1 413"), "\(connection.text)")
            #expect(connection.text.contains(#""error":"invalid_request""#))
        }
    }

    @Test func showtimeIdsMustBePositiveWholeNumbers() async throws {
        // 22 requests of one user: more than the default burst of 20, which is not what this checks.
        let api = try await APIHarness.make { $0.rateLimit = nil }
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let ids: [(String, Int)] = [
                ("0", 400), ("-1", 400), ("abc", 400), ("1.5", 400), ("99999999999999999999999", 400),
                ("9223372036854775807", 400), ("%F0%9F%8E%AC", 400), ("%D9%A1%D9%A2", 400), ("+1", 400), ("1e3", 400),
                ("999999999999999999", 404),
            ]
            for (id, status) in ids {
                let response = try await client.send(.get, "/api/v1/showtimes/\(id)/seats/status", as: alice)
                #expect(response.status == status, "id \(id)")
                #expect(response.isFailureJSON, "id \(id)")
                let lock = try await client.send(.post, "/api/v1/showtimes/\(id)/seats/lock", as: alice, json: #"{"seats":["A1"]}"#)
                #expect(lock.status == status, "lock with id \(id)")
            }
        }
    }

    /// A path that exists with another method is a 405 naming the methods it takes.
    @Test func aWrongMethodIs405WithAllow() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/api/v1/showtimes/\(api.id)/seats/lock", "POST"),
                (.get, "/api/v1/showtimes/\(api.id)/seats/lock", "POST"),
                (.delete, "/health", "GET"),
                (.post, "/api/v1/showtimes/\(api.id)/bookings/12", "GET"),
            ] {
                let response = try await client.raw(method, path)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path): \(response.headers)")
                #expect(response.json["error"] as? String == "method_not_allowed")
            }
            #expect(try await client.raw(.get, "/api/v1/nowhere").status == 404, "a path that does not exist is still a 404")
        }
    }

    @Test func unlockQueriesOfAnySizeAreHandled() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let path = "/api/v1/showtimes/\(api.id)/seats/unlock"
            let long = (0..<2_000).map { "A\($0 % 10 + 1)" }.joined(separator: ",")
            let answers = [
                try await client.send(.delete, "\(path)?seats=", as: alice),
                try await client.send(.delete, "\(path)?seats=A1,,A2", as: alice),
                try await client.send(.delete, "\(path)?seats=%E2%80%AEA1", as: alice),
                try await client.send(.delete, "\(path)?seats=\(long)", as: alice),
            ]
            #expect(answers.map(\.status) == [400, 422, 422, 422])
            #expect(answers.allSatisfy { $0.isFailureJSON })
        }
    }
}
