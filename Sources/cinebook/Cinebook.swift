import ArgumentParser
import CinebookCommands

/// `cinebook`: the seat map and every command on Redis and SQLite. The server, the load
/// tool, tokens, the map over the API and PostgreSQL are handed to `cinebook-server`.
@main
struct Cinebook: AsyncParsableCommand {
    static let configuration = CinebookRoot.configuration(serverCommands: ServerCommandStubs.all)

    static func main() async {
        ServerBuild.handOverIfServerCommand()
        await CinebookRoot.main(Self.self)
    }
}
