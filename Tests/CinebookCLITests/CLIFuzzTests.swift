import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// Random command lines, hostile values included, never crash `cinebook`: every run ends
/// by itself with a documented exit status, every failure says why, and a failed command
/// leaves Redis exactly as it found it.
///
/// Replay a failure with `CINEBOOK_FUZZ_SEED=<seed>`; `CINEBOOK_FUZZ_RUNS` sets the count.
@Suite struct CLIFuzzTests {
    /// The exit statuses the command line documents: success, invalid input, seats
    /// unavailable, not the owner or expired, Redis unavailable, broken configuration.
    static let documentedStatuses: Set<Int32> = [0, 2, 3, 4, 69, 75, 78]

    /// Runs the random command lines on two workers, each with a showtime of its own.
    @Test func randomCommandLinesExitCleanlyAndFailedOnesLeaveRedisUnchanged() async throws {
        let seed = FuzzSettings.seed()
        let runs = FuzzSettings.runs(default: 150)
        print("CLIFuzzTests: seed \(seed), \(runs) runs (replay: CINEBOOK_FUZZ_SEED=\(seed))")
        let workers = 2
        let statuses = try await withThrowingTaskGroup(of: [Int32: Int].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    try await Self.fuzz(runs: Array(stride(from: worker, to: runs, by: workers)), seed: seed)
                }
            }
            return try await group.reduce(into: [:]) { total, counts in total.merge(counts, uniquingKeysWith: +) }
        }
        print("CLIFuzzTests: exit statuses \(statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
        #expect(statuses.values.reduce(0, +) == runs)
        #expect(runs < 50 || statuses[2, default: 0] > 0, "bad input was generated and refused")
    }

    /// Runs `runs` (indices into the seed's sequence) against a fresh showtime; returns
    /// how often each exit status came up.
    private static func fuzz(runs: [Int], seed: UInt64) async throws -> [Int32: Int] {
        let fixture = try CLIFixtures.make(from: 1)
        let redisURL = try RedisTestServer.shared().urlString
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-fuzz-state-\(fixture.id)-\(UUID().uuidString)")
        let environment = [
            "REDIS_URL": redisURL, "CINEBOOK_FIXTURES": fixture.directory, "XDG_STATE_HOME": state.path,
            "CINEBOOK_DATABASE_URL": TestRecords.sharedURL,
            "CINEBOOK_SECRET": String(repeating: "5ec7e7", count: 8),
        ]
        let catalog = try Catalog.load(directory: URL(fileURLWithPath: fixture.directory))
        let (service, redis) = try SharedRedis.service(catalog.showtimes)
        defer { redis.close() }
        let showtime = ShowtimeState(id: fixture.id, redis: redis, service: service)
        let generator = CommandLineGenerator(showtime: fixture.id, seats: catalog.showtimes[0].layout.seats.map(\.code.text))

        var statuses: [Int32: Int] = [:]
        var needsReset = true
        for run in runs {
            if needsReset { try await showtime.reset() }
            var random = SeededRandom(seed: seed, stream: UInt64(run))
            let arguments = generator.make(&random)
            let before = try await showtime.snapshot()
            let result = try await CLI.execute(arguments, environment: environment)
            statuses[result.status, default: 0] += 1
            let report = """
                seed \(seed) run \(run) (replay: CINEBOOK_FUZZ_SEED=\(seed)); showtime \(fixture.id)
                argv (Swift literals): "cinebook", \(arguments.map(Self.escaped).joined(separator: ", "))
                exit \(result.status)
                stdout: \(result.stdout.prefix(600).debugDescription)
                stderr: \(result.stderr.prefix(600).debugDescription)
                """
            check(result, report)
            needsReset = result.status == 0 || result.status == 69
            // 69 leaves the outcome unknown: a command may reach Redis before its answer times out.
            if result.status != 0, result.status != 69 {
                let after = try await showtime.snapshot()
                #expect(after == before, "a failed command changed Redis: \(ShowtimeState.difference(before, after))\n\(report)")
                needsReset = after != before
            }
        }
        return statuses
    }

    /// The checks every run gets, whatever its arguments.
    private static func check(_ result: CLI.Result, _ report: String) {
        #expect(result.status != 124, "the command did not finish within 30 s\n\(report)")
        #expect(result.status < 128, "the command was killed by signal \(result.status - 128)\n\(report)")
        #expect(documentedStatuses.contains(result.status), "undocumented exit status\n\(report)")
        let crash = ["Fatal error", "Swift runtime failure", "Stack dump", "Current stack trace", "Illegal instruction"]
            .first { result.stderr.contains($0) }
        #expect(crash == nil, "the command crashed (\(crash ?? ""))\n\(report)")
        guard result.status != 0 else {
            #expect(!result.stdout.isEmpty, "a successful command prints its result\n\(report)")
            return
        }
        let failure = result.json
        let jsonFailure = failure["ok"] as? Bool == false && !(failure["error"] as? String ?? "").isEmpty
            && !(failure["message"] as? String ?? "").isEmpty
        let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!stderr.isEmpty || jsonFailure, "a failure says why, on stderr or as a JSON error\n\(report)")
        #expect(result.stdout.isEmpty || jsonFailure, "a failure prints nothing on stdout but a JSON error\n\(report)")
        let dump = ["Swift.", "Error Domain=", "CodingKeys", "Optional(", "RedisError(", "SeatLockingError."]
            .first { result.stderr.contains($0) || result.stdout.contains($0) }
        #expect(dump == nil, "the message is for people, not a type dump (\(dump ?? ""))\n\(report)")
        let control = result.stderr.unicodeScalars.first { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }
        #expect(control == nil, "no message echoes control characters (\(control.map { "U+\(String($0.value, radix: 16))" } ?? ""))\n\(report)")
    }

    /// An argument as Swift source, so the command line can be replayed exactly; a long
    /// run of one character is written as `String(repeating:count:)`.
    static func escaped(_ argument: String) -> String {
        if argument.count > 32, let first = argument.first, argument.allSatisfy({ $0 == first }) {
            return "String(repeating: \(String(first).debugDescription), count: \(argument.count))"
        }
        return argument.debugDescription
    }
}

