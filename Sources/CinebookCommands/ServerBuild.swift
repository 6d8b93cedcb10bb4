import CinebookModel
import CinebookSupport
import Foundation
import SeatRecords
import Synchronization

/// What only the server build, `cinebook-server`, can do: the HTTP API and its client,
/// tokens, the load tool and PostgreSQL. They pull in SwiftNIO, a TLS stack and more, which
/// the seat map and the other commands never use, so `cinebook` leaves them out and a
/// command that needs one is handed whole to `cinebook-server` (git-style: the same
/// command line, the same environment). `cinebook-server` installs these features before
/// it reads its command line.
package protocol ServerFeatures: Sendable {
    /// A PostgreSQL database of record (SQLite needs no server build).
    func openPostgres(_ url: RecordsURL, seed: () throws -> [ShowtimeRecord]) async throws -> any SalesRecord
    /// The seat map through a server's HTTP API.
    func mapOverAPI(base: String, token: String, showtime: Int?, party: PartyCode?, poll: Double, runner: CommandRunner) async throws
    /// `demo --api`: a server in the first pane, then one map per user through it.
    func serverDemo(
        tmux: String, users: [String], party: DemoParty?, showtime: Int, binary: String, backend: [String], environment: [String: String]
    ) async throws(StartupError) -> TmuxDemo
}

package enum ServerBuild {
    /// The executable that has every feature, beside `cinebook`.
    package static let executable = "cinebook-server"

    /// The commands that live in the server build alone.
    package static let commands: Set<String> = ["serve", "bench", "token"]

    private static let installed = Mutex<(any ServerFeatures)?>(nil)

    /// Called once by `cinebook-server`'s main, before anything else.
    package static func install(_ features: any ServerFeatures) {
        installed.withLock { $0 = features }
    }

    /// The server build's features; in `cinebook`, which has none, the command line is
    /// handed to `cinebook-server` and this never returns.
    package static func features() -> any ServerFeatures {
        if let features = installed.withLock({ $0 }) { return features }
        handOver()
    }

    /// `cinebook serve …`, `bench` and `token` go to the server build before parsing, so
    /// that its own help and options apply.
    package static func handOverIfServerCommand(_ arguments: [String] = CommandLine.arguments) {
        guard installed.withLock({ $0 == nil }), arguments.count > 1, commands.contains(arguments[1]) else { return }
        handOver()
    }

    /// Replaces this process with `cinebook-server` and the same arguments. In a checkout
    /// whose build lacks it, it is built first (once; it takes some minutes).
    package static func handOver() -> Never {
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let server = here.appendingPathComponent(executable).path
        if !FileManager.default.isExecutableFile(atPath: server) { build(into: here) }
        let arguments = [server] + CommandLine.arguments.dropFirst()
        let argv = arguments.map { strdup($0) } + [nil]
        execv(server, argv)
        fail("cannot start \(server): \(Posix.Failure("execv").words)", status: .brokenConfiguration)
    }

    /// `swift build --product cinebook-server` in the checkout this `cinebook` was built in
    /// (`<checkout>/.build/<triple>/<debug|release>/cinebook`), its output on stderr.
    private static func build(into products: URL) {
        let configuration = products.lastPathComponent
        let checkout = products.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard ["debug", "release"].contains(configuration), products.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent == ".build",
              FileManager.default.fileExists(atPath: checkout.appendingPathComponent("Package.swift").path),
              let swift = ChildProcess.find("swift")
        else {
            fail(
                "this command needs \(executable), which is not installed beside \(products.path)/cinebook; "
                    + "build it with: swift build -c release --product \(executable)",
                status: .brokenConfiguration)
        }
        complain("this command runs in the server build (\(executable)); building it once, which takes some minutes…")
        let built = try? ChildProcess.run(
            swift, ["build", "-c", configuration, "--product", executable, "--package-path", checkout.path], output: .standardError)
        guard built?.status == 0, FileManager.default.isExecutableFile(atPath: products.appendingPathComponent(executable).path) else {
            fail("building \(executable) failed; see the messages above", status: .brokenConfiguration)
        }
    }

    private static func fail(_ message: String, status: ExitStatus) -> Never {
        complain(message)
        exit(status.rawValue)
    }
}
