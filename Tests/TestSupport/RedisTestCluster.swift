import CinebookSupport
import Foundation
import RedisClient
import Synchronization

/// A throwaway Redis Cluster of three primaries and three replicas on loopback TCP ports,
/// with `cluster-node-timeout 2000`, started by the test run itself and stopped at exit.
///
/// Starting nodes and asking them with redis-cli blocks, so every public call runs on a
/// thread of its own: Swift's few task threads stay free for the other tests.
public final class RedisTestCluster: Sendable {
    public let directory: URL
    /// Every node's port, primaries first as the cluster was created.
    public let ports: [Int]
    private let nodes = Mutex<[Int: WatchedServer]>([:])

    /// The one cluster shared by every test of this run that does not harm its nodes.
    public static func shared() async throws -> RedisTestCluster {
        let starting = sharedCluster.withLock { task in
            if let task { return task }
            let starting = Task { try await make() }
            task = starting
            return starting
        }
        return try await starting.value
    }

    private static let sharedCluster = Mutex<Task<RedisTestCluster, any Error>?>(nil)

    /// A cluster of its own, for tests that kill nodes or move slots.
    public static func make() async throws -> RedisTestCluster {
        try await offThePool { try RedisTestCluster() }
    }

    private static let running = Mutex<[RedisTestCluster]>([])

