import CinebookModel
import CinebookSupport
import Foundation

/// The JSON answers shared by the command line's `--json` and the HTTP API:
/// `{"ok": true, ...}` on success, `{"ok": false, "error": code, "message": ...}` on failure.
public enum SeatLockingJSON {
    /// A seat operation's request body, `{"seats": ["A1", "A2"]}`, and for a lock or an
    /// extension `"ttl_seconds"`, the hold's length when it is not the server's default.
    /// Written by the API's client, read by the server, which reads the seats as typed text.
    public struct SeatRequest: Codable, Sendable {
        public let seats: [String]
        let ttlSeconds: Int?
        /// A lock only: when the seats were just taken, hold the nearest equivalent block.
        private(set) var orNearest: Bool?

        public init(typed seats: [String], ttl: Duration? = nil, orNearest: Bool = false) {
            self.seats = seats
            ttlSeconds = ttl.map { Int($0.components.seconds) }
            self.orNearest = orNearest ? true : nil
        }

        public init(seats: [SeatCode], ttl: Duration? = nil, orNearest: Bool = false) {
            self.init(typed: seats.map(\.text), ttl: ttl, orNearest: orNearest)
        }

        public var nearestIfTaken: Bool { orNearest ?? false }

        public var ttl: Duration? { ttlSeconds.map { .seconds($0) } }
    }

    /// A lock's or an extension's answer; `lockGrant` reads it back.
    public struct Grant: Codable, Sendable {
        public struct Held: Codable, Sendable {
            let seat: SeatCode
            let expiresAt: String
            let token: Int64
        }

        private(set) var ok = true
        let showtimeID: Int
        let user: String
        let seats: [SeatCode]
        let expiresAt: String
        let ttlSeconds: Int
        let held: [Held]
        /// Redis time of the grant, the start of a new hold.
        let serverTime: String
        /// The seats asked for, when they were just taken and `seats` are held instead.
        private(set) var replacing: [SeatCode]?

        public init(_ grant: LockGrant) {
            serverTime = SeatLockingJSON.timestamp(grant.serverTime)
            showtimeID = grant.showtimeID
            user = grant.user
            seats = grant.seats.map(\.code)
            expiresAt = SeatLockingJSON.timestamp(grant.expiresAt)
            ttlSeconds = Int(grant.ttl.components.seconds)
            held = grant.seats.map { Held(seat: $0.code, expiresAt: SeatLockingJSON.timestamp($0.expiresAt), token: $0.token) }
            replacing = grant.replacing.isEmpty ? nil : grant.replacing
        }

        /// The grant this answer describes; nil when a time does not read or no seat is held.
        public var lockGrant: LockGrant? {
            let seats = held.compactMap { held in
                SeatLockingJSON.date(fromTimestamp: held.expiresAt).map { HeldSeat(code: held.seat, expiresAt: $0, token: held.token) }
            }
            guard seats.count == held.count, !seats.isEmpty, let serverTime = SeatLockingJSON.date(fromTimestamp: serverTime) else { return nil }
            return LockGrant(showtimeID: showtimeID, user: user, seats: seats, serverTime: serverTime, replacing: replacing ?? [])
        }
    }

    /// The answer to a mark of presence: the seats now shown to others as being chosen,
    /// until when; `mark` reads it back.
    public struct Choosing: Codable, Sendable {
        private(set) var ok = true
        let showtimeID: Int
        let seats: [SeatCode]
        let expiresAt: String
        let serverTime: String

        public init(_ mark: ChoosingMark) {
            showtimeID = mark.showtimeID
            seats = mark.seats
            expiresAt = SeatLockingJSON.timestamp(mark.expiresAt)
            serverTime = SeatLockingJSON.timestamp(mark.serverTime)
        }

        public var mark: ChoosingMark? {
            guard let expiry = SeatLockingJSON.date(fromTimestamp: expiresAt), let now = SeatLockingJSON.date(fromTimestamp: serverTime)
            else { return nil }
            return ChoosingMark(showtimeID: showtimeID, seats: seats, expiresAt: expiry, serverTime: now)
        }
    }

    /// A release's answer; `release` reads it back.
    public struct Released: Codable, Sendable {
        private(set) var ok = true
        let showtimeID: Int
        let released: [SeatCode]
        /// Redis time of the release.
        let serverTime: String

        public init(_ release: Release) {
            serverTime = SeatLockingJSON.timestamp(release.serverTime)
            showtimeID = release.showtimeID
            released = release.released
        }

