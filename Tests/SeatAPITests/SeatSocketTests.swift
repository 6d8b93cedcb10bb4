import CinebookModel
import Foundation
import HTTPTypes
import SeatAPI
import SeatAPIClient
import Testing
import TestSupport

/// `/api/v1/showtimes/{id}/ws`: one socket carries the showtime's events and the seat
/// operations, with the HTTP API's bodies and errors and the client's request ids.
@Suite struct SeatSocketTests {
    @Test func aSocketCarriesEventsAndSeatOperationsWithTheBodiesOfHTTP() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            let path = "/api/v1/showtimes/\(api.id)/ws"
            // alice signs in with her first message, as a browser must; bob with the upgrade's header.
            let first = try await TestSocket.open(port: client.port, path: path)
            defer { first.close() }
            first.send(["id": "hello", "op": "auth", "token": try await client.token(alice)])
            #expect(await first.answer("hello")?["status"] as? Int == 200)
            let second = try await TestSocket.open(
                port: client.port, path: path, headers: [.authorization: "Bearer \(try await client.token(bob))"])
            defer { second.close() }
            #expect(await second.first { $0["event"] as? String == "connected" } != nil, "bob's events flow at once")

            first.send(["id": "1", "op": "lock", "seats": ["D4"]])
            let answered = await first.answer("1", timeout: .seconds(30))
            let grant = try #require(answered, "no answer to the lock: \(first.texts.suffix(3)), ended: \(first.ended), \(String(describing: first.closeCode))")
            #expect(grant["status"] as? Int == 200)
            let body = try #require(grant["body"] as? [String: Any])
            #expect(body["seats"] as? [String] == ["D4"] && body["user"] as? String == alice && body["ok"] as? Bool == true)
            #expect(Set(body.keys) == Set(try await client.lock(["D5"], showtime: api.id, as: alice).json.keys), "the HTTP answer's body")
            #expect(await second.first(timeout: .seconds(1)) { ($0["data"] as? [String: Any])?["seats"] as? [String] == ["D4"] } != nil,
                    "bob hears the lock within 1 s")
            #expect(!second.texts.joined().contains(alice), "events never say who")

            // bob's lock of the same seat: the 409 and its suggestions, as HTTP has them.
            second.send(["id": "b1", "op": "lock", "seats": ["D4"]])
            let refused = try #require(await second.answer("b1"))
            #expect(refused["status"] as? Int == 409)
            let failure = try #require(refused["body"] as? [String: Any])
            #expect(failure["error"] as? String == "seats_unavailable" && !(failure["suggestions"] as? [[String]] ?? []).isEmpty, "\(failure)")

            second.send(["id": "b2", "op": "best", "count": 2])
            let best = try #require(await second.answer("b2"))
            #expect(best["status"] as? Int == 200 && ((best["body"] as? [String: Any])?["seats"] as? [String])?.count == 2, "\(best)")
            let bestSeats = (best["body"] as? [String: Any])?["seats"] as? [String] ?? []
            second.send(["id": "b3", "op": "extend", "seats": bestSeats])
            #expect(await second.answer("b3")?["status"] as? Int == 200)
            second.send(["id": "b4", "op": "book", "seats": bestSeats])
            let booked = try #require(await second.answer("b4"))
            #expect(booked["status"] as? Int == 201 && (booked["body"] as? [String: Any])?["booking_id"] != nil, "\(booked)")
            #expect(await first.first(timeout: .seconds(1)) { $0["event"] as? String == "booked" } != nil, "alice hears the sale")

            first.send(["id": "2", "op": "unlock", "seats": ["D4"]])
            #expect((await first.answer("2")?["body"] as? [String: Any])?["released"] as? [String] == ["D4"])
            first.send(["id": "3", "op": "status"])
            let status = try #require(await first.answer("3"))
            let tag = try #require((status["body"] as? [String: Any])?["etag"] as? String)
            first.send(["id": "4", "op": "status", "if_none_match": tag])
            #expect(await first.answer("4")?["status"] as? Int == 304, "a current copy is a 304")
        }
    }

    /// Malformed JSON, wrong types, unknown operations, binary frames, requests before signing in
    /// and a frame over the limit: each gets a clear answer (the last closes its own socket,
    /// 1009), and another socket goes on working and hearing.
    @Test func badMessagesGetClearErrorsAndNeverCloseOtherSockets() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let carol = TestUsers.unique("carol")
            let path = "/api/v1/showtimes/\(api.id)/ws"
            let bystander = try await TestSocket.open(
                port: client.port, path: path, headers: [.authorization: "Bearer \(try await client.token(TestUsers.unique("dora")))"])
            defer { bystander.close() }
            let socket = try await TestSocket.open(port: client.port, path: path)
            defer { socket.close() }

            let cases: [(message: String, status: Int, says: String)] = [
                ("not json", 400, "JSON object"),
                ("[1, 2, 3]", 400, "JSON object"),
                (#"{"id": "x", "op": "lock", "seats": ["A1"]}"#, 401, "Sign in first"),
                (#"{"id": "y", "op": "auth", "token": "nope"}"#, 401, "not valid"),
                (#"{"id": "z", "op": "teleport"}"#, 422, "op must be one of"),
                (#"{"id": 7, "op": "lock"}"#, 422, "id must be a string"),
                (#"{"id": "\#(String(repeating: "i", count: 65))", "op": "lock"}"#, 422, "at most 64"),
            ]
            for (message, status, says) in cases {
                let before = socket.answerCount
                socket.send(message)
                #expect(await eventually { socket.answerCount > before }, "an answer to \(message)")
                let answer = socket.answer(at: before) ?? [:]
                #expect(answer["status"] as? Int == status, "\(message): \(answer)")
                #expect(((answer["body"] as? [String: Any])?["message"] as? String ?? "").contains(says), "\(message): \(answer)")
            }
            socket.send(["id": "in", "op": "auth", "token": try await client.token(carol)])
            #expect(await socket.answer("in")?["status"] as? Int == 200)
            let typed: [(String, Int)] = [
                (#"{"id": "t1", "op": "lock", "seats": 5}"#, 422), (#"{"id": "t2", "op": "lock", "seats": ["ZZ99"]}"#, 422),
                (#"{"id": "t3", "op": "best", "count": "two"}"#, 422), (#"{"id": "t4", "op": "best"}"#, 422),
                (#"{"id": "t5", "op": "lock", "seats": ["A1"], "party": "not a code"}"#, 422), (#"{"id": "t6", "op": "auth"}"#, 401),
            ]
            for (message, status) in typed {
                let id = try #require((try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])?["id"] as? String)
                socket.send(message)
                #expect(await socket.answer(id)?["status"] as? Int == status, "\(message): \(socket.texts.last ?? "")")
            }
            let beforeBinary = socket.answerCount
            socket.send(binary: [0, 1, 2, 3])
            #expect(await eventually { socket.answer(at: beforeBinary)?["status"] as? Int == 400 }, "a binary frame: \(socket.texts.last ?? "")")

            #expect(!socket.ended, "bad requests never close the socket (SocketFuzzTests sends hundreds more)")

            // A frame over the limit closes that socket alone.
            let huge = try await TestSocket.open(port: client.port, path: path)
            huge.send(#"{"op": "auth", "token": ""# + String(repeating: "x", count: 64 * 1024) + #""}"#)
            #expect(await eventually(timeout: .seconds(10)) { huge.ended }, "the oversized socket is closed")
            #expect(huge.closeCode == nil || huge.closeCode == "messageTooLarge", "\(String(describing: huge.closeCode))")

            // The bystander still works and hears.
            #expect(!bystander.ended)
            bystander.send(["id": "ok", "op": "lock", "seats": ["E9"]])
            #expect(await bystander.answer("ok")?["status"] as? Int == 200, "\(bystander.texts.suffix(2))")
            socket.send(["id": "c1", "op": "lock", "seats": ["E1"]])
            #expect(await socket.answer("c1")?["status"] as? Int == 200)
            #expect(await bystander.first { ($0["data"] as? [String: Any])?["seats"] as? [String] == ["E1"] } != nil)
        }
    }

    /// Without an upgrade, the socket's address says what it is; with a bad token, 401.
    @Test func thePlainAddressSaysItIsASocket() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let plain = try await client.send(.get, "/api/v1/showtimes/\(api.id)/ws")
            #expect(plain.status == 426 && plain.json["error"] as? String == "invalid_request", "\(plain.text)")
            let badToken = try await client.send(.get, "/api/v1/showtimes/\(api.id)/ws", headers: [.authorization: "Bearer nope"])
            #expect(badToken.status == 401)
            #expect(try await client.send(.get, "/api/v1/showtimes/999999/ws").status == 404)
            await #expect(throws: (any Error).self) {
                try await TestSocket.open(port: client.port, path: "/api/v1/showtimes/\(api.id)/ws", headers: [.authorization: "Bearer nope"])
            }
        }
    }

    /// The API's own client takes the socket when the server offers it: its seat operations
    /// go over it (no HTTP request for them reaches the server), and the feed comes with it.
    @Test func theClientUsesTheSocketWhenTheServerOffersIt() async throws {
        let api = try await APIHarness.make()
        try await api.runWithSeatAPIClient(socket: true) { client in
            // The harness's client mints a token per user; the socket is opened with the viewer's.
            let erin = "viewer"
            let feed = try client.events(showtime: api.id)
            var iterator = feed.makeAsyncIterator()
            let connected = await iterator.next()
            #expect({ if case .connected? = connected { true } else { false } }(), "\(String(describing: connected))")
            // The socket has opened; give the link a moment to see it open for this user's token.
            _ = await eventually { (try? await client.viewer(of: erin, showtime: api.id)) != nil }
            let grant = try await client.lock([SeatCode("B2")], showtime: api.id, user: erin, ttl: nil)
            #expect(grant.seats.map(\.code.text) == ["B2"])
            let metrics = String(decoding: api.metrics.exposition(), as: UTF8.self)
            #expect(!metrics.contains(#"route="/api/v1/showtimes/{id}/seats/lock""#), "the lock went over the socket")
            let change = await iterator.next()
            #expect({ if case let .change(event)? = change { event.seats.map(\.text) == ["B2"] } else { false } }(), "\(String(describing: change))")
            let booking = try await client.book([SeatCode("B2")], showtime: api.id, user: erin)
            #expect(booking.seats.map(\.text) == ["B2"])
        }
    }
}
