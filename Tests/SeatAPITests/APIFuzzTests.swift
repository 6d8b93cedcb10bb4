import CinebookModel
import CinebookSupport
import Foundation
import Hummingbird
import RedisClient
import SeatAPI
import SeatLocking
import Testing
import TestSupport

/// Random requests, hostile in every part, get an answer the OpenAPI description allows:
/// never a 5xx, every 4xx a JSON error with its code, and a refused request leaves Redis
/// exactly as it found it. Afterwards the server is healthy and still locks seats.
///
/// Replay a failure with `CINEBOOK_FUZZ_SEED=<seed>`; `CINEBOOK_FUZZ_RUNS` sets the count.
@Suite struct APIFuzzTests {
    /// Sends the random requests one by one (rate limit off) and checks each answer.
    @Test func randomRequestsGetDocumentedAnswersAndRefusedOnesLeaveRedisUnchanged() async throws {
        let seed = FuzzSettings.seed()
        let runs = FuzzSettings.runs(default: 800)
        print("APIFuzzTests: seed \(seed), \(runs) requests (replay: CINEBOOK_FUZZ_SEED=\(seed))")
        let documented = try DocumentedStatuses.load()
        let api = try await APIHarness.make { $0.rateLimit = nil }
        let tally = try await api.run { client in
            let showtime = ShowtimeState(id: api.id, redis: api.redis, service: api.service)
            let generator = try await RequestGenerator(api: api, client: client)
            var tally: [String: Int] = [:]
            var needsReset = true
            for run in 0..<runs {
                if needsReset { try await showtime.reset() }
                var random = SeededRandom(seed: seed, stream: UInt64(run))
                let request = generator.make(&random)
                let before = try await showtime.snapshot()
                let answer = await request.send(to: client)
                let report = "seed \(seed) run \(run) (replay: CINEBOOK_FUZZ_SEED=\(seed))\n\(request)\nanswer: \(answer)"
                tally[answer.status.map(String.init) ?? "no answer", default: 0] += 1
                check(answer, to: request, allowed: documented.allowed(request.method, request.path), report)
                let refused = answer.status.map { (400..<500).contains($0) } ?? (request.framing != .wellFormed)
                needsReset = !refused
                if refused {
                    let after = try await showtime.snapshot()
                    #expect(after == before, "a refused request changed Redis: \(ShowtimeState.difference(before, after))\n\(report)")
                    needsReset = after != before
                }
            }

            let health = try await client.raw(.get, "/health")
            #expect(health.status == 200, "the server is healthy afterwards: \(health.text)")
            let newcomer = TestUsers.unique("after-fuzz")
            let lock = try await client.lock(["E10"], showtime: api.id, as: newcomer)
            #expect(lock.status == 200, "a valid lock still works afterwards: \(lock.text)")
            #expect(lock.json["seats"] as? [String] == ["E10"])
            return tally
        }
        print("APIFuzzTests: answers \(tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
        #expect(tally.values.reduce(0, +) == runs)
        #expect(runs < 50 || tally.keys.contains { $0.hasPrefix("4") }, "bad requests were generated and refused")
    }

    /// The checks every answer gets, whatever the request.
    private func check(_ answer: FuzzAnswer, to request: FuzzRequest, allowed: Set<Int>, _ report: String) {
        guard let status = answer.status else {
            #expect(request.framing != .wellFormed, "a well-formed request got no answer\n\(report)")
            #expect(!answer.hung, "the server neither answered nor closed the connection\n\(report)")
            return
        }
        #expect(status < 500, "a server error\n\(report)")
        if request.framing == .wellFormed {
            #expect(allowed.contains(status), "status \(status) is not among \(allowed.sorted()) for this route\n\(report)")
        } else if status < 500 {
            #expect((400..<500).contains(status) || allowed.contains(status), "malformed HTTP gets a 4xx or a documented status\n\(report)")
        }
        guard (400..<500).contains(status), request.method != "HEAD", request.framing == .wellFormed || answer.fromApplication else { return }
        #expect(answer.isFailureJSON, "a 4xx has a JSON error body with an error code\n\(report)")
    }
}

/// The statuses `openapi.yaml` documents for each operation ("POST /api/v1/showtimes/{id}/seats/lock").
struct DocumentedStatuses {
    let operations: [String: Set<Int>]

