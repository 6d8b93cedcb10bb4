import CinebookModel
import Foundation
import SeatLocking
import Testing
import TestSupport

/// `/metrics` after a scripted sequence of seat operations: every count exact.
@Suite struct MetricsTests {
    @Test func aScriptedSequenceGivesExactCounts() async throws {
        let api = try await APIHarness.make(policy: LockPolicy(maximumSeatsPerUser: 2))
        try await api.run { client in
            let (alice, bob, carol) = (TestUsers.unique("alice"), TestUsers.unique("bob"), TestUsers.unique("carol"))
            #expect(try await client.lock(["A1"], showtime: api.id, as: alice).status == 200)        // granted
            #expect(try await client.lock(["A1"], showtime: api.id, as: bob).status == 409)          // unavailable
            #expect(try await client.lock(["B1", "B2"], showtime: api.id, as: bob).status == 200)    // granted
            #expect(try await client.lock(["B3"], showtime: api.id, as: bob).status == 422)          // too many
            #expect(try await client.lock(["Z99"], showtime: api.id, as: bob).status == 422)         // invalid
            #expect(try await client.lock(["7C"], showtime: api.id, as: bob).status == 422)          // invalid: no seat code
            #expect(try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=A1", as: alice).status == 200)
            #expect(try await client.lock(["A2"], showtime: api.id, as: alice).status == 200)        // granted
            #expect(try await client.send(.post, "/api/v1/showtimes/\(api.id)/bookings", as: alice, json: #"{"seats":["A2"]}"#).status == 201)
            let short = try await client.send(
                .post, "/api/v1/showtimes/\(api.id)/seats/lock", as: carol, json: #"{"seats":["C1"],"ttl_seconds":1}"#)
            #expect(short.status == 200)                                                            // granted
            #expect(await eventually(timeout: .seconds(10)) { ((try? await api.service.sweep())?.total ?? 0) > 0 }, "C1 expired")

            let scrape = try await client.send(.get, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let values = Self.samples(scrape.text)
            #expect(values[#"cinebook_lock_attempts_total{outcome="granted"}"#] == 4)
            #expect(values[#"cinebook_lock_attempts_total{outcome="unavailable"}"#] == 1)
            #expect(values[#"cinebook_lock_attempts_total{outcome="too_many"}"#] == 1)
            #expect(values[#"cinebook_lock_attempts_total{outcome="invalid"}"#] == 2)
            #expect(values[#"cinebook_lock_attempts_total{outcome="error"}"#] == 0)
            #expect(values[#"cinebook_seat_operations_total{operation="lock",result="ok"}"#] == 4)
            #expect(values[#"cinebook_seat_operations_total{operation="lock",result="refused"}"#] == 4)
            #expect(values[#"cinebook_seat_operations_total{operation="unlock",result="ok"}"#] == 1)
            #expect(values[#"cinebook_seat_operations_total{operation="book",result="ok"}"#] == 1)
            #expect(values[#"cinebook_holds_ended_total{reason="released"}"#] == 1)
            #expect(values[#"cinebook_holds_ended_total{reason="booked"}"#] == 1)
            #expect(values[#"cinebook_holds_ended_total{reason="expired"}"#] == 1)
            let route = "/api/v1/showtimes/{id}/seats/lock"
            #expect(values[#"cinebook_http_requests_total{method="POST",route="\#(route)",status="200"}"#] == 4, "\(scrape.text)")
            #expect(values[#"cinebook_http_requests_total{method="POST",route="\#(route)",status="409"}"#] == 1)
            #expect(values[#"cinebook_http_requests_total{method="POST",route="\#(route)",status="422"}"#] == 3)
            #expect(values[#"cinebook_http_request_duration_seconds_count{method="POST",route="\#(route)"}"#] == 8)
            #expect((values[#"cinebook_redis_script_duration_seconds_count{script="lock"}"#] ?? 0) >= 6, "each lock's script was timed")
            #expect((values[#"cinebook_database_duration_seconds_count{operation="commit"}"#] ?? 0) == 1)
            #expect(values["cinebook_event_streams_open"] == 0)
        }
    }

    /// `name{labels} value` lines of a Prometheus text exposition.
    static func samples(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }
}
