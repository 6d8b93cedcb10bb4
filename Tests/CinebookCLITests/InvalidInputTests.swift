import Foundation
import Testing
import TestSupport

/// Bad input gets exit 2 and a clear message, in text and in JSON, and never reaches Redis.
@Suite struct InvalidInputTests {
    let cli: CLI
    let showtime: String

    init() throws {
        let fixture = try CLIFixtures.make(from: 1)
        cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory, redisTimeout: 5)
        showtime = String(fixture.id)
    }

    @Test(arguments: [
        (["--showtime", "abc", "--user", "alice", "A1"], "invalid_request"),
        (["--showtime", "1", "--user", "alice", "A1"], "unknown_showtime"),
        (["--user", "alice", "A1"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "alice", "Z9"], "unknown_seat"),
        (["--showtime", "SHOWTIME", "--user", "alice", "9A"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "alice", "A1", "a1"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "alice"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "alice", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B1", "B2", "B3"], "too_many_seats"),
        (["--showtime", "SHOWTIME", "--user", "al\u{7}ice", "A1"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "LONG_USER", "A1"], "invalid_request"),
        (["--showtime", "SHOWTIME", "--user", "alice", "--ttl", "0", "A1"], "invalid_request"),
    ])
    func lockRejects(_ arguments: [String], _ code: String) async throws {
        let args = arguments.map {
            switch $0 {
            case "SHOWTIME": showtime
            case "LONG_USER": String(repeating: "x", count: 10_000)
            default: $0
            }
        }
        let json = try await cli.run(["lock", "--json"] + args)
        #expect(json.status == 2, "\(json.stdout) \(json.stderr)")
        #expect(json.json["ok"] as? Bool == false)
        #expect(json.json["error"] as? String == code)
        #expect(!(json.json["message"] as? String ?? "").isEmpty)
        let text = try await cli.run(["lock"] + args)
        #expect(text.status == 2)
        #expect(!text.stderr.isEmpty)
        #expect(text.stdout.isEmpty)
        let status = try await cli.run(["status", "--showtime", showtime, "--json"])
        #expect((status.json["counts"] as? [String: Int])?["available"] == 40, "nothing was locked")
    }

    /// A negative number is refused for what it is, not reported as a missing value.
    @Test(arguments: [
        (["lock", "--showtime", "SHOWTIME", "--user", "alice", "--ttl", "-5", "A1"], "A TTL must be from 1 to"),
        (["extend", "--showtime", "SHOWTIME", "--user", "alice", "A1", "--ttl", "-5"], "A TTL must be from 1 to"),
        (["status", "--showtime", "-1"], "no showtime -1"),
        (["sweep", "--every", "-3"], "--every must be at least 1 second"),
    ])
    func negativeNumbersSayWhatIsWrongWithThem(_ arguments: [String], _ expected: String) async throws {
        let result = try await cli.run(arguments.map { $0 == "SHOWTIME" ? showtime : $0 })
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("cinebook: "), "one prefix for every message: \(result.stderr)")
    }

    /// Under a locale that is not UTF-8 the command line writes ASCII, as the map does.
    @Test func underLangCTheCommandLineWritesASCII() async throws {
        var plain = cli
        plain.environment = ["LANG": "C", "LC_ALL": "C"]
        let ascii = try await plain.run(["stats", "--showtime", showtime])
        #expect(ascii.status == 0, "\(ascii.stderr)")
        let asciiOnly = ascii.stdout.unicodeScalars.allSatisfy(\.isASCII)
        #expect(asciiOnly && ascii.stdout.contains("conflict rate     -"), "\(ascii.stdout)")
        let failed = try await plain.run(["status", "--showtime", "-1"])
        let failedASCII = failed.stderr.unicodeScalars.allSatisfy(\.isASCII)
        #expect(failedASCII, "\(failed.stderr)")
        var unicode = cli
        unicode.environment = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        #expect(try await unicode.run(["stats", "--showtime", showtime]).stdout.contains("conflict rate     —"))
    }

    @Test func everyCommandHasHelp() async throws {
        for command in ["lock", "unlock", "extend", "book", "status", "showtimes list", "showtimes import", "bookings", "reconcile", "sweep"] {
            let result = try await CLI.execute(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"), "\(command)")
            #expect(result.stdout.contains("--redis"), "\(command)")
        }
        let root = try await CLI.execute(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("lock"))
    }

    @Test func brokenFixtureIsNamedWithItsProblem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #"{"id": 5, "title": "X", "auditorium": "Y", "starts_at": "2026-11-25T19:30:00Z", "rows": [{"row": "A", "seats": "ssq"}]}"#
            .write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let result = try await CLI(redis: cli.redis, fixtures: directory.path).run(["status", "--showtime", "5"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("bad.json"))
        #expect(result.stderr.contains("'q'"))
    }

    /// A value the parser refuses is echoed with its control characters escaped.
    @Test func refusedArgumentsAreEchoedWithoutControlCharacters() async throws {
        let result = try await cli.run(["status", "--showtime", "1\u{1B}[31m"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\\u{1B}[31m"), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B }, "no raw escape reaches the terminal")
    }

    @Test func badRedisURLIsInvalidInput() async throws {
        let result = try await cli.run(["status", "--showtime", showtime, "--json"], redis: "http://nowhere")
        #expect(result.status == 2)
        #expect(result.json["error"] as? String == "invalid_request")
    }
}