    /// Reads the specification, which keeps one layout: paths indented by two spaces,
    /// operations by four, and response codes by eight.
    static func load() throws -> DocumentedStatuses {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var operations: [String: Set<Int>] = [:]
        var path: String?
        var operation: String?
        for line in try String(contentsOf: OpenAPITests.specification, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if !line.hasPrefix(" ") {
                path = nil
                operation = nil
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = String(line.dropFirst(4).prefix { $0 != ":" })
                operation = methods.contains(key) ? "\(key.uppercased()) \(path)" : nil
            } else if let operation, line.hasPrefix("        \""), !line.hasPrefix("         "),
                      let code = Int(line.dropFirst(9).prefix(3)) {
                operations[operation, default: []].insert(code)
            }
        }
        return DocumentedStatuses(operations: operations)
    }

    /// The statuses a request may get: what its operation documents, less 429 (the rate
    /// limit is off) and 503 (Redis is up); 404 or 405 for a route or method that does
    /// not exist.
    func allowed(_ method: String, _ target: String) -> Set<Int> {
        var path = target.prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false)
        if path.count > 2, path.last == "" { path.removeLast() }
        for (operation, statuses) in operations {
            let parts = operation.split(separator: " ", maxSplits: 1)
            let template = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == path.count,
                  zip(template, path).allSatisfy({ $0.0.hasPrefix("{") ? !$0.1.isEmpty : $0.0 == $0.1 })
            else { continue }
            if parts[0] == method { return statuses.subtracting([429, 503]).union(collapsed(method, target)) }
        }
        return Set([404, 405]).union(collapsed(method, target))
    }

    /// A path that is not UTF-8 once decoded (`%FF`) reaches the server as `/` through the
    /// HTTP client: what `/` answers (the page to a GET, 405 to the rest) is allowed too.
    private func collapsed(_ method: String, _ target: String) -> Set<Int> {
        guard target.prefix(while: { $0 != "?" }).removingPercentEncoding == nil else { return [] }
        return method == "GET" || method == "HEAD" ? [200, 304] : [405]
    }
}

/// One request: sent through the HTTP client when it is well-formed HTTP, else written
/// byte for byte on a socket.
struct FuzzRequest: CustomStringConvertible {
    enum Framing: Equatable {
        /// Valid HTTP, whatever its content.
        case wellFormed
        /// Broken HTTP, or beyond the limits of the HTTP layer (a method it does not
        /// know, a thousand headers): that layer may answer with a bare 4xx, or close.
        case malformed
        /// A body shorter than its Content-Length, after which the client hangs up.
        case abandoned
    }

    var method: String
    var path: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
    var framing = Framing.wellFormed
    /// The exact bytes to write, for requests that are not well-formed.
    var raw: String?

    var description: String {
        let shownHeaders = headers.prefix(12).map { "  \($0.name): \(Self.shown($0.value, 120))" }
        let more = headers.count > 12 ? ["  … \(headers.count - 12) more headers"] : []
        let bodyText = body.map { Self.shown(String(decoding: $0.prefix(300), as: UTF8.self), 300) + " (\($0.count) bytes)" } ?? "none"
        if let raw { return "raw request (\(framing)): \(Self.shown(raw, 800))" }
        return (["request: \(method) \(Self.shown(path, 400))"] + shownHeaders + more + ["body: \(bodyText)"]).joined(separator: "\n")
    }

    static func shown(_ text: String, _ limit: Int) -> String {
        let escaped = text.debugDescription
        return escaped.count > limit ? escaped.prefix(limit) + "… (\(text.utf8.count) bytes)" : escaped
    }

    func send(to client: APIClient) async -> FuzzAnswer {
        guard raw == nil else { return await sendRaw(port: client.port) }
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPFields.Element.Name(header.name) { fields.append(HTTPFields.Element(name: name, value: header.value)) }
        }
        do {
            let response = try await client.raw(
                HTTPRequest.Method(method) ?? .get, path, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
            var answer = FuzzAnswer(status: response.status, contentType: response.headers[.contentType], body: response.text)
            answer.fromApplication = answer.contentType != nil || !answer.body.isEmpty
            return answer
        } catch {
            return FuzzAnswer(status: nil, contentType: nil, body: "", failure: "\(error)")
        }
    }

