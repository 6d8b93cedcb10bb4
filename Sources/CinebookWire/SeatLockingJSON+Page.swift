import Foundation

extension SeatLockingJSON {
    /// `POST /api/v1/dev/tokens` of a development server: the name to sign in as.
    public struct SignIn: Codable, Sendable {
        public let name: String

        public init(name: String) { self.name = name }
    }

    /// A short-lived token minted for the page's sign-in form.
    public struct SignedIn: Codable, Sendable {
        private(set) var ok = true
        public let user: String
        public let token: String
        public let expiresAt: String

        public init(user: String, token: String, expiresAt: Date) {
            self.user = user
            self.token = token
            self.expiresAt = SeatLockingJSON.timestamp(expiresAt)
        }
    }

    /// The body a page sends with `navigator.sendBeacon` as it closes: a beacon carries no
    /// headers, so the token and the party ride in the body, never in the URL.
    public struct Beacon: Codable, Sendable {
        public let token: String
        public let seats: [String]
        public let party: String?

        public init(token: String, seats: [String], party: String? = nil) {
            self.token = token
            self.seats = seats
            self.party = party
        }
    }
}
