import ArgumentParser
import CinebookCommands
import CinebookModel
import Foundation
import Logging
import SeatAPI
import SeatLocking

/// Starts `cinebook serve`: the secret, the service, the server; reports a failure to
/// start on stderr with the documented exit code.
struct APIServerRunner {
    let options: ServeCommand

    func run() async throws {
        do {
            let (tokens, generatedSecret) = try await TokenMinter().tokensForServer(development: options.dev)
            var runner = CommandRunner(options: options.common, json: false)
            runner.defaultLogLevel = .info
            let metrics = APIMetrics()
            let (service, redis) = try await runner.makeBackend(
                connections: options.redisConnections, metrics: SeatMetrics(factory: metrics.factory))
            defer { redis.close() }
            if let generatedSecret {
                print(try await developmentNotice(secret: generatedSecret, tokens: tokens))
                fflush(nil)
            }
            var configuration = configuration(logger: Logger(label: "cinebook.serve"))
            configuration.tiers = try options.common.holdTiers()
            configuration.devSignIn = options.dev
            let application = buildApplication(
                service: service, tokens: tokens, configuration: configuration, metrics: metrics)
            do {
                try await application.runService()
            } catch {
                throw StartupError(.listenFailed, message: ServerFailure.describe(error, host: options.host, port: options.port))
            }
        } catch let error as StartupError {
            throw error.reported
        }
    }

    /// The options as the server's configuration; the open-file limit is raised as far as
    /// allowed, and bounds the event streams.
    func configuration(logger: Logger) -> APIConfiguration {
        let files = OpenFileLimit.raise()
        let streams = min(options.maxStreams, max(1, files - OpenFileLimit.reserve))
        if streams < options.maxStreams {
            logger.warning("event streams capped by the open-file limit", metadata: [
                "max_streams": "\(streams)", "open_file_limit": "\(files)",
                "hint": "raise it with `ulimit -n` (as far as the hard limit) or in the service's unit (LimitNOFILE)",
            ])
        }
        return APIConfiguration(
            host: options.host, port: options.port,
            rateLimit: options.rateLimit > 0 ? RateLimit(perSecond: options.rateLimit, burst: options.rateBurst) : nil,
            sweepInterval: options.sweepEvery > 0 ? .seconds(options.sweepEvery) : nil,
            maximumEventStreams: streams, crossOrigins: Set(options.corsOrigins))
    }

    private func developmentNotice(secret: String, tokens: AccessTokens) async throws -> String {
        let token = try await TokenMinter.mint(tokens, user: "alice", ttl: .seconds(86_400))
        let base = "http://\(options.host.contains(":") ? "[\(options.host)]" : options.host):\(options.port)"
        return """
            cinebook serve --dev: CINEBOOK_SECRET is not set, so this run signs tokens with a generated secret.
            Mint tokens for this server from another shell:
              export CINEBOOK_SECRET=\(secret)
              cinebook token bob
            The seat map in a browser: \(base)/ (sign in with any name).
            A token for alice, valid for a day:
              export TOKEN=\(token)
              curl -H "Authorization: Bearer $TOKEN" \(base)/api/v1/showtimes/1/seats/status
            """
    }
}