        public var release: Release? {
            SeatLockingJSON.date(fromTimestamp: serverTime).map { Release(showtimeID: showtimeID, released: released, serverTime: $0) }
        }
    }

    /// A booking's answer; `booking` reads it back.
    public struct Booked: Codable, Sendable {
        private(set) var ok = true
        let bookingID: Int64
        let showtimeID: Int
        let user: String
        let seats: [SeatCode]
        let bookedAt: String
        /// For a party's booking: seat → who sits in it.
        let sitters: [String: String]?

        public init(_ booking: Booking) {
            bookingID = booking.id
            showtimeID = booking.showtimeID
            user = booking.user
            seats = booking.seats
            bookedAt = SeatLockingJSON.timestamp(booking.bookedAt)
            sitters = SeatLockingJSON.sitters(booking.sitters)
        }

        public var booking: Booking? {
            SeatLockingJSON.date(fromTimestamp: bookedAt).map {
                Booking(id: bookingID, showtimeID: showtimeID, user: user, seats: seats, bookedAt: $0, sitters: SeatLockingJSON.sitters(sitters))
            }
        }
    }

    /// Who sits where, as the wire has it: seat → name, absent when nobody is named.
    static func sitters(_ sitters: [SeatCode: String]) -> [String: String]? {
        sitters.isEmpty ? nil : Dictionary(uniqueKeysWithValues: sitters.map { ($0.key.text, $0.value) })
    }

    /// Who sits where, read back; seats that are no seat codes are left out.
    static func sitters(_ wire: [String: String]?) -> [SeatCode: String] {
        Dictionary(uniqueKeysWithValues: (wire ?? [:]).compactMap { seat, name in SeatCode(canonical: seat).map { ($0, name) } })
    }

    /// `{"ok": true, "bookings": [{"booking_id", "showtime_id", "user", "seats", "booked_at"}]}`
    public struct Bookings: Codable, Sendable {
        struct Entry: Codable, Sendable {
            let bookingID: Int64
            let showtimeID: Int
            let user: String
            let seats: [SeatCode]
            let bookedAt: String
            let sitters: [String: String]?
        }

        var ok = true
        let bookings: [Entry]

        public init(_ bookings: [Booking]) {
            self.bookings = bookings.map {
                Entry(
                    bookingID: $0.id, showtimeID: $0.showtimeID, user: $0.user, seats: $0.seats, bookedAt: SeatLockingJSON.timestamp($0.bookedAt),
                    sitters: SeatLockingJSON.sitters($0.sitters))
            }
        }

        /// The bookings as a server sent them; nil when one cannot be read.
        public var decoded: [Booking]? {
            let found = bookings.compactMap { entry in
                SeatLockingJSON.date(fromTimestamp: entry.bookedAt).map {
                    Booking(
                        id: entry.bookingID, showtimeID: entry.showtimeID, user: entry.user, seats: entry.seats, bookedAt: $0,
                        sitters: SeatLockingJSON.sitters(entry.sitters))
                }
            }
            return found.count == bookings.count ? found : nil
        }
    }

    /// `{"ok": true, "consistent": Bool, "showtimes": [{"showtime_id", "redis_lost_data",
    /// "sold_only_in_database", "sold_only_in_redis", "interrupted_bookings", "locks_on_sold_seats", "repaired"}]}`
    public struct Reconciled: Encodable, Sendable {
        struct Interrupted: Encodable, Sendable {
            let seat: SeatCode
            let user: String
            let committed: Bool
        }

        struct Entry: Encodable, Sendable {
            let showtimeID: Int
            let consistent: Bool
            let redisLostData: Bool
            let soldOnlyInDatabase: [SeatCode]
            let soldOnlyInRedis: [SeatCode]
            let interruptedBookings: [Interrupted]
            let locksOnSoldSeats: [SeatCode]
            let repaired: Bool
        }

        let ok = true
        let consistent: Bool
        let showtimes: [Entry]

        public init(_ reports: [ReconcileReport]) {
            consistent = reports.allSatisfy { $0.isConsistent || $0.repaired }
            showtimes = reports.map {
                Entry(
                    showtimeID: $0.showtimeID, consistent: $0.isConsistent, redisLostData: $0.redisLostData,
                    soldOnlyInDatabase: $0.soldOnlyInDatabase, soldOnlyInRedis: $0.soldOnlyInRedis,
                    interruptedBookings: $0.interruptedBookings.map { Interrupted(seat: $0.seat, user: $0.user, committed: $0.committed) },
                    locksOnSoldSeats: $0.locksOnSoldSeats, repaired: $0.repaired)
            }
        }
    }

