import ArgumentParser
import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import Logging
import RedisClient
import SeatLocking
import SeatMapUI
import SeatRecords
import Synchronization

/// What a command prints on success: text for people, JSON for programs.
package struct Output {
    package let text: String
    package let json: any Encodable

    package init(text: String, json: any Encodable) {
        self.text = text
        self.json = json
    }
}

/// A failure before any seat operation: bad configuration, no Redis to be had.
package struct StartupError: Error, CustomStringConvertible {
    package let failure: FailureCode
    package let message: String

    package init(_ failure: FailureCode, message: String) {
        self.failure = failure
        self.message = message
    }

    package var code: String { failure.rawValue }
    package var exitCode: Int32 { failure.exitStatus.rawValue }
    package var description: String { message }

    /// A seat operation's failure, as the command line reports it.
    package init(_ error: SeatLockingError) {
        self.init(error.failureCode, message: error.commandLineMessage)
    }
}

/// Sets up logging, the catalog and Redis for one command, runs it, and reports the
/// outcome on stdout (success) or stderr (failure) with the documented exit code.
package struct CommandRunner {
    package let options: CommonOptions
    package let json: Bool
    package var defaultLogLevel: Logger.Level = .critical
    /// Where logs go instead of standard error (for the full-screen seat map).
    package var logFile: LogFile?

    /// The user the command acts for: the core holds by their tier's rules (`--tiers`).
    package var holder: String?

    package init(options: CommonOptions, json: Bool, holder: String? = nil) {
        self.options = options
        self.json = json
        self.holder = holder
    }

    package func run(_ work: (SeatLockingService) async throws -> Output) async throws {
        try await run(opening: makeService, work)
    }

    /// Like `run`, for a long job (the bench) that waits for a Redis that is starting or
    /// briefly away, up to `patience`, before it gives up.
    package func run(patience: Duration, _ work: (SeatLockingService) async throws -> Output) async throws {
        try await run(opening: { () async throws(StartupError) in
            try await Patience.retrying(for: patience, every: .milliseconds(250), while: { $0.failure == .redisUnavailable }, makeService)
        }, work)
    }

    /// Like `run`, for a command that is one operation of the core: its Redis calls, the
    /// safety check before it included, wait no longer than the Redis timeout in all.
    package func runOperation(_ work: (SeatLockingService) async throws -> Output) async throws {
        try await run(opening: { () async throws(StartupError) in try await openBackend().service }) { service in
            try await service.withinTimeout { () async throws -> Output in
                try await checkEviction(service)
                return try await work(service)
            }
        }
    }

    private func run<Resource>(
        opening: () async throws(StartupError) -> Resource, _ work: (Resource) async throws -> Output
    ) async throws {
        do {
            let resource = try await opening()
            let output = try await work(resource)
            print(json ? SeatLockingJSON.encode(output.json) : Appearance.forThisLocale.text(output.text))
        } catch let error as SeatLockingError {
            throw report(
                code: error.code, message: error.commandLineMessage, exitCode: error.exitCode,
                json: SeatLockingJSON.Failure(error, message: error.commandLineMessage))
        } catch let error as StartupError {
            throw report(code: error.code, message: error.message, exitCode: error.exitCode, json: SeatLockingJSON.Failure(code: error.code, message: error.message))
        }
    }

    /// Like `run`, with no Redis and no database: for a client of a server's API. Logs go
    /// to the log file when there is one.
    package func runWithoutBackend(_ work: () async throws -> Output) async throws {
        try await run(opening: { () async throws(StartupError) in
            if let logFile {
                bootstrapFileLogging(logFile, level: options.level(default: defaultLogLevel))
            } else {
                bootstrapLogging(options.level(default: defaultLogLevel))
            }
        }, { _ in try await work() })
    }

    /// Like `run`, with the catalog alone, from the database (no Redis needed).
    package func runOnCatalog(_ work: (Catalog) async throws -> Output) async throws {
        try await run(opening: openCatalog, work)
    }

    /// Like `run`, with the database alone (no Redis needed).
    package func runOnDatabase(_ work: (any SalesRecord) async throws -> Output) async throws {
        try await run(opening: { () async throws(StartupError) in
            bootstrapLogging(options.level(default: defaultLogLevel))
            return try await openRecords(stateDirectory: RedisLocator(timeouts: timeouts).stateDirectory)
        }, work)
    }

    package func makeService() async throws(StartupError) -> SeatLockingService {
        try await makeBackend().service
    }

    /// The service and the Redis client under it, with `connections` pooled connections.
    package func makeBackend(
        connections: Int = 1, metrics: SeatMetrics = .disabled
    ) async throws(StartupError) -> (service: SeatLockingService, redis: RedisClient) {
        let backend = try await openBackend(connections: connections, metrics: metrics)
        try await checkEviction(backend.service)
        return backend
    }

    /// The service and its Redis client, its Redis not checked yet.
    private func openBackend(
        connections: Int = 1, metrics: SeatMetrics = .disabled
    ) async throws(StartupError) -> (service: SeatLockingService, redis: RedisClient) {
        if let logFile {
            bootstrapFileLogging(logFile, level: options.level(default: defaultLogLevel))
        } else {
            bootstrapLogging(options.level(default: defaultLogLevel))
        }
        let locator = RedisLocator(timeouts: timeouts)
        let url = try await locator.resolve(explicit: options.redis)
        let redis = RedisClient(url: url, timeouts: timeouts, connections: connections)
        let records = try await openRecords(stateDirectory: locator.stateDirectory)
        let tiers = try options.holdTiers()
        var service = SeatLockingService(
            redis: redis, records: records, catalog: try await loadCatalog(records), policy: CrashPoints.policy, metrics: metrics
        ).holding(by: holder.flatMap { tiers.users[$0] }, of: tiers)
        CrashPoints.arm(&service)
        return (service, redis)
    }

    /// A Redis that may evict keys without a TTL could forget sold seats: refused.
    private func checkEviction(_ service: SeatLockingService) async throws(StartupError) {
        let policy = await service.evictionPolicy()
        guard let warning = policy.warning else { return }
        if case .evictsAnything = policy {
            throw StartupError(.unsafeRedis, message: warning)
        }
        complain("warning: \(warning)")
    }

    /// The catalog, from the database alone (no Redis needed).
    package func openCatalog() async throws(StartupError) -> Catalog {
        bootstrapLogging(options.level(default: defaultLogLevel))
        return try await loadCatalog(try await openRecords(stateDirectory: RedisLocator(timeouts: timeouts).stateDirectory))
    }

    /// `--database`, else `$CINEBOOK_DATABASE_URL`, else `cinebook.sqlite` in the state
    /// directory beside the embedded Redis. A new database is seeded from the showtime files.
    package func openRecords(stateDirectory: URL) async throws(StartupError) -> any SalesRecord {
        let environment = ProcessInfo.processInfo.environment
        let url: RecordsURL
        if let text = options.database ?? environment["CINEBOOK_DATABASE_URL"], !text.isEmpty {
            do { url = try RecordsURL(parsing: text) } catch {
                throw StartupError(.invalidRequest, message: error.description)
            }
        } else {
            url = .sqlite(path: stateDirectory.appendingPathComponent("cinebook.sqlite").path)
        }
        do {
            let seed = { () throws(StartupError) in try loadSeedCatalog().showtimes.map(ShowtimeRecord.init) }
            switch url {
            case let .sqlite(path): return try Records.sqlite(path: path, seed: seed)
            case .postgres: return try await ServerBuild.features().openPostgres(url, seed: seed)
            }
        } catch let error as StartupError {
            throw error
        } catch let error as RecordsError {
            throw StartupError(.databaseUnavailable, message: error.description)
        } catch {
            throw StartupError(.databaseUnavailable, message: "The database \(url) cannot be used: \(error)")
        }
    }

    package func loadCatalog(_ records: any SalesRecord) async throws(StartupError) -> Catalog {
        do {
            return try Catalog(records: try await records.showtimes())
        } catch let error as CatalogError {
            throw StartupError(.invalidFixture, message: "Broken showtime: \(error)")
        } catch {
            throw StartupError(.databaseUnavailable, message: "\(error)")
        }
    }

    package var timeouts: RedisTimeouts {
        let timeout = Duration.milliseconds(Int64(options.redisTimeout * 1000))
        return RedisTimeouts(connect: timeout, command: timeout)
    }

    /// The showtime files that seed a new database.
    package func loadSeedCatalog() throws(StartupError) -> Catalog {
        let directory = try FixtureDirectory.locate(explicit: options.fixtures)
        do {
            return try Catalog.load(directory: directory)
        } catch {
            throw StartupError(.invalidFixture, message: "Broken showtime file: \(error)")
        }
    }

    private func report(code: String, message: String, exitCode: Int32, json value: SeatLockingJSON.Failure) -> ExitCode {
        if json {
            print(SeatLockingJSON.encode(value))
        } else {
            complain(message)
        }
        return ExitCode(exitCode)
    }
}

/// Writes `cinebook: message` on stderr, in what this locale can show: every message of
/// the command line is said this way.
package func complain(_ message: String) {
    FileHandle.standardError.write(Data("cinebook: \(Appearance.forThisLocale.text(message))\n".utf8))
}

extension StartupError {
    /// Says what went wrong on stderr, and gives the exit status to throw.
    package var reported: ExitCode {
        complain(message)
        return ExitCode(exitCode)
    }
}

/// Logs go to stderr, so stdout stays clean for output and JSON.
package func bootstrapLogging(_ level: Logger.Level) {
    bootstrapLoggingOnce { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Whether this process has set up its logging.
private let loggingStarted = Mutex(false)

/// Logging is set up once per process: a command that opens more than one backend (the
/// catalog first, then the core) keeps the first set-up.
func bootstrapLoggingOnce(_ factory: @escaping @Sendable (String) -> any LogHandler) {
    let first = loggingStarted.withLock { started in
        defer { started = true }
        return !started
    }
    if first { LoggingSystem.bootstrap(factory) }
}