/// Random `cinebook` command lines for one showtime: real subcommands, options and values
/// mixed with unknown options and hostile values. It never makes the seat map (no
/// subcommand, or `seats`), `serve`, `bench`, `demo` or `sweep --every N`: nothing that
/// waits for a terminal or runs until it is stopped.
struct CommandLineGenerator {
    let showtime: Int
    let seats: [String]
    /// How often a value is hostile and an option out of place: from none to most.
    var hostility = 0.2

    static let commands = ["lock", "unlock", "extend", "book", "status", "showtimes", "sweep", "best", "token", "seat", "release", "party", "house", "help"]
    /// House labels and ends, good and bad.
    static let labels = ["press", "vip guests", "", "a|b", String(repeating: "x", count: 41), "dir.guests", "🎬"]
    static let ends = ["18:00", "sales-open", "2026-12-07 18:00", "25:99", "2026-02-30 10:00", "yesterday", "2020-01-01T00:00:00Z", ""]
    static let users = ["alice", "bob", "carol", "dave"]
    /// Party codes: well-formed ones no party has, in any case, and malformed ones.
    static let partyCodes = ["FERN-427", "fern427", "OAK-100", "FERN-42", "12-FERN", "", "party:x", "ÉTÉ-123"]
    /// The seats `ShowtimeState.reset()` holds or sells.
    static let takenSeats = ["A1", "A2", "B1", "C5"]

    /// A command line, at a hostility drawn for this run, so that some runs get deep
    /// into the command and others break everywhere.
    func make(_ random: inout SeededRandom) -> [String] {
        var generator = self
        generator.hostility = random.pick([0, 0.05, 0.15, 0.3, 0.6])
        return generator.commandLine(&random)
    }