    public struct ShowtimeSummary: Codable, Sendable {
        let id: Int
        let title: String
        let auditorium: String
        let startsAt: String
        /// The cinema's time zone; sales close at `sales_close_at` (the start, or a cut-off before it).
        let timeZone: String
        let salesCloseAt: String
        let seatCount: Int

        public init(_ showtime: Showtime) {
            id = showtime.id
            title = showtime.title
            auditorium = showtime.auditorium
            startsAt = SeatLockingJSON.timestamp(showtime.startsAt)
            timeZone = showtime.timeZone.identifier
            salesCloseAt = SeatLockingJSON.timestamp(showtime.salesCloseAt)
            seatCount = showtime.layout.seatCount
        }
    }

    /// One showtime in full: its layout row by row (as in a fixture), the seats sold at the
    /// box office, and the rules of holds; what a client needs to draw its seat map.
    public struct ShowtimeDetail: Codable, Sendable {
        public struct Row: Codable, Sendable {
            let row: String
            let seats: String
        }

        /// The showtime's summary with its rows and sold seats, in one object.
        public struct Layout: Codable, Sendable {
            let summary: ShowtimeSummary
            let rows: [Row]
            let occupied: [SeatCode]

            private enum CodingKeys: String, CodingKey { case rows, occupied }

            init(_ showtime: Showtime) {
                summary = ShowtimeSummary(showtime)
                rows = showtime.layout.rowPatterns.map { Row(row: $0.label, seats: $0.pattern) }
                occupied = showtime.occupied.sorted()
            }

            public init(from decoder: any Decoder) throws {
                summary = try ShowtimeSummary(from: decoder)
                let container = try decoder.container(keyedBy: CodingKeys.self)
                rows = try container.decode([Row].self, forKey: .rows)
                occupied = try container.decode([SeatCode].self, forKey: .occupied)
            }

            public func encode(to encoder: any Encoder) throws {
                try summary.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(rows, forKey: .rows)
                try container.encode(occupied, forKey: .occupied)
            }
        }

        public struct Policy: Codable, Sendable {
            let lockSeconds: Int
            let maxHoldSeconds: Int
            let maxSeatsPerUser: Int
        }

        var ok = true
        let showtime: Layout
        let policy: Policy

        public init(_ showtime: Showtime, policy: LockPolicy) {
            self.showtime = Layout(showtime)
            self.policy = Policy(
                lockSeconds: Int(policy.ttl.components.seconds), maxHoldSeconds: Int(policy.maximumHold.components.seconds),
                maxSeatsPerUser: policy.maximumSeatsPerUser)
        }

        /// The showtime and rules this answer describes; nil when it is not a valid layout.
        public func decoded() -> (showtime: Showtime, policy: LockPolicy)? {
            let summary = showtime.summary
            guard let startsAt = SeatLockingJSON.date(fromTimestamp: summary.startsAt),
                  let closeAt = SeatLockingJSON.date(fromTimestamp: summary.salesCloseAt), closeAt <= startsAt,
                  let zone = TimeZone(identifier: summary.timeZone),
                  let layout = try? SeatLayout(rowPatterns: showtime.rows.map { (label: $0.row, pattern: $0.seats) })
            else { return nil }
            return (
                Showtime(
                    id: summary.id, title: summary.title, auditorium: summary.auditorium, startsAt: startsAt, layout: layout,
                    occupied: Set(showtime.occupied), timeZone: zone, salesCutoff: .seconds(startsAt.timeIntervalSince(closeAt))),
                LockPolicy(
                    ttl: .seconds(policy.lockSeconds), maximumHold: .seconds(policy.maxHoldSeconds),
                    maximumSeatsPerUser: policy.maxSeatsPerUser))
        }
    }

    public struct Showtimes: Codable, Sendable {
        private(set) var ok = true
        let showtimes: [ShowtimeSummary]

        /// The showtimes' ids, in the answer's order.
        public var ids: [Int] { showtimes.map(\.id) }

        public init(_ catalog: Catalog) { showtimes = catalog.showtimes.map(ShowtimeSummary.init) }
    }

    /// The status of every seat. `Wire` is the definition of the wire format, and
    /// `JSONEncoder` writes it; `directJSON` writes the same bytes straight from the status,
    /// without building a value per seat, and a test holds the two together.
    public struct Status: DirectlyEncodedJSON, Sendable {
        /// The answer's shape; read back by `status(from:showtime:revision:)`.
        private struct Wire: Codable {
            struct SeatEntry: Codable {
                let seat: SeatCode
                let row: String
                let number: Int
                let category: String
                let state: String
                let expiresAt: String?
            }

