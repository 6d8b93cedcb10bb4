import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking
import Testing
import TestSupport

/// Each endpoint's success path, and the answers shared with the command line's `--json`.
@Suite struct SeatEndpointTests {
    @Test func lockAnswersWithTheGrantOfTheCommandLine() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let response = try await client.lock(["a1", "A2"], showtime: api.id, as: alice)
            #expect(response.status == 200)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let json = response.json
            #expect(json["ok"] as? Bool == true)
            #expect(json["showtime_id"] as? Int == api.id)
            #expect(json["user"] as? String == alice)
            #expect(json["seats"] as? [String] == ["A1", "A2"])
            #expect(json["ttl_seconds"] as? Int == 900)
            #expect((json["expires_at"] as? String)?.hasSuffix("Z") == true)
            #expect((json["held"] as? [[String: Any]])?.count == 2)
            #expect(Set(json.keys) == ["ok", "showtime_id", "user", "seats", "expires_at", "ttl_seconds", "held", "server_time"])
            #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false)
        }
    }

    /// A client draws its map from this answer: it gives back the very showtime and rules.
    @Test func aShowtimeIsDescribedWithItsLayoutAndRulesWithoutAToken() async throws {
        let layout = try SeatLayout(rowPatterns: [(label: "A", pattern: "wss_ssw"), (label: "B", pattern: "pp__pp_"), (label: "C", pattern: "s")])
        let showtime = Showtime(
            id: TestShowtimes.uniqueID(), title: #"The "Quoted" Film"#, auditorium: "Hall 9",
            startsAt: TestShowtimes.farFuture.addingTimeInterval(0.25), layout: layout, occupied: ["A2", "B1"],
            timeZone: TimeZone(identifier: "Asia/Tokyo")!, salesCutoff: .seconds(900))
        let policy = LockPolicy(ttl: .seconds(600), maximumHold: .seconds(1800), maximumSeatsPerUser: 6)
        let api = try await APIHarness.make(showtimes: [showtime], policy: policy)
        try await api.run { client in
            let response = try await client.send(.get, "/api/v1/showtimes/\(showtime.id)")
            #expect(response.status == 200)
            let detail = try SeatLockingJSON.decode(SeatLockingJSON.ShowtimeDetail.self, from: Data(response.text.utf8))
            let decoded = try #require(detail.decoded())
            #expect(decoded.showtime == showtime)
            #expect(decoded.policy.ttl == policy.ttl && decoded.policy.maximumHold == policy.maximumHold)
            #expect(decoded.policy.maximumSeatsPerUser == 6)
            let described = try #require(response.json["showtime"] as? [String: Any])
            #expect(described.keys.sorted() == [
                "auditorium", "id", "occupied", "rows", "sales_close_at", "seat_count", "starts_at", "time_zone", "title",
            ], "the summary's fields and the layout's, in one object")

            let unknown = try await client.send(.get, "/api/v1/showtimes/\(showtime.id + 1)")
            #expect(unknown.status == 404 && unknown.json["error"] as? String == "unknown_showtime")
            let bad = try await client.send(.get, "/api/v1/showtimes/abc")
            #expect(bad.status == 400 && bad.isFailureJSON)
        }
    }

    /// A showtime that has started answers 409 `sales_closed`, saying when, in its cinema's zone.
    @Test func aStartedShowtimeRefusesLocksWithSalesClosed() async throws {
        let started = try TestShowtimes.make(
            ["ssss"], startsAt: Date(timeIntervalSince1970: 1_795_626_000), timeZone: TimeZone(identifier: "Europe/London")!)
        let api = try await APIHarness.make(showtimes: [started])
        try await api.run { client in
            let response = try await client.lock(["A1"], showtime: started.id, as: TestUsers.unique("alice"))
            #expect(response.status == 409)
            #expect(response.json["error"] as? String == "sales_closed")
            #expect(response.json["showtime_id"] as? Int == started.id)
            #expect(response.json["closed_at"] as? String == "2026-11-25T17:00:00.000Z")
            #expect(response.json["time_zone"] as? String == "Europe/London")
            #expect(response.json["message"] as? String
                == "Sales for showtime \(started.id) closed at Wed 25 Nov 17:00 GMT; its seats can no longer be locked or booked.")
            let listed = try await client.send(.get, "/api/v1/showtimes")
            let entry = (listed.json["showtimes"] as? [[String: Any]])?.first { $0["id"] as? Int == started.id }
            #expect(entry?["sales_close_at"] as? String == "2026-11-25T17:00:00.000Z")
        }
    }

    @Test func lockTakesAnOptionalTTL() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let response = try await client.send(
                .post, "/api/v1/showtimes/\(api.id)/seats/lock", as: TestUsers.unique(), json: #"{"seats":["B3"],"ttl_seconds":60}"#)
            #expect(response.status == 200)
            #expect(response.json["ttl_seconds"] as? Int == 60)
        }
    }

    @Test func statusShowsTheCallersSeatsAsSelectedAndNeverWhoHoldsTheOthers() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            #expect(try await client.lock(["C1"], showtime: api.id, as: alice).status == 200)

            let mine = try await client.status(showtime: api.id, as: alice)
            #expect(mine.status == 200)
            let entries = try #require(mine.json["seats"] as? [[String: Any]])
            #expect(entries.count == 50)
            let c1 = try #require(entries.first { $0["seat"] as? String == "C1" })
            #expect(c1["state"] as? String == "selected")
            #expect(c1["expires_at"] is String)

            let theirs = try await client.status(showtime: api.id, as: bob)
            #expect(try await client.states(showtime: api.id, as: bob)["C1"] == "locked")
            #expect(!theirs.text.contains(alice), "the status never names the holder")
            let counts = try #require(theirs.json["counts"] as? [String: Int])
            #expect(counts["locked"] == 1 && counts["available"] == 49)
        }
    }

    @Test func unlockTakesTheSeatsFromTheBodyOrTheQuery() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            #expect(try await client.lock(["D1", "D2", "D3"], showtime: api.id, as: alice).status == 200)

            let body = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock", as: alice, json: #"{"seats":["D1"]}"#)
            #expect(body.status == 200)
            #expect(body.json["released"] as? [String] == ["D1"])

            let query = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=D2,d3", as: alice)
            #expect(query.status == 200)
            #expect(query.json["released"] as? [String] == ["D2", "D3"])

            let again = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=D2", as: alice)
            #expect(again.status == 200, "unlocking twice is fine")
            #expect(again.json["released"] as? [String] == [])
            #expect(try await client.states(showtime: api.id, as: alice)["D1"] == "available")

            let nothing = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock", as: alice)
            #expect(nothing.status == 400)
            #expect(nothing.error == "invalid_request")
        }
    }

    @Test func extendGivesAFreshTTLOnlyToLiveLocks() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let path = "/api/v1/showtimes/\(api.id)/seats/extend-lock"
            _ = try await client.send(.post, "/api/v1/showtimes/\(api.id)/seats/lock", as: alice, json: #"{"seats":["E1"],"ttl_seconds":30}"#)

            let extended = try await client.send(.put, path, as: alice, json: #"{"seats":["E1"],"ttl_seconds":600}"#)
            #expect(extended.status == 200)
            #expect(extended.json["ttl_seconds"] as? Int == 600)
            #expect(extended.json["seats"] as? [String] == ["E1"])

            let expired = try await client.send(.put, path, as: alice, json: #"{"seats":["E2"]}"#)
            #expect(expired.status == 409)
            #expect(expired.error == "lock_expired")
            #expect(expired.json["seats"] as? [String] == ["E2"])
        }
    }

    @Test func bookingSellsTheSeatsForGood() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            #expect(try await client.lock(["B5", "B6"], showtime: api.id, as: alice).status == 200)

            let booked = try await client.send(.post, "/api/v1/showtimes/\(api.id)/bookings", as: alice, json: #"{"seats":["B5","B6"]}"#)
            #expect(booked.status == 201)
            #expect(booked.json["ok"] as? Bool == true)
            #expect(booked.json["booking_id"] is Int)
            #expect(booked.json["seats"] as? [String] == ["B5", "B6"])
            #expect(booked.json["booked_at"] is String)

            #expect(try await client.states(showtime: api.id, as: bob)["B5"] == "occupied")
            let taken = try await client.lock(["B5", "B6"], showtime: api.id, as: bob)
            #expect(taken.status == 409)
            #expect(taken.error == "seats_unavailable")
            #expect(taken.json["unavailable"] as? [String] == ["B5", "B6"])
            #expect((taken.json["suggestions"] as? [[String]])?.first?.count == 2)
            #expect((taken.json["message"] as? String)?.contains("no longer available") == true)

            let again = try await client.send(.post, "/api/v1/showtimes/\(api.id)/bookings", as: alice, json: #"{"seats":["B5"]}"#)
            #expect(again.status == 201, "booking seats you booked already answers with that booking")
            #expect(again.json["booking_id"] as? Int == booked.json["booking_id"] as? Int)
            let other = try await client.send(.post, "/api/v1/showtimes/\(api.id)/bookings", as: bob, json: #"{"seats":["B5"]}"#)
            #expect(other.status == 409)
            #expect(other.error == "not_lock_owner")
        }
    }

    @Test func showtimesAreListedWithoutAToken() async throws {
        let first = try TestShowtimes.grid(rows: 2, seats: 4)
        let second = try TestShowtimes.make(["sss_sss"], title: "Second Screening")
        let api = try await APIHarness.make(showtimes: [first, second])
        try await api.run { client in
            let response = try await client.send(.get, "/api/v1/showtimes")
            #expect(response.status == 200)
            let listed = try #require(response.json["showtimes"] as? [[String: Any]])
            #expect(listed.compactMap { $0["id"] as? Int } == [first.id, second.id].sorted())
            #expect(listed.contains { $0["title"] as? String == "Second Screening" && $0["seat_count"] as? Int == 6 })
        }
    }

    @Test func healthReportsRedisAndItsRoundTrip() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let response = try await client.send(.get, "/health")
            #expect(response.status == 200)
            #expect(response.json["ok"] as? Bool == true)
            let redis = try #require(response.json["redis"] as? [String: Any])
            #expect(redis["reachable"] as? Bool == true)
            #expect((redis["rtt_ms"] as? Double).map { $0 >= 0 } == true)
        }
    }

    @Test func conflictsAndValidationErrorsCarryTheCommandLinesCodes() async throws {
        let api = try await APIHarness.make(showtimes: [TestShowtimes.grid(rows: 2, seats: 12)])
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let path = "/api/v1/showtimes/\(api.id)/seats/lock"
            let cases: [(json: String, status: Int, error: String)] = [
                (#"{"seats":["Z9"]}"#, 422, "unknown_seat"),
                (#"{"seats":["A1","a1"]}"#, 422, "invalid_request"),
                (#"{"seats":[]}"#, 422, "invalid_request"),
                (#"{"seats":["seven"]}"#, 422, "invalid_request"),
                (SeatLockingJSON.encode(["seats": (1...11).map { "A\($0)" }]), 422, "too_many_seats"),
                (#"{"seats":["A1"],"ttl_seconds":0}"#, 422, "invalid_request"),
            ]
            for (json, status, error) in cases {
                let response = try await client.send(.post, path, as: alice, json: json)
                #expect(response.status == status, "\(json)")
                #expect(response.error == error, "\(json)")
                #expect(response.isFailureJSON, "\(json)")
            }
            let unknown = try await client.send(.post, "/api/v1/showtimes/\(api.id + 1_000_000)/seats/lock", as: alice, json: #"{"seats":["A1"]}"#)
            #expect(unknown.status == 404)
            #expect(unknown.error == "unknown_showtime")
        }
    }

    @Test func unknownRoutesGetAJSONNotFound() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            for (method, path) in [(HTTPRequest.Method.get, "/nothing"), (.get, "/api/v1/showtimes/\(api.id)/seat/lock"), (.patch, "/healthz")] {
                let response = try await client.send(method, path)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.error == "not_found")
                #expect(response.isFailureJSON)
            }
            // A path that exists with another method: 405 (see BadInputTests), in JSON too.
            let wrongMethod = try await client.send(.patch, "/health")
            #expect(wrongMethod.status == 405 && wrongMethod.error == "method_not_allowed" && wrongMethod.isFailureJSON)
        }
    }
}