    /// Writes the raw bytes and reads the first response, if the request asks for one.
    private func sendRaw(port: Int) async -> FuzzAnswer {
        guard let raw, let connection = try? RawConnection(port: port) else {
            return FuzzAnswer(status: nil, contentType: nil, body: "", failure: "cannot connect")
        }
        defer { connection.stop() }
        connection.send(raw)
        guard framing != .abandoned else { return FuzzAnswer(status: nil, contentType: nil, body: "", failure: "hung up") }
        let complete = await eventually(timeout: .seconds(10), every: .milliseconds(2)) {
            connection.ended || FuzzAnswer(rawResponse: connection.text)?.isComplete == true
        }
        guard complete else {
            var answer = FuzzAnswer(status: nil, contentType: nil, body: "", failure: "nothing complete within 10 s: \(connection.text.prefix(300).debugDescription)")
            answer.hung = true
            return answer
        }
        return FuzzAnswer(rawResponse: connection.text) ?? FuzzAnswer(status: nil, contentType: nil, body: "", failure: "closed without an answer")
    }
}

/// What came back: a status, or no answer and why.
struct FuzzAnswer: CustomStringConvertible {
    var status: Int?
    var contentType: String?
    var body: String
    var failure: String?
    var isComplete = true
    /// True when the server neither answered nor closed the connection in time.
    var hung = false
    /// False for a bare answer of the HTTP layer to broken framing.
    var fromApplication = true

    init(status: Int?, contentType: String?, body: String, failure: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.failure = failure
    }

    /// The first response of a raw exchange, once its head has arrived.
    init?(rawResponse text: String) {
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/"), let code = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let rest = Array(text[end.upperBound...].utf8)
        let length = fields["content-length"].flatMap { Int($0) } ?? 0
        self.init(status: code, contentType: fields["content-type"], body: String(decoding: rest.prefix(length), as: UTF8.self))
        isComplete = fields["transfer-encoding"] == nil && rest.count >= length
        fromApplication = fields["content-type"] != nil || length > 0
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    var isFailureJSON: Bool {
        json["ok"] as? Bool == false && !(json["error"] as? String ?? "").isEmpty && json["message"] is String
            && contentType?.hasPrefix("application/json") == true
    }

    var description: String {
        guard let status else { return "none (\(failure ?? ""))" }
        return "\(status) \(contentType ?? "(no content type)") \(body.prefix(300).debugDescription)"
    }
}

/// Random requests to the API of one showtime: known routes with random methods, ids and
/// queries, unknown routes, abusive headers and tokens, and bodies of every shape. It
/// never opens a working event stream: those never end.
struct RequestGenerator {
    let id: Int
    let seats: [String]
    /// Valid tokens by user, and tokens that must be refused.
    let tokens: [String: String]
    let badAuthorizations: [String]