            private(set) var ok = true
            let showtime: ShowtimeSummary
            let viewer: String?
            let serverTime: String
            let counts: [String: Int]
            let seats: [SeatEntry]

            init(_ status: ShowtimeStatus) {
                showtime = ShowtimeSummary(status.showtime)
                viewer = status.viewer
                serverTime = SeatLockingJSON.timestamp(status.serverTime)
                counts = Status.counts(of: status)
                seats = status.seats.map {
                    SeatEntry(
                        seat: $0.seat.code, row: $0.seat.row, number: $0.seat.number, category: $0.seat.category.rawValue,
                        state: $0.state.rawValue, expiresAt: $0.expiresAt.map(SeatLockingJSON.timestamp))
                }
            }
        }

        private let status: ShowtimeStatus

        public init(_ status: ShowtimeStatus) { self.status = status }

        /// The status a body describes, of `showtime` as the reader knows it (seats not in
        /// its layout are left out); nil when the body does not read.
        public static func status(from body: Data, showtime: Showtime, revision: ShowtimeRevision) -> ShowtimeStatus? {
            guard let wire = try? SeatLockingJSON.decode(Wire.self, from: body),
                  let serverTime = SeatLockingJSON.date(fromTimestamp: wire.serverTime)
            else { return nil }
            let seats = wire.seats.compactMap { entry -> SeatStatus? in
                guard let seat = showtime.layout.seat(entry.seat), let state = SeatState(rawValue: entry.state) else { return nil }
                return SeatStatus(seat: seat, state: state, expiresAt: entry.expiresAt.flatMap(SeatLockingJSON.date(fromTimestamp:)))
            }
            return ShowtimeStatus(showtime: showtime, viewer: wire.viewer, seats: seats, serverTime: serverTime, revision: revision)
        }

        public func encode(to encoder: any Encoder) throws {
            try Wire(status).encode(to: encoder)
        }

        /// How many seats are in each state, every state named.
        private static func counts(of status: ShowtimeStatus) -> [String: Int] {
            var counts = Dictionary(uniqueKeysWithValues: SeatState.allCases.filter { $0 != .house }.map { ($0.rawValue, 0) })
            for entry in status.seats { counts[entry.state.rawValue, default: 0] += 1 }
            return counts
        }

