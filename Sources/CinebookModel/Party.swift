import Foundation

/// A party's code, short and easy to read aloud: a word and three digits, `FERN-427`.
/// Typed in any case, with or without the dash.
public struct PartyCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String

    public init?(_ typed: String) {
        let letters = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let word = letters.prefix { $0.isLetter }, digits = letters.dropFirst(word.count)
        let isDigit = { (character: Character) in character.isASCII && character.isNumber }
        guard (3...6).contains(word.count), word.allSatisfy(\.isASCII), digits.count == 3, digits.allSatisfy(isDigit) else { return nil }
        text = "\(word)-\(digits)"
    }

    /// A new code, drawn at random from `words` and the numbers 100–999.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> PartyCode {
        PartyCode("\(words.randomElement(using: &generator)!)-\(Int.random(in: 100...999, using: &generator))")!
    }

    public static func random() -> PartyCode {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Short words with no look-alikes, easy to say and to spell.
    static let words = [
        "ACORN", "AMBER", "ANCHOR", "APPLE", "ARROW", "ASPEN", "BADGER", "BASIL", "BEACON", "BIRCH", "BISON", "BLOOM",
        "BRAVO", "BREEZE", "BROOK", "CAMEL", "CANDLE", "CANYON", "CEDAR", "CHERRY", "CLOVER", "COMET", "CORAL", "COTTON",
        "CRANE", "DAISY", "DELTA", "EAGLE", "EMBER", "FALCON", "FERN", "FIG", "FLAME", "FOREST", "FOX",
        "GARNET", "GINGER", "GROVE", "HARBOR", "HAZEL", "HERON", "HONEY", "IRIS", "IVY", "JADE", "JASPER",
        "KITE", "KOALA", "LAGOON", "LARK", "LEMON", "LILAC", "LINDEN", "LOTUS", "MANGO", "MAPLE", "MEADOW",
        "MINT", "MOSS", "NUTMEG", "OAK", "OCEAN", "OLIVE", "OPAL", "ORBIT", "OTTER", "PANDA", "PEARL", "PEBBLE",
        "PEPPER", "PINE", "PLUM", "POPPY", "QUARTZ", "RAVEN", "REED", "RIVER", "ROBIN", "ROSE", "RUBY", "SAGE",
        "SAND", "SHELL", "SPRUCE", "STAR", "STONE", "SWAN", "THYME", "TIGER", "TULIP", "VALLEY", "VIOLET", "WALNUT",
        "WAVE", "WILLOW", "WREN", "ZEBRA",
    ]

    public var description: String { text }

    public static func < (left: PartyCode, right: PartyCode) -> Bool { left.text < right.text }

    /// Who holds the party's seats, in grants, bookings and the hold history:
    /// `party:FERN-427`. No user name may begin with `holderPrefix`.
    public var holder: String { Self.holderPrefix + text }
    public static let holderPrefix = "party:"

    /// The party a holder names; nil for a person.
    public init?(holder: String) {
        guard holder.hasPrefix(Self.holderPrefix) else { return nil }
        self.init(String(holder.dropFirst(Self.holderPrefix.count)))
    }

    /// How a holder reads in words: a person's name, or "party FERN-427".
    public static func named(_ holder: String) -> String {
        PartyCode(holder: holder).map { "party \($0)" } ?? holder
    }
}

/// How parties work: how many may choose together, and how long a party with no hold and
/// no activity lasts.
public struct PartyPolicy: Sendable, Hashable {
    public var maximumMembers: Int
    /// A party ends this long after its last member's last action, unless its hold lasts longer.
    public var idleLifetime: Duration
    /// How long an ended party's code is still recognised (and refused as ended).
    public var endedCodeMemory: Duration

    public init(maximumMembers: Int = 6, idleLifetime: Duration = .seconds(3600), endedCodeMemory: Duration = .seconds(86_400)) {
        self.maximumMembers = maximumMembers
        self.idleLifetime = idleLifetime
        self.endedCodeMemory = endedCodeMemory
    }
}

/// People choosing seats for one showtime together: one hold, one TTL, one seat limit,
/// and each seat named for the member who sits in it.
public struct Party: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public let name: String
        public let joinedAt: Date
        /// The party's seats this member sits in.
        public let seats: [SeatCode]

        public init(name: String, joinedAt: Date, seats: [SeatCode]) {
            self.name = name
            self.joinedAt = joinedAt
            self.seats = seats
        }
    }

    public let code: PartyCode
    public let showtimeID: Int
    public let startedBy: String
    /// In order of joining, the one who started it first.
    public let members: [Member]
    /// Every seat the party holds, and who sits in it.
    public let seats: [SeatCode: String]
    /// When the party's hold ends, while it has one.
    public let holdExpiresAt: Date?
    public let serverTime: Date

    public init(
        code: PartyCode, showtimeID: Int, startedBy: String, members: [Member], seats: [SeatCode: String], holdExpiresAt: Date?,
        serverTime: Date
    ) {
        self.code = code
        self.showtimeID = showtimeID
        self.startedBy = startedBy
        self.members = members
        self.seats = seats
        self.holdExpiresAt = holdExpiresAt
        self.serverTime = serverTime
    }
}

extension Party {
    /// Who sits where, in the order of `seats`: `alice in H9 H11, bob in H10`; nil when
    /// nobody is named (one person's seats).
    public static func seating(of seats: [SeatCode], sitters: [SeatCode: String]) -> String? {
        let names = seats.compactMap { sitters[$0] }.filter { !$0.isEmpty }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !names.isEmpty else { return nil }
        return names.map { name in "\(name) in \(seats.filter { sitters[$0] == name }.joined(separator: " "))" }.joined(separator: ", ")
    }

    /// The members' names as a sentence: `alice, bob and carol`.
    public var memberNames: String {
        let names = members.map(\.name)
        guard let last = names.last else { return "nobody" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }
}

/// What leaving a party did.
public struct PartyDeparture: Sendable, Hashable {
    /// The seats released: the leaver's own, or every seat left when the last member went.
    public let released: [SeatCode]
    /// The party as it is now; nil once it ended.
    public let party: Party?

    public init(released: [SeatCode], party: Party?) {
        self.released = released
        self.party = party
    }
}

/// Why a party could not be started, joined or used.
public enum PartyRefusal: Sendable, Hashable {
    /// No party ever had this code (a typo, most likely).
    case notFound(PartyCode)
    /// The party ended: its last member left, or it lay idle too long.
    case ended(PartyCode)
    case full(PartyCode, members: Int)
    /// The code is a party of another showtime.
    case otherShowtime(PartyCode, showtime: Int)
    /// The user is not (or no longer) a member.
    case notMember(PartyCode)

    public var code: String {
        switch self {
        case .notFound: "party_not_found"
        case .ended: "party_ended"
        case .full: "party_full"
        case .otherShowtime: "party_other_showtime"
        case .notMember: "not_party_member"
        }
    }

    public var message: String {
        switch self {
        case let .notFound(code):
            "There is no party \(code); check the code with whoever started it."
        case let .ended(code):
            "Party \(code) has ended: its members left, or it was idle too long. Start a new one."
        case let .full(code, members):
            "Party \(code) is full: \(members) people already choose together, the most a party may have."
        case let .otherShowtime(code, showtime):
            "Party \(code) is choosing seats for showtime \(showtime), not this one."
        case let .notMember(code):
            "You are not in party \(code); join it with its code first."
        }
    }

    public var partyCode: PartyCode {
        switch self {
        case let .notFound(code), let .ended(code), let .full(code, _), let .otherShowtime(code, _), let .notMember(code): code
        }
    }
}