    init(api: APIHarness, client: APIClient) async throws {
        id = api.id
        seats = api.showtime.layout.seats.map(\.code.text)
        var tokens: [String: String] = [:]
        for user in ["alice", "bob", "carol", "dave"] { tokens[user] = try await client.token(user) }
        // An operator, who may use the house's routes, and a member of a tier.
        tokens["ops"] = try await api.tokens.mint(user: "ops", ttl: .seconds(3600), role: .operator)
        tokens["mia"] = try await api.tokens.mint(user: "mia", ttl: .seconds(3600), tier: "member")
        self.tokens = tokens
        let valid = tokens["alice"]!
        let parts = valid.split(separator: ".").map(String.init)
        let base64 = { (text: String) in
            Data(text.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let claims = base64(#"{"sub":"bob","exp":\#(Int(Date().timeIntervalSince1970) + 600)}"#)
        let expired = try await api.tokens.mint(user: "alice", ttl: .seconds(-60))
        let foreign = try await AccessTokens(secret: AccessTokens.generateSecret()).mint(user: "alice", ttl: .seconds(600))
        badAuthorizations = [
            "", "Bearer", "Bearer ", "Bearer  ", "Basic YWxpY2U6c2VjcmV0", valid, "Token \(valid)", "Bearer \(valid).x",
            "Bearer \(valid) \(valid)", "Bearer \(expired)", "Bearer \(foreign)", "Bearer not.a.token", "Bearer ....", "Bearer .",
            "Bearer \(base64(#"{"alg":"none","typ":"JWT"}"#)).\(claims).", "Bearer \(base64(#"{"alg":"none"}"#)).\(claims)",
            "Bearer \(base64(#"{"alg":"HS512","typ":"JWT"}"#)).\(parts[1]).\(parts[2])", "Bearer \(parts[0]).\(claims).\(parts[2])",
            "Bearer \(base64("[]")).\(claims).\(parts[2])", "Bearer \(base64("\"HS256\"")).\(claims).\(parts[2])",
            "Bearer \(base64(String(repeating: "{", count: 2000))).\(claims).\(parts[2])",
            "Bearer \(base64(#"{"alg":"HS256","alg":"none"}"#)).\(claims).\(parts[2])", "Bearer " + String(repeating: "x", count: 10_000),
            "Bearer \(parts[0]).\(base64(#"{"sub":"","exp":99999999999999999999}"#)).\(parts[2])", "Bearer 🎬.🎬.🎬",
            "Bearer \u{202E}\(valid)", "Bearer \(valid)\u{0301}",
        ]
    }

    /// The routes of the API, as (method, path after /api/v1/showtimes/{id}, or absolute).
    static let routes: [(method: String, path: String)] = [
        ("GET", "/health"), ("GET", "/api/v1/showtimes"), ("POST", "seats/lock"), ("DELETE", "seats/unlock"),
        ("GET", "seats/status"), ("GET", "seats/best"), ("PUT", "seats/extend-lock"), ("POST", "bookings"), ("GET", "seats/events"),
        ("POST", "parties"), ("GET", "parties/FERN-427"), ("POST", "parties/fern427/members"), ("DELETE", "parties/OAK-100/members/me"),
        ("POST", "parties/%F0%9F%8E%AC-1/members"), ("PUT", "parties/FERN-427/seats"),
        ("GET", "house"), ("POST", "house"), ("DELETE", "house/seats"), ("POST", "house/bookings"), ("GET", "/api/v1/showtimes/1"),
    ]

    static let unknownPaths = [
        "/", "//", "/api", "/api/v1", "/api/v1/showtimes/", "/api/v1/showtimes/{id}", "/api/v1/showtimes/{id}/seats",
        "/api/v1/showtimes/{id}/seats/", "/api/v1/showtimes/{id}/seats/lock/extra", "/api/v2/showtimes/{id}/seats/lock",
        "/API/V1/SHOWTIMES/{id}/SEATS/LOCK", "/health/x", "/api/v1/showtimes/{id}/seats/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/showtimes/{id}/seats/..%2f..%2fhealth", "/api/v1/showtimes/{id}/seats/lock%00",
        "/api/v1/showtimes/{id}/seats/lock;x=1", "/api/v1/showtimes/{id}/bookings/1", "/api/v1/showtimes/{id}/seats/%F0%9F%8E%AC",
        "/" + String(repeating: "a", count: 8_000), "/api/v1/showtimes/{id}/" + String(repeating: "../", count: 500),
    ]

    func make(_ random: inout SeededRandom) -> FuzzRequest {
        if random.chance(0.12) { return rawRequest(&random) }
        var request: FuzzRequest
        if random.chance(0.9) {
            let route = random.pick(Self.routes)
            let method = random.chance(0.8) ? route.method : random.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FUZZ"])
            let path = route.path.hasPrefix("/") ? route.path : "/api/v1/showtimes/\(idText(&random))/\(route.path)"
            request = FuzzRequest(method: method, path: path + query(for: route.path, &random), headers: [])
            request.headers = headers(&random, streaming: route.path == "seats/events")
            if method == "FUZZ" || request.headers.count > 500 { request.framing = .malformed }
        } else {
            let path = random.pick(Self.unknownPaths).replacingOccurrences(of: "{id}", with: idText(&random))
            let method = random.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
            request = FuzzRequest(method: method, path: path, headers: [])
            request.headers = headers(&random, streaming: false)
            if request.headers.count > 500 { request.framing = .malformed }
        }
        if ["POST", "PUT", "DELETE", "PATCH"].contains(request.method) ? random.chance(0.85) : random.chance(0.1) {
            request.body = body(&random)
            if random.chance(0.9) { request.headers.append(("Content-Type", contentType(&random))) }
        }
        return request
    }

    /// The `{id}` of a path: mostly the showtime's, else numbers and text that are not one,
    /// percent-encoded as a URL needs.
    func idText(_ random: inout SeededRandom) -> String {
        guard random.chance(0.3) else { return String(id) }
        return random.pick([
            "0", "-1", "1", String(id + 1), "0\(id)", "00000000000000000\(id)", "\(id)%20", "%20\(id)", "\(id)%00",
            "99999999999999999999999", "9223372036854775807", "-9223372036854775808", "999999999999999999", "abc", "1.5",
            "+\(id)", "1e3", "0x10", "%F0%9F%8E%AC", "%D9%A1%D9%A2", "%EF%BC%91", "%00", "%FF", "%C0%80", "%E2%80%AE\(id)",
            "%2e%2e", "..", ".", "%2F", String(repeating: "9", count: 5_000), "\(id)\(id)", "RANDOM",
        ]).replacingOccurrences(of: "RANDOM", with: percentEncoded(random.bytes(random.int(in: 1...12))))
    }

    func query(for route: String, _ random: inout SeededRandom) -> String {
        var pairs: [String] = []
        switch route {
        case "seats/best":
            if random.chance(0.85) { pairs.append("count=" + random.pick(["1", "2", "3", "10", "0", "11", "-1", "abc", "", "1.5", "١", "%31", "999999999999"])) }
            if random.chance(0.3) { pairs.append("category=" + random.pick(["standard", "premium", "PREMIUM", "wheelchair", "", "vip", "%00"])) }
            if random.chance(0.3) { pairs.append("wheelchair=" + random.pick(["true", "false", "1", "0", "yes", "", "TRUE", "%FF"])) }
            if random.chance(0.4) {
                pairs.append("near=" + (0..<random.int(in: 0...4)).map { _ in random.chance(0.6) ? seat(&random) : urlText(&random) }.joined(separator: ","))
            }
        case "seats/unlock":
            if random.chance(0.5) {
                pairs.append("seats=" + (0..<random.int(in: 0...4)).map { _ in random.chance(0.6) ? seat(&random) : urlText(&random) }.joined(separator: ","))
            }
        default:
            break
        }
        if random.chance(0.15) { pairs.append(random.pick(["a=b", "&&&", "=", "count", "seats=A1&seats=A2", "x=" + urlText(&random), "%zz=1"])) }
        pairs.shuffle(using: &random)
        return pairs.isEmpty ? (random.chance(0.05) ? "?" : "") : "?" + pairs.joined(separator: "&")
    }

    /// A seat of the showtime, often one that `ShowtimeState.reset()` holds or sells.
    func seat(_ random: inout SeededRandom) -> String {
        random.chance(0.4) ? random.pick(["A1", "A2", "B1", "C5"]) : random.pick(seats)
    }

    /// Hostile text, percent-encoded for a URL.
    func urlText(_ random: inout SeededRandom) -> String {
        let seat = random.pick(seats)
        return percentEncoded(Array(HostileText.string(&random, around: seat).utf8.prefix(3_000)))
    }

    func percentEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~".utf8.contains(byte)
            return unreserved ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
    }

    /// Authorization (a valid token most often, never one that opens an event stream)
    /// and other headers, some of them huge or numerous.
    func headers(_ random: inout SeededRandom, streaming: Bool) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if streaming || random.chance(0.2) {
            let value = random.pick(badAuthorizations)
            if !value.isEmpty { headers.append(("Authorization", value)) }
        } else {
            let token = tokens[random.pick(Array(tokens.keys).sorted())]!
            headers.append(("Authorization", random.pick(["Bearer ", "bearer ", "BEARER ", "Bearer   "]) + token))
        }
        switch random.int(in: 0...9) {
        case 0: headers.append(("X-Junk", String(repeating: random.pick(["a", "é", "%"]), count: random.pick([1_000, 8_000, 30_000]))))
        case 1: headers += (0..<random.pick([50, 200, 1_000])).map { ("X-Many-\($0)", "v\($0)") }
        case 2: headers.append(("Authorization", random.pick(badAuthorizations)))
        case 3: headers.append((random.pick(["Accept", "Accept-Encoding", "Content-Encoding", "X-Forwarded-For", "Cookie", "Origin"]), random.pick(["text/html", "gzip", "*/*", "127.0.0.1, ::1", "a=b; c", "null", "🎬", "\u{202E}x"])))
        case 4: headers.append(("Cinebook-Party", random.pick(["FERN-427", "fern427", "FERN-42", "", "🎬-123", String(repeating: "A", count: 5_000), "OAK-100"])))
        default: break
        }
        return headers
    }

