import CinebookModel
import Foundation
import SeatAPI
import Testing
import TestSupport

/// The API fuzzer on the showtime's WebSocket: random messages (garbage text, JSON that is
/// not an object, requests with every field right or wrong, good and bad tokens) on one
/// socket. Each gets one answer, never a 5xx, every 4xx with a JSON error; a refused one
/// leaves Redis as it was; the socket stays open throughout, and another socket on the same
/// showtime goes on hearing its events.
///
/// Replay a failure with `CINEBOOK_FUZZ_SEED=<seed>`; `CINEBOOK_FUZZ_RUNS` sets the count.
@Suite struct SocketFuzzTests {
    static let answered: Set<Int> = [200, 201, 304, 400, 401, 403, 404, 409, 410, 422]

    @Test func randomSocketMessagesGetClearAnswersAndRefusedOnesLeaveRedisUnchanged() async throws {
        let seed = FuzzSettings.seed()
        let runs = FuzzSettings.runs(default: 200)
        print("SocketFuzzTests: seed \(seed), \(runs) messages (replay: CINEBOOK_FUZZ_SEED=\(seed))")
        let api = try await APIHarness.make { $0.rateLimit = nil }
        let tally = try await api.run { client in
            let showtime = ShowtimeState(id: api.id, redis: api.redis, service: api.service)
            let generator = try await RequestGenerator(api: api, client: client)
            let path = "/api/v1/showtimes/\(api.id)/ws"
            let listener = try await TestSocket.open(port: client.port, path: path, headers: [.authorization: "Bearer \(generator.tokens["dave"]!)"])
            defer { listener.close() }
            // Most sockets sign in first, so that the fuzz reaches the operations as well as
            // the refusals of a socket nobody signed in on.
            let users = generator.tokens.keys.sorted()
            func fresh(_ random: inout SeededRandom) async throws -> TestSocket {
                let socket = try await TestSocket.open(port: client.port, path: path)
                guard random.chance(0.7) else { return socket }
                socket.send(["id": "signin", "op": "auth", "token": generator.tokens[random.pick(users)]!])
                _ = await socket.answer("signin")
                return socket
            }
            var opening = SeededRandom(seed: seed, stream: 1 << 41)
            var socket = try await fresh(&opening)
            var tally: [Int: Int] = [:]
            var needsReset = true
            for run in 0..<runs {
                if needsReset { try await showtime.reset() }
                var random = SeededRandom(seed: seed, stream: UInt64(run) | 1 << 40)
                if random.chance(0.05) {
                    socket.close()
                    socket = try await fresh(&random)
                }
                // Under the frame limit: a larger frame closes the socket, which SeatSocketTests checks.
                var message = generator.socketMessage(&random, id: "m\(run)")
                while message.utf8.count > 12_000 { message = String(message.prefix(message.count / 2)) }
                let report = "seed \(seed) run \(run) (replay: CINEBOOK_FUZZ_SEED=\(seed))\nmessage: \(message.prefix(500))"
                let before = try await showtime.snapshot()
                let answersBefore = socket.answerCount
                socket.send(message)
                guard await eventually(timeout: .seconds(10), { socket.answerCount > answersBefore }), let answer = socket.answer(at: answersBefore) else {
                    Issue.record("no answer\n\(report)\nended: \(socket.ended)")
                    break
                }
                let status = answer["status"] as? Int ?? 0
                tally[status, default: 0] += 1
                #expect(Self.answered.contains(status), "status \(status)\n\(report)\nanswer: \(answer)")
                let refused = (400..<500).contains(status)
                if refused {
                    let body = answer["body"] as? [String: Any] ?? [:]
                    #expect(body["ok"] as? Bool == false && body["error"] is String && body["message"] is String, "a JSON error\n\(report)\n\(answer)")
                    let after = try await showtime.snapshot()
                    #expect(after == before, "a refused message changed Redis: \(ShowtimeState.difference(before, after))\n\(report)")
                    needsReset = after != before
                } else {
                    needsReset = true
                }
            }
            #expect(!socket.ended, "no message closed the socket")
            socket.send(["id": "last", "op": "auth", "token": generator.tokens["carol"]!])
            #expect(await socket.answer("last")?["status"] as? Int == 200)
            socket.send(["id": "lock", "op": "lock", "seats": ["E10"]])
            #expect(await socket.answer("lock")?["status"] as? Int == 200, "a valid lock still works afterwards")
            #expect(await listener.first { ($0["data"] as? [String: Any])?["seats"] as? [String] == ["E10"] } != nil, "and is heard")
            socket.close()
            return tally
        }
        print("SocketFuzzTests: answers \(tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
        #expect(runs < 50 || tally.keys.contains { (400..<500).contains($0) } && tally.keys.contains { $0 < 300 }, "both refusals and successes")
    }
}

extension RequestGenerator {
    static let socketOperations = ["auth", "lock", "best", "extend", "unlock", "book", "presence", "status", "", "LOCK", "teleport"]

    /// A message for the socket: mostly a request object with each field right or wrong,
    /// else text that is no request at all.
    func socketMessage(_ random: inout SeededRandom, id: String) -> String {
        if random.chance(0.1) {
            return random.chance(0.5) ? HostileText.string(&random) : json(&random, depth: 3)
        }
        var fields: [String] = []
        fields.append(#""id":\#(random.chance(0.9) ? quoted(id) : json(&random, depth: 1))"#)
        if random.chance(0.95) { fields.append(#""op":\#(random.chance(0.9) ? quoted(random.pick(Self.socketOperations)) : json(&random, depth: 1))"#) }
        if random.chance(0.4) {
            let token = random.chance(0.7) ? tokens[random.pick(Array(tokens.keys).sorted())]! : String(random.pick(badAuthorizations).dropFirst(7))
            fields.append(#""token":\#(random.chance(0.9) ? quoted(token) : json(&random, depth: 1))"#)
        }
        if random.chance(0.6) {
            let seats = random.chance(0.7) ? "[" + (0..<random.int(in: 1...3)).map { _ in quoted(seat(&random)) }.joined(separator: ",") + "]" : json(&random, depth: 2)
            fields.append(#""seats":\#(seats)"#)
        }
        for (field, valid) in [("ttl_seconds", "\(random.int(in: 1...3_600))"), ("count", "\(random.int(in: 1...4))"), ("or_nearest", "true"),
                               ("wheelchair", "false"), ("category", #""premium""#), ("near", "[\(quoted(seat(&random)))]"),
                               ("party", #""FERN-427""#), ("pass", #""x""#), ("if_none_match", #""*""#)] where random.chance(0.15) {
            fields.append("\(quoted(field)):\(random.chance(0.6) ? valid : json(&random, depth: 1))")
        }
        fields.shuffle(using: &random)
        return "{" + fields.joined(separator: ",") + "}"
    }
}
