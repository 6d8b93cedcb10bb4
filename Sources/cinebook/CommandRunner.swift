import ArgumentParser
import Foundation
import Logging
import RedisClient
import SeatLocking

/// What a command prints on success: text for people, JSON for programs.
struct Output {
    let text: String
    let json: any Encodable
}

/// A failure before any seat operation: bad configuration, no Redis to be had.
struct StartupError: Error, CustomStringConvertible {
    let code: String
    let message: String
    let exitCode: Int32

    var description: String { message }
}

/// Sets up logging, the catalog and Redis for one command, runs it, and reports the
/// outcome on stdout (success) or stderr (failure) with the documented exit code.
struct CommandRunner {
    let options: CommonOptions
    let json: Bool
    var defaultLogLevel: Logger.Level = .critical
    /// Where logs go instead of standard error (for the full-screen seat map).
    var logFile: LogFile?

    func run(_ work: (SeatLockingService) async throws -> Output) async throws {
        do {
            let service = try await makeService()
            let output = try await work(service)
            print(json ? SeatLockingJSON.encode(output.json) : output.text)
        } catch let error as SeatLockingError {
            throw report(code: error.code, message: error.message, exitCode: error.exitCode, json: SeatLockingJSON.Failure(error))
        } catch let error as StartupError {
            throw report(code: error.code, message: error.message, exitCode: error.exitCode, json: SeatLockingJSON.Failure(code: error.code, message: error.message))
        }
    }

    func makeService() async throws(StartupError) -> SeatLockingService {
        try await makeBackend().service
    }

    /// The service and the Redis client under it, with `connections` pooled connections.
    func makeBackend(connections: Int = 1) async throws(StartupError) -> (service: SeatLockingService, redis: RedisClient) {
        if let logFile {
            bootstrapFileLogging(logFile, level: options.level(default: defaultLogLevel))
        } else {
            bootstrapLogging(options.level(default: defaultLogLevel))
        }
        let catalog = try loadCatalog()
        let url = try await RedisLocator(timeouts: timeouts).resolve(explicit: options.redis)
        let redis = RedisClient(url: url, timeouts: timeouts, connections: connections)
        return (SeatLockingService(redis: redis, catalog: catalog), redis)
    }

    var timeouts: RedisTimeouts {
        let timeout = Duration.milliseconds(Int64(options.redisTimeout * 1000))
        return RedisTimeouts(connect: timeout, command: timeout)
    }

    func loadCatalog() throws(StartupError) -> Catalog {
        let directory = try FixtureDirectory.locate(explicit: options.fixtures)
        do {
            return try Catalog.load(directory: directory)
        } catch {
            throw StartupError(code: "invalid_fixture", message: "Broken showtime file: \(error)", exitCode: ExitStatus.brokenConfiguration)
        }
    }

    private func report(code: String, message: String, exitCode: Int32, json value: SeatLockingJSON.Failure) -> ExitCode {
        if json {
            print(SeatLockingJSON.encode(value))
        } else {
            FileHandle.standardError.write(Data("cinebook: \(message)\n".utf8))
        }
        return ExitCode(exitCode)
    }
}

/// Logs go to stderr, so stdout stays clean for output and JSON.
func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