    func contentType(_ random: inout SeededRandom) -> String {
        random.chance(0.6) ? "application/json" : random.pick([
            "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=latin1", " application/json ",
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json, text/plain",
            "application/jsonx", "application/vnd.api+json", "*/*", "application/json; " + String(repeating: "x", count: 5_000),
        ])
    }

    /// A body: a selection (valid or with wrong types), random JSON, JSON that is
    /// truncated, deeply nested, oversized or not UTF-8, or nothing JSON at all.
    func body(_ random: inout SeededRandom) -> [UInt8] {
        switch random.int(in: 0...11) {
        case 0...2:
            return Array(selection(&random).utf8)
        case 3...4:
            return Array(json(&random, depth: random.int(in: 0...5)).utf8)
        case 5:
            let text = selection(&random)
            return Array(text.utf8.prefix(random.int(in: 0...max(0, text.utf8.count - 1))))
        case 6:
            let depth = random.pick([100, 1_000, 8_000, 20_000])
            return Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        case 7:
            var bytes = Array(#"{"seats":["A1"]}"#.utf8)
            bytes.insert(contentsOf: random.pick([[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80], [0x00]]),
                         at: random.int(in: 0...bytes.count))
            return bytes
        case 8:
            return Array((#"{"seats":[""# + String(repeating: "A", count: random.pick([10_000, 16_300, 17_000, 100_000])) + #""]}"#).utf8)
        case 9:
            let noise = random.bytes(random.int(in: 1...64))
            return random.pick([[], Array("   ".utf8), Array("\u{FEFF}{\"seats\":[\"A3\"]}".utf8), Array("seats=A1".utf8), noise])
        default:
            return Array(#"{"seats":["A3"],"seats":\#(json(&random, depth: 1)),"ttl_seconds":60,"ttl_seconds":\#(number(&random))}"#.utf8)
        }
    }

    /// `{"seats": ..., "ttl_seconds": ...}` with each field right or wrong.
    func selection(_ random: inout SeededRandom) -> String {
        var fields: [String] = []
        switch random.int(in: 0...4) {
        case 0...1: fields.append(#""seats":[\#((0..<random.int(in: 1...3)).map { _ in quoted(seat(&random)) }.joined(separator: ","))]"#)
        case 2: fields.append(#""seats":[\#((0..<random.int(in: 0...12)).map { _ in quoted(random.chance(0.5) ? seat(&random) : HostileText.string(&random)) }.joined(separator: ","))]"#)
        case 3: fields.append(#""seats":\#(json(&random, depth: 2))"#)
        default: break
        }
        if random.chance(0.5) { fields.append(#""ttl_seconds":\#(random.chance(0.4) ? String(random.int(in: 1...3_600)) : number(&random))"#) }
        if random.chance(0.2) { fields.append(#"\#(quoted(random.pick(["user", "showtime_id", "seat", "SEATS", ""]))):\#(json(&random, depth: 1))"#) }
        fields.shuffle(using: &random)
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A random JSON value, nested up to `depth` levels, written as text so that it can
    /// hold what no encoder writes.
    func json(_ random: inout SeededRandom, depth: Int) -> String {
        switch depth > 0 ? random.int(in: 0...5) : random.int(in: 0...2) {
        case 0: return number(&random)
        case 1: return quoted(random.chance(0.5) ? seat(&random) : HostileText.string(&random))
        case 2: return random.pick(["true", "false", "null", #""\ud800""#, #""\udc00""#, #""\u0000""#, #""A\u0000""#])
        case 3, 4: return "[" + (0..<random.int(in: 0...4)).map { _ in json(&random, depth: depth - 1) }.joined(separator: ",") + "]"
        default:
            let keys = ["seats", "ttl_seconds", "user", "seat", "", "🎬", "seats"]
            return "{" + (0..<random.int(in: 0...4)).map { _ in "\(quoted(random.pick(keys))):\(json(&random, depth: depth - 1))" }
                .joined(separator: ",") + "}"
        }
    }

    func number(_ random: inout SeededRandom) -> String {
        random.pick([
            "0", "-0", "-0.0", "1", "-1", "1.5", "900", "1e308", "-1e308", "1e309", "1e-400", "18446744073709551616",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "4.9e-324", "1E2", "2147483648",
            "123456789012345678901234567890", "\"900\"", "[900]", "{}", "null", "true",
        ])
    }

    func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where scalar.value < 0x20: return String(format: "\\u%04x", scalar.value)
            default: return String(scalar)
            }
        }.joined() + "\""
    }

    /// Requests the HTTP client would never send: bodies longer or shorter than their
    /// Content-Length, broken lengths, control characters and junk in the head.
    func rawRequest(_ random: inout SeededRandom) -> FuzzRequest {
        let lock = "/api/v1/showtimes/\(id)/seats/lock"
        let auth = "Authorization: Bearer \(tokens["alice"]!)"
        let body = #"{"seats":["\#(random.pick(seats))"]}"#
        func post(_ head: [String], _ body: String) -> String {
            (["POST \(lock) HTTP/1.1", "Host: localhost", auth, "Content-Type: application/json"] + head).joined(separator: "\r\n") + "\r\n\r\n" + body
        }
        var request = FuzzRequest(method: "POST", path: lock, headers: [], framing: .malformed)
        switch random.int(in: 0...3) {
        case 0:
            request.raw = post(["Content-Length: \(random.int(in: 0...body.utf8.count - 1))", "Connection: close"], body)
            request.framing = .wellFormed
        case 1:
            request.raw = post(["Content-Length: \(body.utf8.count + random.int(in: 1...1_000))"], body)
            request.framing = .abandoned
        case 2:
            let length = random.pick([
                "Content-Length: abc", "Content-Length: -1", "Content-Length: 1, 2", "Content-Length: 5\r\nContent-Length: 6",
                "Content-Length: 99999999999999999999", "Content-Length: 10\r\nTransfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
                "Content-Length: +16", "Content-Length:  ", "Transfer-Encoding: chunked",
            ])
            request.raw = post([length, "Connection: close"], body)
        default:
            let status = "/api/v1/showtimes/\(id)/seats/status"
            let head = random.pick([
                "GARBAGE", "GET", "GET /health", "GET /health HTTP/9.9", "get /health HTTP/1.1", "GET  /health HTTP/1.1",
                "GET http://localhost/health HTTP/1.1", "GET * HTTP/1.1", "GET /health?%zz HTTP/1.1", "GET /health HTTP/1.0",
                "GET /api/v1/showtimes/%zz/seats/status HTTP/1.1\r\n\(auth)", "GET /api/v1/showtimes/\(id)%/seats/status HTTP/1.1\r\n\(auth)",
                "GET /api/v1/showtimes/١/seats/status HTTP/1.1\r\n\(auth)", "GET \(status) HTTP/1.1\r\nAuthorization: Bearer \u{1B}[2J",
                "GET \(status) HTTP/1.1\r\n\(auth)\u{7F}", "GET \(status) HTTP/1.1\r\nX-Bad: a\u{01}b\r\n\(auth)",
                "GET \(status) HTTP/1.1\r\nNoColonHeader\r\n\(auth)", "GET \(status) HTTP/1.1\r\n\(auth)\r\n folded: continuation",
                "GET \(status) HTTP/1.1\r\nBad Header: x\r\n\(auth)", "GET \(status) HTTP/1.1\r\n: empty-name\r\n\(auth)",
                "GET \(status) HTTP/1.1\r\nX-Unicode: 🎬é\u{202E}\r\n\(auth)", "GET /health HTTP/1.1\nHost: localhost\n",
                "GET /health HTTP/1.1\r\nHost: a\r\nHost: b", "GET /health HTTP/1.1\r\nX-Huge: " + String(repeating: "h", count: 100_000),
            ])
            request.raw = head + "\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        }
        return request
    }
}
