import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// When Redis goes away the API answers 503 at once, and recovers by itself.
@Suite struct RedisOutageTests {
    @Test func redisStoppedGives503WithinTwoSecondsAndRecoversWithoutARestart() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let api = try await APIHarness.make(redis: server.url, timeout: .milliseconds(500))
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            #expect(try await client.lock(["A1"], showtime: api.id, as: alice).status == 200)
            #expect(try await client.send(.get, "/health").status == 200)

            server.stop()
            let clock = ContinuousClock()
            for request in ["health", "lock", "status", "unlock"] {
                let start = clock.now
                let response: APIResponse
                switch request {
                case "health": response = try await client.send(.get, "/health")
                case "lock": response = try await client.lock(["A2"], showtime: api.id, as: alice)
                case "status": response = try await client.status(showtime: api.id, as: alice)
                default: response = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=A1", as: alice)
                }
                #expect(clock.now - start < answerNotHang, "\(request) answered, not hung")
                #expect(response.status == 503, "\(request)")
                #expect(response.error == "redis_unavailable", "\(request)")
                #expect(response.json["message"] is String)
            }

            try server.start()
            #expect(try await eventually(timeout: .seconds(10)) { try await client.send(.get, "/health").status == 200 })
            let recovered = try await client.lock(["A3"], showtime: api.id, as: alice)
            #expect(recovered.status == 200, "the same server works again: \(recovered.text)")
        }
    }

    @Test func aHungRedisAlsoGives503WithinTwoSeconds() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let api = try await APIHarness.make(redis: server.url, timeout: .milliseconds(500))
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            #expect(try await client.lock(["A1"], showtime: api.id, as: alice).status == 200)
            server.suspend()
            let start = ContinuousClock.now
            let response = try await client.lock(["A2"], showtime: api.id, as: alice)
            #expect(ContinuousClock.now - start < answerNotHang)
            #expect(response.status == 503)
            server.resume()
            #expect(try await eventually(timeout: .seconds(10)) { try await client.send(.get, "/health").status == 200 })
        }
    }
}
