import ArgumentParser
import CinebookCommands
import Foundation

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

    package func validate() throws {
        guard (1...31_536_000).contains(ttl) else { throw ValidationError("--ttl must be from 1 second to a year (31536000).") }
    }

    package func run() async throws {
        do {
            print(try await TokenMinter().mint(user: name, ttl: .seconds(ttl)))
        } catch {
            throw error.reported
        }
    }
}
