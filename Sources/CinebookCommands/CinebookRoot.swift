import ArgumentParser
import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import SeatLocking

/// The command line of both builds: `cinebook`, and `cinebook-server`, which also has the
/// server, the load tool and tokens (`serverCommands`).
package enum CinebookRoot {
    package static func configuration(serverCommands: [any ParsableCommand.Type]) -> CommandConfiguration {
        CommandConfiguration(
            commandName: "cinebook",
            abstract: "Pick cinema seats together without ever selling one twice.",
            discussion: """
                Seats are locked in Redis for \(LockPolicy.defaultTTL.components.seconds / 60) minutes while you choose, extended while you are active, \
                and sold when you book. Exit codes: \(ExitStatus.listed).
                """,
            subcommands: [
                SeatsCommand.self,
                LockCommand.self, UnlockCommand.self, ExtendCommand.self, BookCommand.self,
                BestCommand.self, StatusCommand.self, ShowtimesCommand.self, SweepCommand.self,
                BookingsCommand.self, ReconcileCommand.self, StatsCommand.self, SeatCommand.self, ReleaseCommand.self,
                QueueCommand.self, RoomCommand.self, PartyCommand.self, HouseCommand.self, DemoCommand.self,
            ] + serverCommands,
            defaultSubcommand: SeatsCommand.self
        )
    }

    /// Parses and runs like `AsyncParsableCommand.main()`, except that bad arguments exit
    /// with 2 (and a JSON error with `--json`), as every other invalid input does.
    package static func main<Root: ParsableCommand>(_ root: Root.Type) async {
        do {
            var command = try root.parseAsRoot(Self.joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard root.exitCode(for: error) == .validationFailure else { root.exit(withError: error) }
            if CommandLine.arguments.contains("--json") {
                let message = root.message(for: error)
                print(SeatLockingJSON.encode(SeatLockingJSON.Failure(code: FailureCode.invalidRequest.rawValue, message: message)))
            } else {
                // Values echoed from the command line may hold control characters: each line
                // is printed with them escaped, so they cannot drive the terminal.
                // Every message of cinebook's starts with "cinebook: ", the parser's too.
                var full = root.fullMessage(for: error)
                if full.hasPrefix("Error: ") { full = "cinebook: " + full.dropFirst("Error: ".count) }
                let lines = full.split(separator: "\n", omittingEmptySubsequences: false)
                let text = lines.map { String($0).escapingInvisibles }.joined(separator: "\n")
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
            Foundation.exit(ExitStatus.invalidInput.rawValue)
        }
    }

    /// `--ttl -5` as `--ttl=-5`: a negative number after an option is that option's value,
    /// so that it is refused for what it is ("--ttl must be …") rather than taken for an
    /// unknown option and reported as a missing value. No cinebook argument begins with `-`
    /// and a digit otherwise.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for argument in arguments {
            if let option = result.last, option.hasPrefix("--"), !option.contains("="), argument.count > 1,
               argument.first == "-", argument.dropFirst().first?.isNumber == true {
                result[result.count - 1] = option + "=" + argument
            } else {
                result.append(argument)
            }
        }
        return result
    }
}

/// The server build's commands as `cinebook` lists them: each hands its command line to
/// `cinebook-server` (which `main` does before parsing; these only give the help).
package enum ServerCommandStubs {
    package static let all: [any ParsableCommand.Type] = [Serve.self, Token.self, Bench.self]

    package struct Serve: ParsableCommand {
        package static let configuration = CommandConfiguration(commandName: "serve", abstract: ServerCommandHelp.serve)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        package init() {}
        package func run() { ServerBuild.handOver() }
    }

    package struct Token: ParsableCommand {
        package static let configuration = CommandConfiguration(commandName: "token", abstract: ServerCommandHelp.token)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        package init() {}
        package func run() { ServerBuild.handOver() }
    }

    package struct Bench: ParsableCommand {
        package static let configuration = CommandConfiguration(commandName: "bench", abstract: ServerCommandHelp.bench)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        package init() {}
        package func run() { ServerBuild.handOver() }
    }
}

/// One home for the server build's command summaries, shown by both builds.
package enum ServerCommandHelp {
    package static let serve = "Run the HTTP API (and the cleanup job) until SIGTERM or SIGINT."
    package static let token = "Mint an API bearer token for a user, signed with $CINEBOOK_SECRET."
    package static let bench = "Load-test the seat locks with virtual moviegoers and check every invariant."
}