    private init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cinebook-cluster-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ports = try Self.freeClusterPorts(6)
        Self.running.withLock { clusters in
            if clusters.isEmpty { atexit { RedisTestCluster.stopAll() } }
            clusters.append(self)
        }
        for port in ports { try start(port) }
        let create = try redisCLI(["--cluster", "create"] + ports.map { "127.0.0.1:\($0)" } + ["--cluster-replicas", "1", "--cluster-yes"])
        guard create.status == 0 else { throw TestServerError(message: "redis-cli --cluster create failed: \(create.output)") }
        try awaitHealthy()
    }

    /// Seed nodes: every node of the cluster.
    public var url: RedisURL { RedisURL(endpoints: ports.map { .tcp(host: "127.0.0.1", port: $0) }) }
    public var urlString: String { url.description }

    /// Starts (or restarts) one node on its data directory.
    public func restart(_ port: Int) async throws {
        try await offThePool { try self.start(port) }
    }

    private func start(_ port: Int) throws {
        let home = directory.appendingPathComponent(String(port))
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", home.path,
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", home.appendingPathComponent("redis.log").path,
        ]
        let server = try WatchedServer.launch("redis-server", arguments, in: home) {
            (try? redisCLI(["-p", String(port), "PING"]))?.output.contains("PONG") == true
        }
        nodes.withLock { $0[port] = server }
    }

    /// Stops one node; with `hard`, by SIGKILL, as a crashed machine.
    public func stop(_ port: Int, hard: Bool = false) async throws {
        let server = nodes.withLock { $0.removeValue(forKey: port) }
        try await offThePool { server?.stop(hard: hard) }
    }

    /// SIGSTOP: the node hangs with its connections open. Resume it within the node
    /// timeout (2 s), or the cluster fails it over.
    public func suspend(_ port: Int) {
        if let pid = nodes.withLock({ $0[port]?.pid }) { kill(pid, SIGSTOP) }
    }

    /// SIGCONT after `suspend(_:)`.
    public func resume(_ port: Int) {
        if let pid = nodes.withLock({ $0[port]?.pid }) { kill(pid, SIGCONT) }
    }

    /// Waits until every running node says `cluster_state:ok`, all of them agree on which
    /// primary serves each slot, and every other node is a replica in sync with its
    /// primary (so that a primary killed now fails over).
    public func healthy(timeout: Duration = .seconds(30)) async throws {
        try await offThePool { try self.awaitHealthy(timeout: timeout) }
    }

    private func awaitHealthy(timeout: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let running = nodes.withLock { Array($0.keys) }
            let states = running.map { (try? redisCLI(["-p", String($0), "CLUSTER", "INFO"]))?.output ?? "" }
            let maps = Set(running.map { (try? primaryMap(asSeenBy: $0)) ?? [:] })
            let roles = running.map { (try? redisCLI(["-p", String($0), "INFO", "replication"]))?.output ?? "" }
            let replicasInSync = roles.filter { $0.contains("role:slave") && $0.contains("master_link_status:up") }.count
            if states.allSatisfy({ $0.contains("cluster_state:ok") }), maps.count == 1, maps.first?.count == 3,
               replicasInSync == running.count - 3 {
                return
            }
            usleep(50_000)
        }
        throw TestServerError(message: "the Redis Cluster in \(directory.path) did not become healthy")
    }

    /// The port of the primary that serves `slot`, as the first running node sees it.
    public func primary(serving slot: HashSlot) async throws -> Int {
        try await offThePool { try self.primaryPort(serving: slot) }
    }

    private func primaryPort(serving slot: HashSlot) throws -> Int {
        let running = nodes.withLock { Array($0.keys).sorted() }
        for port in running {
            if let found = try? primaryMap(asSeenBy: port).first(where: { $0.value.contains { $0.contains(slot.value) } })?.key { return found }
        }
        throw TestServerError(message: "no node of the cluster knows who serves slot \(slot)")
    }

    /// The ports of the three primaries.
    public func primaries() async throws -> [Int] {
        try await offThePool { try self.primaryPorts() }
    }

    private func primaryPorts() throws -> [Int] {
        let running = nodes.withLock { Array($0.keys).sorted() }
        guard let port = running.first else { throw TestServerError(message: "no node of the cluster runs") }
        return try primaryMap(asSeenBy: port).keys.sorted()
    }

    /// Moves `slot` with its keys from its primary to the primary on `target`, as
    /// `redis-cli --cluster reshard` does: IMPORTING and MIGRATING, MIGRATE in batches, then
    /// the new owner announced to every node. Commands meanwhile get ASK or TRYAGAIN.
    public func move(_ slot: HashSlot, to target: Int) async throws {
        try await offThePool { try self.migrate(slot, to: target) }
    }

    private func migrate(_ slot: HashSlot, to target: Int) throws {
        let source = try primaryPort(serving: slot)
        guard source != target else { return }
        func id(_ port: Int) throws -> String {
            try redisCLI(["-p", String(port), "CLUSTER", "MYID"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func run(_ port: Int, _ arguments: [String]) throws {
            let finished = try redisCLI(["-p", String(port)] + arguments)
            guard finished.status == 0, !finished.output.hasPrefix("ERR"), !finished.output.contains("(error)") else {
                throw TestServerError(message: "redis-cli -p \(port) \(arguments.joined(separator: " ")): \(finished.output)")
            }
        }
        let (sourceID, targetID) = (try id(source), try id(target))
        try run(target, ["CLUSTER", "SETSLOT", String(slot.value), "IMPORTING", sourceID])
        try run(source, ["CLUSTER", "SETSLOT", String(slot.value), "MIGRATING", targetID])
        while true {
            let keys = try redisCLI(["-p", String(source), "CLUSTER", "GETKEYSINSLOT", String(slot.value), "100"]).output
                .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            if keys.isEmpty { break }
            try run(source, ["MIGRATE", "127.0.0.1", String(target), "", "0", "5000", "KEYS"] + keys)
        }
        for port in [target, source] + (try primaryPorts()).filter({ $0 != target && $0 != source }) {
            try run(port, ["CLUSTER", "SETSLOT", String(slot.value), "NODE", targetID])
        }
    }

    /// Primary port → the slot ranges it serves, from one node's `CLUSTER NODES`.
    private func primaryMap(asSeenBy port: Int) throws -> [Int: [ClosedRange<Int>]] {
        let text = try redisCLI(["-p", String(port), "CLUSTER", "NODES"]).output
        var map: [Int: [ClosedRange<Int>]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 8, fields[2].contains("master"), !fields[2].contains("fail"),
                  let address = fields[1].split(separator: "@").first, let colon = address.lastIndex(of: ":"),
                  let nodePort = Int(address[address.index(after: colon)...])
            else { continue }
            let ranges = fields.dropFirst(8).compactMap { range -> ClosedRange<Int>? in
                let bounds = range.split(separator: "-").compactMap { Int($0) }
                guard let first = bounds.first else { return nil }
                return first...(bounds.last ?? first)
            }
            if !ranges.isEmpty { map[nodePort] = ranges }
        }
        return map
    }

    /// Runs redis-cli and returns what it printed.
    @discardableResult
    public func cli(_ arguments: [String]) async throws -> ChildProcess.Finished {
        try await offThePool { try self.redisCLI(arguments) }
    }

    private func redisCLI(_ arguments: [String]) throws -> ChildProcess.Finished {
        guard let path = ChildProcess.find("redis-cli") else { throw TestServerError(message: "redis-cli is not installed") }
        return try ChildProcess.run(path, arguments)
    }

    /// `count` ports whose cluster bus port (port + 10000) is free as well, and that no
    /// other cluster of this run has taken.
    private static func freeClusterPorts(_ count: Int) throws -> [Int] {
        try reserved.withLock { reserved in
            var ports: [Int] = []
            // Below 22,768, so that bus ports stay under the kernel's ephemeral range (32,768 up).
            var candidate = 20_000 + Int(getpid() % 1_000) * 2
            while ports.count < count, candidate < 22_768 {
                if !reserved.contains(candidate), isFree(candidate), isFree(candidate + 10_000) { ports.append(candidate) }
                candidate += 1
            }
            guard ports.count == count else { throw FreePortError() }
            reserved.formUnion(ports)
            return ports
        }
    }

    private static let reserved = Mutex<Set<Int>>([])

    private static func stopAll() {
        for cluster in running.withLock({ $0 }) {
            for server in cluster.nodes.withLock({ $0.values }) { server.stop() }
            try? FileManager.default.removeItem(at: cluster.directory)
        }
    }
}
