import ArgumentParser
import CinebookCommands
import Foundation
import SeatAPI

package struct TokenCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: ServerCommandHelp.token,
        discussion: "Prints the token alone on stdout, e.g. TOKEN=$(cinebook token alice).")

    package init() {}

    @Argument(help: ArgumentHelp("The user the token names.", valueName: "name"))
    var name: String
    @Option(help: ArgumentHelp("Seconds the token is valid (default 86400, a day).", valueName: "seconds"))
    var ttl = 86_400
    @Option(help: ArgumentHelp("operator: the cinema's staff, who may keep seats back for the house.", valueName: "role"))
    var role: String?
    @Option(help: ArgumentHelp("The user's hold tier, such as member (the server's tiers file sets its rules).", valueName: "tier"))
    var tier: String?

    package func validate() throws {
        guard (1...31_536_000).contains(ttl) else { throw ValidationError("--ttl must be from 1 second to a year (31536000).") }
        if let role, Bearer.Role(rawValue: role) == nil { throw ValidationError("--role must be operator.") }
        if let tier, tier.isEmpty || tier.count > 32 { throw ValidationError("--tier must be a word of at most 32 characters.") }
    }

    package func run() async throws {
        do {
            print(try await TokenMinter().mint(user: name, ttl: .seconds(ttl), role: role.flatMap(Bearer.Role.init), tier: tier))
        } catch {
            throw error.reported
        }
    }
}