    private func commandLine(_ random: inout SeededRandom) -> [String] {
        let command = random.chance(hostility / 10) ? junkWord(&random) : random.pick(Self.commands)
        var units: [[String]] = []
        func option(_ name: String, _ probability: Double, _ value: (inout SeededRandom) -> String) {
            if random.chance(probability) { units.append([name, value(&random)]) }
        }
        let required = 1 - hostility / 3
        switch command {
        case "lock", "unlock", "extend", "book":
            option("--showtime", required, showtimeValue)
            option("--user", required, userValue)
            for _ in 0..<random.pick([0, 1, 1, 1, 2, 2, 3, 5, 11]) { units.append([seatValue(&random)]) }
            if command == "lock" || command == "extend" { option("--ttl", 0.35, numberValue) }
            option("--party", 0.15, partyCodeValue)
        case "party":
            units.append([random.chance(hostility / 3) ? junkWord(&random) : random.pick(["start", "join", "show", "leave"])])
            if random.chance(required) { units.append([partyCodeValue(&random)]) }
            option("--showtime", required, showtimeValue)
            option("--user", required, userValue)
        case "house":
            units.append([random.chance(hostility / 3) ? junkWord(&random) : random.pick(["hold", "list", "release", "book"])])
            option("--showtime", required, showtimeValue)
            for _ in 0..<random.pick([0, 1, 2, 3, 11]) { units.append([seatValue(&random)]) }
            option("--label", 0.6) { random in random.pick(Self.labels) }
            option("--until", 0.3) { random in random.pick(Self.ends) }
            option("--guest", 0.3, userValue)
            option("--by", 0.3, userValue)
            option("--tiers", 0.05) { random in random.pick(["/nonexistent/tiers.json", "/dev/null", "/etc/passwd", ""]) }
        case "status":
            option("--showtime", required, showtimeValue)
            option("--user", 0.4, userValue)
        case "seat", "release":
            option("--showtime", required, showtimeValue)
            for _ in 0..<random.pick([0, 1, 1, 2, 3, 11]) { units.append([seatValue(&random)]) }
            if command == "release" {
                if random.chance(required) { units.append(["--force"]) }
                option("--operator", 0.3, userValue)
            }
        case "sweep":
            option("--every", hostility) { random in random.pick(Self.invalidEvery) }
        case "best":
            option("--showtime", required, showtimeValue)
            option("--count", required) { random in random.chance(hostility) ? numberValue(&random) : String(random.int(in: 1...10)) }
            option("--category", 0.3) { random in
                random.chance(hostility) ? HostileText.string(&random) : random.pick(["standard", "premium", "Premium", "wheelchair"])
            }
            if random.chance(0.2) { units.append(["--wheelchair"]) }
            if random.chance(0.3) { units.append(["--near"] + (0..<random.int(in: 0...3)).map { _ in seatValue(&random) }) }
            option("--user", 0.5, userValue)
            if random.chance(0.3) { units.append(["--lock"]) }
            option("--ttl", 0.2, numberValue)
        case "token":
            if random.chance(required) { units.append([userValue(&random)]) }
            option("--ttl", 0.3, numberValue)
        case "help":
            if random.chance(0.7) { units.append([random.pick(Self.commands + ["seats", "serve", "bench", "demo"])]) }
        default:
            break
        }
        if random.chance(0.5) { units.append(["--json"]) }
        option("--redis-timeout", hostility / 2) { random in random.pick(["1", "5", "60", "0", "-1", "61", "nan", "inf", "1e308", "abc", ""]) }
        option("--log-level", hostility / 2) { random in random.pick(["trace", "critical", "error", "TRACE", "verbose", ""]) }
        option("--redis", hostility / 4) { random in random.pick(Self.unusableRedis) }
        option("--fixtures", hostility / 4) { random in
            random.chance(0.5) ? random.pick(["", "/nonexistent", "/dev/null", "/etc"]) : "/tmp/" + HostileText.string(&random)
        }
        while random.chance(hostility) { units.append(junkUnit(&random)) }

        if random.chance(hostility) { units.shuffle(using: &random) }
        if random.chance(hostility / 3), let last = units.indices.last, units[last].count > 1 { units[last].removeLast() }
        var arguments = [command] + units.flatMap { unit in
            unit.count == 2 && unit[0].hasPrefix("--") && random.chance(0.1) ? ["\(unit[0])=\(unit[1])"] : unit
        }
        if random.chance(0.03) { arguments.insert("--help", at: random.int(in: 1...arguments.count)) }
        return arguments
    }