        /// Keys in sorted order, as `encode` writes them; `viewer` and `expires_at` only when
        /// set. What is the same in every answer of the showtime comes from its template.
        public var directJSONBytes: [UInt8] {
            let template = StatusTemplate.of(status.showtime)
            guard template.heads.count == status.seats.count else {
                return Array(SeatLockingJSON.encodedByFoundation(self).utf8)
            }
            var json = JSONWriter(capacity: 256 + status.seats.count * 80)
            var counts = [Int](repeating: 0, count: SeatState.allCases.count)
            for entry in status.seats { counts[Self.countIndex[entry.state]!] += 1 }
            json.raw(#"{"counts":{"#)
            // The house's seats are counted only in an operator's answer, where there are any.
            var first = true
            for state in Self.statesByName where state != .house || counts[Self.countIndex[state]!] > 0 {
                json.raw(first ? "" : ",")
                first = false
                json.string(state.rawValue)
                json.member(":", counts[Self.countIndex[state]!])
            }
            json.raw(#"},"ok":true,"seats":["#)
            for (index, entry) in status.seats.enumerated() {
                json.raw(template.heads[index])
                if let expiry = entry.expiresAt { json.member(#","expires_at":"#, SeatLockingJSON.timestamp(expiry)) }
                json.raw(template.tails[index])
                json.string(entry.state.rawValue)
                json.raw("}")
            }
            json.member(#"],"server_time":"#, SeatLockingJSON.timestamp(status.serverTime))
            json.raw(template.summary)
            if let viewer = status.viewer { json.member(#","viewer":"#, viewer) }
            json.raw("}")
            return json.bytes
        }

        /// The states in the order their names sort, as the counts are written.
        private static let statesByName = SeatState.allCases.sorted { $0.rawValue < $1.rawValue }
        private static let countIndex = Dictionary(uniqueKeysWithValues: SeatState.allCases.enumerated().map { ($1, $0) })
    }

    /// `{"ok": true, "showtime_id", "count", "category"?, "offers": [{"seats", "score"}]}`,
    /// best first.
    public struct Best: Encodable, Sendable {
        struct Offer: Encodable, Sendable {
            let seats: [SeatCode]
            let score: Double
        }

        let ok = true
        let showtimeID: Int
        let count: Int
        let category: String?
        let wheelchair: Bool
        let offers: [Offer]

        public init(_ best: BestAvailable) {
            showtimeID = best.showtimeID
            count = best.wish.count
            category = best.wish.category?.rawValue
            wheelchair = best.wish.wheelchair
            offers = best.offers.map { Offer(seats: $0.codes, score: ($0.score * 1000).rounded() / 1000) }
        }
    }

    public struct Swept: Encodable, Sendable {
        let ok = true
        let expired: [String: [SeatCode]]
        let total: Int
        /// History entries moved into the database of record.
        let archived: Int
        /// Showtimes whose Redis was made to agree with the database again.
        let repaired: [Int]

        public init(_ report: SweepReport, reconciled: [ReconcileReport], archived archive: ArchiveReport) {
            expired = Dictionary(uniqueKeysWithValues: report.expired.map { (String($0.key), $0.value) })
            total = report.total
            archived = archive.total
            repaired = reconciled.filter(\.repaired).map(\.showtimeID)
        }
    }

    /// A failure's body, written by the command line and the API and read back by the API's
    /// clients: `error` (the core's error back from it) is the inverse of `init(_:)`.
    public struct Failure: Codable, Sendable {
        private(set) var ok = false
        let error: String
        let message: String
        private(set) var seats: [SeatCode]?
        private(set) var unavailable: [SeatCode]?
        private(set) var suggestions: [[SeatCode]]?
        /// Which showtime's sales closed when, with the cinema's time zone (`sales_closed` only).
        private(set) var showtimeID: Int?
        private(set) var closedAt: String?
        private(set) var timeZone: String?
        /// When sales open (`sales_not_open` only).
        private(set) var opensAt: String?
        /// The party's code (the party errors), and for `party_full` how many it has.
        private(set) var party: String?
        private(set) var members: Int?

        /// The body of `failure`, with its message as the front end words it.
        public init(_ failure: SeatLockingError, message: String? = nil) {
            self.init(code: failure.code, message: message ?? failure.message)
            switch failure {
            case let .seatsUnavailable(seats, suggestions):
                unavailable = seats
                self.suggestions = suggestions
            case let .salesClosed(showtime, closedAt, zone):
                showtimeID = showtime
                self.closedAt = SeatLockingJSON.timestamp(closedAt)
                timeZone = zone.identifier
            case let .waitingRoom(.notOpenYet(showtime, opensAt, zone)):
                showtimeID = showtime
                self.opensAt = SeatLockingJSON.timestamp(opensAt)
                timeZone = zone.identifier
            case let .waitingRoom(.passRequired(showtime)):
                showtimeID = showtime
            case let .party(refusal):
                party = refusal.partyCode.text
                if case let .full(_, members) = refusal { self.members = members }
                if case let .otherShowtime(_, showtime) = refusal { showtimeID = showtime }
            default:
                seats = failure.seats.isEmpty ? nil : failure.seats
            }
        }

        public init(code: String, message: String) {
            error = code
            self.message = message
            seats = nil
            unavailable = nil
            suggestions = nil
            showtimeID = nil
            closedAt = nil
            timeZone = nil
            opensAt = nil
            party = nil
            members = nil
        }

        /// The core's error that this body describes; nil for a code that names no error of
        /// the core's (an internal error, or one of the HTTP layer's own such as
        /// `method_not_allowed`), which the caller reports by its HTTP status.
        public var seatLockingError: SeatLockingError? {
            switch error {
            case "seats_unavailable": return .seatsUnavailable(unavailable ?? [], suggestions: suggestions ?? [])
            case "not_lock_owner": return .notLockOwner(seats ?? [])
            case "lock_expired": return .lockExpired(seats ?? [])
            case "sales_closed":
                guard let showtimeID, let closedAt = closedAt.flatMap(SeatLockingJSON.date(fromTimestamp:)),
                      let zone = timeZone.flatMap(TimeZone.init(identifier:))
                else { return .invalidRequest(message) }
                return .salesClosed(showtime: showtimeID, closedAt: closedAt, timeZone: zone)
            case "sales_not_open":
                guard let showtimeID, let opensAt = opensAt.flatMap(SeatLockingJSON.date(fromTimestamp:)),
                      let zone = timeZone.flatMap(TimeZone.init(identifier:))
                else { return .invalidRequest(message) }
                return .waitingRoom(.notOpenYet(showtime: showtimeID, opensAt: opensAt, timeZone: zone))
            case "pass_required": return showtimeID.map { .waitingRoom(.passRequired(showtime: $0)) } ?? .invalidRequest(message)
            case "pass_invalid": return .waitingRoom(.passInvalid(Self.reason(of: message)))
            case "pass_used": return .waitingRoom(.passUsed)
            case "pass_expired": return .waitingRoom(.passExpired)
            case "party_not_found", "party_ended", "party_full", "party_other_showtime", "not_party_member":
                guard let text = party, let code = PartyCode(text) else { return .invalidRequest(message) }
                switch error {
                case "party_not_found": return .party(.notFound(code))
                case "party_ended": return .party(.ended(code))
                case "party_full": return .party(.full(code, members: members ?? 0))
                case "party_other_showtime": return showtimeID.map { .party(.otherShowtime(code, showtime: $0)) } ?? .invalidRequest(message)
                default: return .party(.notMember(code))
                }
            case "too_many_seats":
                return .tooManySeats(requested: seats?.count ?? 0, alreadyHeld: 0, limit: LockPolicy.defaultMaximumSeatsPerUser)
            case "redis_unavailable": return .redisUnavailable(message)
            case "database_unavailable": return .databaseUnavailable(message)
            case "outcome_unknown": return .outcomeUnknown(message)
            case "invalid_request", "unknown_seat", "unauthorized", "forbidden", "rate_limited", "payload_too_large":
                return .invalidRequest(message)
            default: return nil
            }
        }

        /// The reason inside a `pass_invalid` message, so that the error read back words it the same.
        private static func reason(of message: String) -> String {
            let head = "This pass is not valid: "
            guard message.hasPrefix(head) else { return message }
            return String(message.dropFirst(head.count).dropLast(message.hasSuffix(".") ? 1 : 0))
        }
    }

    /// One line of JSON.
    public static func encode(_ value: some Encodable) -> String {
        if let direct = value as? any DirectlyEncodedJSON { return direct.directJSON }
        return encodedByFoundation(value)
    }

    /// `encode` as UTF-8, without the detour through a `String` for direct bodies.
    public static func encodedBytes(_ value: some Encodable) -> [UInt8] {
        if let direct = value as? any DirectlyEncodedJSON { return direct.directJSONBytes }
        return Array(encodedByFoundation(value).utf8)
    }

    /// What `JSONEncoder` writes, with sorted keys in snake_case and `/` unescaped: the wire format.
    public static func encodedByFoundation(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = WireKeys.encoding
        guard let data = try? encoder.encode(value) else { return #"{"ok":false,"error":"internal_error"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// A body read back from the wire, its snake_case keys read as the type's properties.
    public static func decode<Body: Decodable>(_ type: Body.Type, from data: Data) throws -> Body {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = WireKeys.decoding
        return try decoder.decode(type, from: data)
    }

    /// ISO 8601 in UTC with milliseconds, such as `2026-11-25T19:30:00.000Z`: the nearest
    /// millisecond, written from whole numbers (a formatter truncates the binary fraction,
    /// and `.123` is stored a hair below it).
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = date.milliseconds
        let (seconds, fraction) = (milliseconds - ((milliseconds % 1000) + 1000) % 1000, ((milliseconds % 1000) + 1000) % 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds / 1000)).formatted(.iso8601)
        return whole.dropLast() + String(format: ".%03dZ", fraction)
    }

    /// The date of a `timestamp`, or of an ISO 8601 time without fractions of a second;
    /// nil when the text is neither. Snapped to its millisecond, so that it is written
    /// back as the same text (a parsed `.456` is a hair below it in binary).
    public static func date(fromTimestamp text: String) -> Date? {
        ((try? Date(text, strategy: timestampStyle)) ?? (try? Date(text, strategy: .iso8601))).map { Date(milliseconds: $0.milliseconds) }
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// A wire body that writes its own JSON: the bytes `SeatLockingJSON.encodedByFoundation`
/// writes from its `Encodable` form, only faster.
public protocol DirectlyEncodedJSON: Encodable {
    /// The UTF-8 of the JSON text, as `SeatLockingJSON.encodedByFoundation` would write it.
    var directJSONBytes: [UInt8] { get }
}

extension DirectlyEncodedJSON {
    public var directJSON: String { String(decoding: directJSONBytes, as: UTF8.self) }
}
