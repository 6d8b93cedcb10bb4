import Foundation

/// Hold rules by tier: a tier (`member`, say) sets how long a hold lasts, its maximum,
/// and how many seats one may hold. A token names its holder's tier; the command line
/// gives its users theirs. Both come from one file:
///
/// ```json
/// {
///   "tiers": { "member": { "hold_minutes": 30, "maximum_hold_minutes": 120, "seat_limit": 12 } },
///   "users": { "alice": "member" }
/// }
/// ```
///
/// Anyone with no tier, or a tier the file does not name, holds by the default rules
/// (15 and 60 minutes, 10 seats).
public struct HoldTiers: Sendable, Hashable {
    public struct Rules: Sendable, Hashable {
        public let holdMinutes: Int
        public let maximumHoldMinutes: Int
        public let seatLimit: Int
    }

    public let tiers: [String: Rules]
    /// The command line's users, and their tiers.
    public let users: [String: String]

    public static let none = HoldTiers(tiers: [:], users: [:])

    public init(tiers: [String: Rules], users: [String: String]) {
        self.tiers = tiers
        self.users = users
    }

    /// `base` with the tier's rules, when the file names the tier.
    public func policy(_ base: LockPolicy, tier: String?) -> LockPolicy {
        guard let rules = tier.flatMap({ tiers[$0] }) else { return base }
        var policy = base
        policy.ttl = .seconds(rules.holdMinutes * 60)
        policy.maximumHold = .seconds(rules.maximumHoldMinutes * 60)
        policy.maximumSeatsPerUser = rules.seatLimit
        return policy
    }

    /// The file's text, checked: every tier's rules within bounds, every user's tier named.
    public init(json: Data) throws(TiersError) {
        struct File: Decodable {
            struct Tier: Decodable {
                let hold_minutes: Int
                let maximum_hold_minutes: Int
                let seat_limit: Int
            }

            let tiers: [String: Tier]
            let users: [String: String]?
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            throw TiersError("it is not a tiers file: \(Self.describe(error))")
        }
        var tiers: [String: Rules] = [:]
        for (name, tier) in file.tiers {
            guard !name.isEmpty, name.count <= 32, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw TiersError("the tier name '\(name)' is not a word (letters, digits, - and _, at most 32)")
            }
            guard (1...240).contains(tier.hold_minutes) else { throw TiersError("tier \(name): hold_minutes must be from 1 to 240") }
            guard (tier.hold_minutes...1440).contains(tier.maximum_hold_minutes) else {
                throw TiersError("tier \(name): maximum_hold_minutes must be from hold_minutes to 1440")
            }
            guard (1...50).contains(tier.seat_limit) else { throw TiersError("tier \(name): seat_limit must be from 1 to 50") }
            tiers[name] = Rules(holdMinutes: tier.hold_minutes, maximumHoldMinutes: tier.maximum_hold_minutes, seatLimit: tier.seat_limit)
        }
        let users = file.users ?? [:]
        if let (user, tier) = users.first(where: { tiers[$0.value] == nil }) {
            throw TiersError("user \(user) has the tier '\(tier)', which the file does not name")
        }
        self.init(tiers: tiers, users: users)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): "'\(key.stringValue)' is missing"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: "it is not valid JSON"
        }
    }
}

/// A tiers file that cannot be used.
public struct TiersError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
