import CinebookSupport
import Synchronization

/// Sends each command to the primary that serves its key's slot, and follows the cluster
/// as it changes.
///
/// - `MOVED`: the slot has a new home; the map learns it and the command goes there.
/// - `ASK`: the key is being migrated; the command goes to the target once, after `ASKING`.
/// - `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`, or a node that cannot be reached: nothing ran;
///   the map is read again and the command retried with backoff, until the command timeout
///   or the operation's deadline, whichever comes first.
/// - A connection that broke or timed out with the command in flight is not retried,
///   since the command may have run; the error goes to the caller, and the map is read again.
final class ClusterRouter: Sendable {
    private let seeds: RedisURL
    private let timeouts: RedisTimeouts
    private let connections: Int
    private let state = Mutex<State>(State())
    private let refresher = TopologyRefresh()

    private struct State {
        var topology = ClusterTopology.empty
        var pools: [RedisURL.Endpoint: ConnectionPool] = [:]
        var isClosed = false
    }

    /// More redirections than this for one command mean the cluster disagrees with itself.
    private static let maximumRedirections = 8
    private static let firstBackoff = Duration.milliseconds(25)
    private static let maximumBackoff = Duration.milliseconds(250)

    init(seeds: RedisURL, timeouts: RedisTimeouts, connections: Int) {
        self.seeds = seeds
        self.timeouts = timeouts
        self.connections = connections
    }

    func close() {
        let pools = state.withLock { state in
            state.isClosed = true
            return Array(state.pools.values)
        }
        for pool in pools { pool.close() }
    }

    /// Sends `command` to the primary of its routing key's slot (any primary when it has none).
    func send(_ command: RedisCommand) async throws -> RedisReply {
        var slot = command.routingKey.map { HashSlot(key: $0) }
        let clock = ContinuousClock()
        let deadline = clock.now + min(timeouts.command, RedisDeadline.current?.remaining ?? timeouts.command)
        var backoff = Self.firstBackoff
        var redirections = 0
        var asking: RedisURL.Endpoint?

        /// Waits, reads the map again, and says whether there is time for another try.
        func waitForTheCluster() async -> Bool {
            guard clock.now + backoff < deadline else { return false }
            try? await Task.sleep(for: backoff)
            RedisDeadline.current?.spend(backoff)
            backoff = min(backoff * 2, Self.maximumBackoff)
            try? await refresh()
            asking = nil
            return true
        }

        while true {
            let target: RedisURL.Endpoint?
            if let asking { target = asking } else { target = try await primary(of: slot) }
            guard let node = target else {
                if await waitForTheCluster() { continue }
                throw RedisServerError(message: "CLUSTERDOWN no node of \(seeds) serves slot \(slot?.description ?? "any")")
            }
            let reply: RedisReply
            do {
                if asking != nil {
                    reply = try await pool(node).submit([RedisCommand("ASKING"), command])[1]
                } else {
                    reply = try await pool(node).submit(command)
                }
            } catch let error as RedisConnectionError where error.kind == .connect {
                if await waitForTheCluster() { continue }
                throw error
            } catch let error as RedisConnectionError {
                refreshSoon()
                throw error
            }
            guard case let .error(message) = reply,
                  let redirection = ClusterRedirection(error: message, answeredBy: node),
                  redirections < Self.maximumRedirections
            else { return reply }
            redirections += 1
            switch redirection {
            case let .moved(movedSlot, endpoint):
                state.withLock { $0.topology.assign(movedSlot...movedSlot, to: endpoint) }
                // A command sent without its routing key learns its slot here.
                slot = movedSlot
                asking = nil
                refreshSoon()
            case let .ask(_, endpoint):
                asking = endpoint
            case .retryLater:
                if await waitForTheCluster() { continue }
                return reply
            }
        }
    }

    /// Sends `command` to every primary, for commands about a whole server (INFO, CONFIG).
    func sendToEveryPrimary(_ command: RedisCommand) async throws -> [RedisReply] {
        let primaries = try await knownPrimaries()
        return try await withThrowingTaskGroup(of: (Int, RedisReply).self) { group in
            for (index, primary) in primaries.enumerated() {
                group.addTask { (index, try await self.pool(primary).submit(command)) }
            }
            var replies = [RedisReply](repeating: .null, count: primaries.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies
        }
    }

    /// The primaries as the map has them, read first if the map is empty.
    func knownPrimaries() async throws -> [RedisURL.Endpoint] {
        try await readMapIfEmpty()
        return state.withLock { $0.topology.primaries }
    }

    /// The node that serves `slot` now; `fresh` reads the map again first.
    func node(serving slot: HashSlot, fresh: Bool) async throws -> RedisURL {
        if fresh { try await refresh() }
        if let node = try await primary(of: slot) { return seeds.at(node) }
        throw RedisConnectionError(kind: .connect, endpoint: seeds.description, detail: "no node serves slot \(slot)")
    }

    /// The primary of `slot` as the map has it, reading the map first if it is empty.
    private func primary(of slot: HashSlot?) async throws -> RedisURL.Endpoint? {
        func known() -> RedisURL.Endpoint? {
            state.withLock { state in slot.map(state.topology.primary(of:)) ?? state.topology.primaries.first }
        }
        if let node = known() { return node }
        try await readMapIfEmpty()
        return known()
    }

    /// Reads the map unless it knows a primary already (the first command, or after
    /// every node was unreachable at the start).
    private func readMapIfEmpty() async throws {
        if state.withLock({ $0.topology.primaries.isEmpty }) { try await refresh() }
    }

    /// Reads the map from the first node that answers `CLUSTER SLOTS`: the known primaries
    /// first, then the seeds. Concurrent callers share one reading.
    func refresh() async throws {
        // The reading serves every caller, so no one caller's deadline cuts it short.
        try await RedisDeadline.lifted { try await refresher.run {
            let known = self.state.withLock { $0.topology.primaries }
            var failure: (any Error)?
            for endpoint in known + self.seeds.endpoints.filter({ !known.contains($0) }) {
                do {
                    let reply = try await self.pool(endpoint).submit(RedisCommand("CLUSTER", ["SLOTS"]))
                    if case let .error(message) = reply { throw RedisServerError(message: message) }
                    let topology = try ClusterTopology(slots: reply, answeredBy: endpoint)
                    guard !topology.primaries.isEmpty else { continue }
                    self.state.withLock { $0.topology = topology }
                    return
                } catch {
                    failure = failure ?? error
                }
            }
            throw failure ?? RedisConnectionError(kind: .connect, endpoint: self.seeds.description, detail: "no node knows the cluster's slots")
        } }
    }

    private func refreshSoon() {
        Task { try? await refresh() }
    }

    private func pool(_ endpoint: RedisURL.Endpoint) throws(RedisConnectionError) -> ConnectionPool {
        try state.withLock { state throws(RedisConnectionError) in
            guard !state.isClosed else {
                throw RedisConnectionError(kind: .closed, endpoint: seeds.description, detail: "")
            }
            if let pool = state.pools[endpoint] { return pool }
            let pool = ConnectionPool(url: seeds.at(endpoint), timeouts: timeouts, connections: connections, name: "redis-\(endpoint)")
            state.pools[endpoint] = pool
            return pool
        }
    }
}

/// One reading of the cluster's map at a time; whoever asks meanwhile waits for it.
private actor TopologyRefresh {
    private var running: Task<Void, any Error>?

    func run(_ reading: @escaping @Sendable () async throws -> Void) async throws {
        if let running { return try await running.value }
        let task = Task { try await reading() }
        running = task
        defer { running = nil }
        try await task.value
    }
}