    /// Values of `sweep --every` that are refused: a valid one would sweep until stopped.
    static let invalidEvery = ["0", "-1", "-9223372036854775808", "abc", "", " ", "1.5", "1e3", "99999999999999999999", "１"]

    /// Redis URLs that cannot be used, refused quickly: none is empty (an empty `--redis`
    /// means "find one", which may start a server) and none needs a DNS lookup.
    static let unusableRedis = [
        "http://nowhere", "redis://127.0.0.1:1", "unix:///nonexistent/redis.sock", "redis://[::1", "redis://127.0.0.1:99999",
        "redis://:@127.0.0.1:1/99", " ", "redis://127.0.0.1:1/abc", "\u{202E}redis://127.0.0.1:1", "unix://",
        "redis://127.0.0.1:1/\u{1B}[31m",
    ]

    func showtimeValue(_ random: inout SeededRandom) -> String {
        guard random.chance(hostility) else { return String(showtime) }
        return random.chance(0.5) ? numberValue(&random) : HostileText.string(&random, around: String(showtime))
    }

    func userValue(_ random: inout SeededRandom) -> String {
        let user = random.pick(Self.users)
        return random.chance(hostility) ? HostileText.string(&random, around: user) : user
    }

    func partyCodeValue(_ random: inout SeededRandom) -> String {
        let code = random.pick(Self.partyCodes)
        return random.chance(hostility) ? HostileText.string(&random, around: code) : code
    }

    func seatValue(_ random: inout SeededRandom) -> String {
        let seat = random.chance(0.3) ? random.pick(Self.takenSeats) : random.pick(seats)
        guard random.chance(hostility) else { return seat }
        if random.chance(0.3) { return random.pick(["a1", " A1 ", "A0", "Z9", "A999", "AA1", "A-1", "A1,A2", "1A", "A", "E8", "F1", "A01"]) }
        return HostileText.string(&random, around: seat)
    }

    func numberValue(_ random: inout SeededRandom) -> String {
        random.pick([
            "1", "2", "10", "11", "900", "3600", "7200", "0", "-1", "-0", "1.5", "1e3", "abc", "", " 5", "0x10",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999", "１", "٣",
        ])
    }

    func junkWord(_ random: inout SeededRandom) -> String {
        let word = random.pick(["lokc", "LOCK", "Lock", "bookings", "stat", "🎬", "lock\u{0301}", "ｌｏｃｋ", "\u{202E}kcol", "x"])
        return random.chance(0.5) ? word : String(repeating: "x", count: 10_000)
    }

    /// An option or argument that does not belong: unknown, of another command, or a
    /// stray value. `--every` comes only with refused values.
    func junkUnit(_ random: inout SeededRandom) -> [String] {
        switch random.int(in: 0...4) {
        case 0:
            return [random.pick([
                "--force", "--verbose", "-x", "-abc", "--SHOWTIME", "--show-time", "---", "-", "--", "--=", "--json=1",
                "--showtime=", "--user=", "--lock", "--wheelchair", "-h", "--" + String(repeating: "x", count: 10_000),
            ])]
        case 1:
            let name = random.pick(["--count", "--near", "--category", "--ttl", "--user", "--showtime", "--poll", "--dev", "--port"])
            return [name, random.chance(0.5) ? numberValue(&random) : HostileText.string(&random)]
        case 2:
            return ["--every", random.pick(Self.invalidEvery)]
        default:
            let seat = random.pick(seats)
            return [HostileText.string(&random, around: seat)]
        }
    }
}
