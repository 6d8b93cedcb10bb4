import CinebookModel
import Foundation
import HTTPTypes
import Testing
import TestSupport

/// Parties over HTTP: start, join by code, pick and book for the party with the
/// `Cinebook-Party` header; each bad code its own status.
@Suite struct PartyEndpointTests {
    @Test func friendsChooseAndBookTogetherAndBadCodesGetTheirOwnStatuses() async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 8), other = try TestShowtimes.grid(rows: 1, seats: 4)
        let api = try await APIHarness.make(showtimes: [showtime, other])
        try await api.run { client in
            let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
            let base = "/api/v1/showtimes/\(showtime.id)"
            let started = try await client.send(.post, "\(base)/parties", as: alice)
            #expect(started.status == 201, "\(started.text)")
            let code = try #require(started.json["code"] as? String)
            let joined = try await client.send(.post, "\(base)/parties/\(code.lowercased())/members", as: bob)
            #expect(joined.status == 200 && (joined.json["members"] as? [[String: Any]])?.count == 2, "\(joined.text)")

            let party: HTTPFields = [HTTPField.Name("Cinebook-Party")!: code]
            let lock = { (user: String, seats: [String]) in
                try await client.send(.post, "\(base)/seats/lock", as: user, json: APIClient.selection(seats), headers: party)
            }
            #expect(try await lock(alice, ["A1", "A2"]).status == 200)
            #expect(try await lock(bob, ["A3"]).status == 200)
            let seen = try await client.send(.get, "\(base)/seats/status", as: bob, headers: party)
            let states = Dictionary(uniqueKeysWithValues: (seen.json["seats"] as? [[String: Any]] ?? []).map { ($0["seat"] as! String, $0["state"] as! String) })
            #expect(states["A1"] == "selected" && states["A3"] == "selected", "a member sees the party's seats as theirs")
            let stranger = try await lock(carol, ["B1"])
            #expect(stranger.status == 403 && stranger.json["error"] as? String == "not_party_member", "\(stranger.text)")
            let malformed = try await client.send(
                .post, "\(base)/seats/lock", as: alice, json: APIClient.selection(["B1"]), headers: [HTTPField.Name("Cinebook-Party")!: "FERN-42"])
            #expect(malformed.status == 422 && malformed.json["error"] as? String == "invalid_request", "\(malformed.text)")

            let swapped = try await client.send(.put, "\(base)/parties/\(code)/seats", as: bob, json: APIClient.selection(["A2", "A3"]))
            #expect(swapped.status == 200 && swapped.json["seats"] as? [String: String] == ["A1": alice, "A2": bob, "A3": alice], "\(swapped.text)")
            let notOurs = try await client.send(.put, "\(base)/parties/\(code)/seats", as: bob, json: APIClient.selection(["B5"]))
            #expect(notOurs.status == 409 && notOurs.json["error"] as? String == "not_lock_owner", "\(notOurs.text)")
            _ = try await client.send(.put, "\(base)/parties/\(code)/seats", as: bob, json: APIClient.selection(["A2", "A3"]))

            let booked = try await client.send(.post, "\(base)/bookings", as: bob, json: APIClient.selection(["A1", "A2", "A3"]), headers: party)
            #expect(booked.status == 201, "\(booked.text)")
            #expect(booked.json["sitters"] as? [String: String] == ["A1": alice, "A2": alice, "A3": bob], "\(booked.text)")

            let unknown = try await client.send(.post, "\(base)/parties/ZZZZZ-000/members", as: carol)
            #expect(unknown.status == 404 && unknown.json["error"] as? String == "party_not_found", "\(unknown.text)")
            let elsewhere = try await client.send(.post, "/api/v1/showtimes/\(other.id)/parties/\(code)/members", as: carol)
            #expect(elsewhere.status == 422 && elsewhere.json["error"] as? String == "party_other_showtime", "\(elsewhere.text)")
            let notIn = try await client.send(.get, "\(base)/parties/\(code)", as: carol)
            #expect(notIn.status == 403, "\(notIn.text)")
            #expect(try await client.send(.delete, "\(base)/parties/\(code)/members/me", as: alice).status == 200)
            let last = try await client.send(.delete, "\(base)/parties/\(code)/members/me", as: bob)
            #expect(last.status == 200 && last.json["party"] == nil, "\(last.text)")
            let ended = try await client.send(.post, "\(base)/parties/\(code)/members", as: carol)
            #expect(ended.status == 410 && ended.json["error"] as? String == "party_ended", "\(ended.text)")
        }
    }
}
