import CinebookCommands
import CinebookModel
import Foundation
import SeatAPI

/// The server secret from `$CINEBOOK_SECRET`, and the tokens made with it.
struct TokenMinter {
    var environment = ProcessInfo.processInfo.environment

    var secret: String? {
        environment["CINEBOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A token for `user`, signed with `$CINEBOOK_SECRET`.
    func mint(user: String, ttl: Duration, role: Bearer.Role? = nil, tier: String? = nil) async throws(StartupError) -> String {
        guard let secret else {
            throw StartupError(.invalidConfiguration,
                message: "CINEBOOK_SECRET is not set; use the secret of the server the token is for.")
        }
        return try await Self.mint(try await Self.tokens(secret: secret), user: user, ttl: ttl, role: role, tier: tier)
    }

    /// The server's tokens, and the secret if `development` had to make one up.
    func tokensForServer(development: Bool) async throws(StartupError) -> (AccessTokens, generatedSecret: String?) {
        if let secret { return (try await Self.tokens(secret: secret), nil) }
        guard development else {
            throw StartupError(.invalidConfiguration,
                message: """
                    CINEBOOK_SECRET is not set, and the server signs and checks its tokens with it. \
                    Set it (export CINEBOOK_SECRET=$(openssl rand -hex 32)), or pass --dev for a throwaway secret.
                    """)
        }
        let secret = AccessTokens.generateSecret()
        return (try await Self.tokens(secret: secret), secret)
    }

    static func mint(
        _ tokens: AccessTokens, user: String, ttl: Duration, role: Bearer.Role? = nil, tier: String? = nil
    ) async throws(StartupError) -> String {
        do {
            return try await tokens.mint(user: user, ttl: ttl, role: role, tier: tier)
        } catch {
            throw StartupError(.invalidRequest, message: error.message)
        }
    }

    private static func tokens(secret: String) async throws(StartupError) -> AccessTokens {
        do {
            return try await AccessTokens(secret: secret)
        } catch {
            throw StartupError(.invalidConfiguration, message: "CINEBOOK_SECRET: \(error.message)")
        }
    }
}
