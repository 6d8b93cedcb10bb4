import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

@Suite("Invalid requests are refused before Redis is touched")
struct ValidationTests {
    enum Operation: String, CaseIterable, CustomTestStringConvertible {
        case lock, unlock, extend, book

        var testDescription: String { rawValue }

        /// Runs the operation as a front end does: the typed seats are parsed first.
        func run(_ service: SeatLockingService, _ typed: [String], showtime: Int, user: String) async throws(SeatLockingError) {
            let seats = try SeatCode.parse(typed)
            switch self {
            case .lock: _ = try await service.lock(seats, showtime: showtime, user: user)
            case .unlock: _ = try await service.unlock(seats, showtime: showtime, user: user)
            case .extend: _ = try await service.extend(seats, showtime: showtime, user: user)
            case .book: _ = try await service.book(seats, showtime: showtime, user: user)
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let seats: [String]
        var user: String = "valid-user"
        var unknownShowtime = false
        let code: String
        var message: String?
        /// Given the error and the showtime id the request named.
        let check: @Sendable (SeatLockingError, Int) -> Bool

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown showtime", seats: ["A1"], unknownShowtime: true, code: "unknown_showtime") { error, id in
            error == .unknownShowtime(id)
        },
        Case(name: "unknown seat", seats: ["A1", "Z9"], code: "unknown_seat") { error, id in
            error == .unknownSeats(["Z9"], showtime: id)
        },
        Case(name: "seat number past the row's end", seats: ["B13"], code: "unknown_seat") { error, id in
            error == .unknownSeats(["B13"], showtime: id)
        },
        Case(name: "malformed seat code", seats: ["A1", "7C"], code: "invalid_request", message: "'7C' is not a seat code") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "duplicate seats", seats: ["A1", "a1"], code: "invalid_request", message: "A1 is listed twice") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "empty list", seats: [], code: "invalid_request", message: "at least one seat") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "eleven seats", seats: (1...11).map { "A\($0)" }, code: "too_many_seats") { error, _ in
            error == .tooManySeats(requested: 11, alreadyHeld: 0, limit: 10)
        },
        Case(name: "control characters in the user", seats: ["A1"], user: "eve\u{07}\u{1B}[2J", code: "invalid_request",
             message: "control or invisible characters") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "newline in the user", seats: ["A1"], user: "eve\nmallory", code: "invalid_request") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "10 kB user", seats: ["A1"], user: String(repeating: "u", count: 10_240), code: "invalid_request",
             message: "at most 64") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
        Case(name: "blank user", seats: ["A1"], user: "   ", code: "invalid_request") { error, _ in
            if case .invalidRequest = error { true } else { false }
        },
    ]

    @Test(arguments: cases, Operation.allCases)
    func refusedWithTheRightErrorAndNoKeys(_ invalid: Case, operation: Operation) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 12)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let target = invalid.unknownShowtime ? TestShowtimes.uniqueID() : showtime.id

        let error = await #expect(throws: SeatLockingError.self) {
            try await operation.run(service, invalid.seats, showtime: target, user: invalid.user)
        }
        let refusal = try #require(error)
        #expect(invalid.check(refusal, target), "got \(refusal)")
        #expect(refusal.code == invalid.code)
        if let message = invalid.message {
            #expect(refusal.message.contains(message), "\(refusal.message)")
        }
        #expect(refusal.message.count < 300, "a message stays short even for a 10 kB input")
        #expect(try await redis.keys(ofShowtime: showtime.id).isEmpty)
        #expect(try await redis.keys(ofShowtime: target).isEmpty)
    }

    @Test func statusOfUnknownShowtimeOrBadViewer() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let unknown = TestShowtimes.uniqueID()
        await #expect(throws: SeatLockingError.unknownShowtime(unknown)) {
            try await service.status(showtime: unknown)
        }
        let error = await #expect(throws: SeatLockingError.self) {
            try await service.status(showtime: showtime.id, viewer: "bad\u{0}viewer")
        }
        #expect(error?.code == "invalid_request")
        #expect(try await redis.keys(ofShowtime: showtime.id).isEmpty)
    }

    @Test func ttlOutsideTheAllowedRangeIsRefused() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let user = TestUsers.unique()
        for ttl in [Duration.milliseconds(500), .seconds(3601)] {
            let error = await #expect(throws: SeatLockingError.self) {
                try await service.lock(["A1"], showtime: showtime.id, user: user, ttl: ttl)
            }
            #expect(error?.code == "invalid_request")
        }
        #expect(try await redis.keys(ofShowtime: showtime.id).isEmpty)
    }

    /// `é` as one character (NFC) or as `e` and a combining accent (NFD): one user.
    @Test func userNamesInEitherUnicodeFormAreOneUser() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let suffix = TestUsers.unique("")
        let (composed, decomposed) = ("zo\u{E9}\(suffix)", "zoe\u{301}\(suffix)")
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        let grant = try await service.lock(["A1"], showtime: showtime.id, user: decomposed)
        #expect(Array(grant.user.utf8) == Array(composed.utf8), "kept in NFC")
        let fields = try await redis.hash(RedisKeyNames(showtime: showtime.id).lock("A1"))
        #expect(fields["user_id"].map { Array($0.utf8) } == Array(composed.utf8))
        #expect(try await service.status(showtime: showtime.id, viewer: composed).state(of: "A1") == .selected)
        #expect(try await service.unlock(["A1"], showtime: showtime.id, user: composed).released == ["A1"])
    }

    @Test func seatCodesAreNormalizedAndUserTrimmed() async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let user = TestUsers.unique()
        let grant = try await service.lock(try SeatCode.parse([" b2", "A03"]), showtime: showtime.id, user: "  \(user) ")
        #expect(grant.seats.map(\.code) == ["B2", "A3"])
        #expect(grant.user == user)
        let fields = try await redis.hash(RedisKeyNames(showtime: showtime.id).lock("B2"))
        #expect(fields["user_id"] == user)
    }

    @Test(arguments: [
        "eve\u{7F}", "eve\u{200B}", "\u{202E}eve", "eve\u{E000}", "eve\u{2028}", "e\u{0}ve", "eve\u{85}", "\u{FEFF}eve",
    ])
    func invisibleCharactersInAUserAreRefused(user: String) {
        #expect(throws: SeatLockingError.self) { try SeatLockingService.validatedUser(user) }
    }

    @Test(arguments: ["Zoë", "渡辺", "O'Brien", "a b", "🎬 fan", "user@example.com"])
    func visibleNamesAreAccepted(user: String) throws {
        #expect(try SeatLockingService.validatedUser(user) == user)
    }
}
