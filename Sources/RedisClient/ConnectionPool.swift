/// The connections to one Redis node. Each command goes to the connection with the
/// shortest queue, which pipelines it with whatever else is waiting there.
final class ConnectionPool: Sendable {
    let url: RedisURL
    private let workers: [ConnectionWorker]

    init(url: RedisURL, timeouts: RedisTimeouts, connections: Int, name: String) {
        self.url = url
        workers = (0..<max(1, connections)).map { index in
            ConnectionWorker(url: url, timeouts: timeouts, name: "\(name)-\(index)")
        }
    }

    func submit(_ command: RedisCommand) async throws -> RedisReply {
        try await worker.submit(command)
    }

    func submit(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        try await worker.submit(commands)
    }

    /// Closes every connection once the commands already queued are done.
    func close() {
        for worker in workers { worker.stop() }
    }

    private var worker: ConnectionWorker {
        guard workers.count > 1 else { return workers[0] }
        return workers.min { $0.queuedCount < $1.queuedCount }!
    }
}
