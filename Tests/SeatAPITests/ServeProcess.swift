import Foundation
import Synchronization
import TestSupport

/// A `cinebook` process on the test run's shared Redis and the repository's fixtures.
final class ServeProcess {
    private let process: Process
    private let output = Output()

    private final class Output: Sendable {
        let text = Mutex<(stdout: String, stderr: String)>(("", ""))
    }

    static let binary: String = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cinebook").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/cinebook").path
    }()

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Starts `cinebook ARGS`, with `$CINEBOOK_SECRET` set to `secret` or unset.
    init(_ arguments: [String], secret: String?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + [
            "--redis", try RedisTestServer.shared().urlString,
            "--fixtures", Self.repository.appendingPathComponent("Fixtures").path, "--log-level", "info",
            "--database", "sqlite://" + TestRecords.temporaryPath("serve"),
        ]
        process.environment = Self.environment(secret: secret)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.text.withLock { $0.stdout += text }
        }
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.text.withLock { $0.stderr += text }
        }
        try process.run()
    }

    var stdout: String { output.text.withLock { $0.stdout } }
    var stderr: String { output.text.withLock { $0.stderr } }
    var isRunning: Bool { process.isRunning }
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// The rest of the first stdout line that starts (after spaces) with `prefix`.
    func line(after prefix: String) -> String? {
        stdout.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
    }

    /// SIGTERM, as a service manager stops it.
    func terminate() { process.terminate() }

    /// SIGKILL, for a test that failed before stopping it.
    func forceStop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs a command that ends by itself.
    static func run(_ arguments: [String], secret: String?) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment(secret: secret)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    private static func environment(secret: String?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["CINEBOOK_SECRET", "REDIS_URL", "CINEBOOK_LOG_LEVEL", "CINEBOOK_FIXTURES"] { environment.removeValue(forKey: name) }
        if let secret { environment["CINEBOOK_SECRET"] = secret }
        return environment
    }
}
