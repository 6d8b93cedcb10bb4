import ArgumentParser
import CinebookCommands
import CinebookServerCommands

/// `cinebook-server`: every command of `cinebook`, and the server, the load tool, tokens,
/// the map over the API and PostgreSQL, which need SwiftNIO and a TLS stack.
@main
struct CinebookServer: AsyncParsableCommand {
    static let configuration = CinebookRoot.configuration(serverCommands: [ServeCommand.self, TokenCommand.self, BenchCommand.self])

    static func main() async {
        ServerBuild.install(ServerBuildFeatures())
        await CinebookRoot.main(Self.self)
    }
}
