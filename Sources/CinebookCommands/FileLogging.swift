import CinebookSupport
import Foundation
import Logging
import Synchronization

/// Log lines appended to a file, for while the seat map owns the screen.
struct FileLogHandler: LogHandler {
    let label: String
    let sink: LogFile
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if let error = event.error { fields["error"] = "\(error)" }
        let text = fields.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let time = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        sink.append("\(time) \(event.level) \(label): \(event.message)\(text)\n")
    }
}

/// An append-only log file shared by every logger of the process.
package final class LogFile: Sendable {
    let url: URL
    private let descriptor: Mutex<Int32>

    /// `cinebook.log` in the state directory (`$XDG_STATE_HOME/cinebook` or `~/.local/state/cinebook`).
    static func standard(in stateDirectory: URL) throws(StartupError) -> LogFile {
        try LogFile(url: stateDirectory.appendingPathComponent("cinebook.log"))
    }

    init(url: URL) throws(StartupError) {
        self.url = url
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            descriptor = Mutex(try Posix.call("open") { open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) })
        } catch {
            throw StartupError(.invalidConfiguration, message: "Cannot write the log file \(url.path): \(error.words).")
        }
    }

    deinit { descriptor.withLock { _ = close($0) } }

    func append(_ text: String) {
        descriptor.withLock { fd in
            // A log line that cannot be written is dropped: there is nowhere left to say so.
            Array(text.utf8).withUnsafeBytes { try? Posix.writeAll(fd, $0) }
        }
    }

    /// Runs `body` with standard error going to this file, so that nothing printed by
    /// accident lands on a full-screen display.
    func capturingStandardError<T>(_ body: () async throws -> T) async rethrows -> T {
        let saved = dup(STDERR_FILENO)
        descriptor.withLock { _ = dup2($0, STDERR_FILENO) }
        defer {
            dup2(saved, STDERR_FILENO)
            close(saved)
        }
        return try await body()
    }
}

/// Sends every logger of the process to `file`.
package func bootstrapFileLogging(_ file: LogFile, level: Logger.Level) {
    bootstrapLoggingOnce { label in FileLogHandler(label: label, sink: file, logLevel: level) }
}
