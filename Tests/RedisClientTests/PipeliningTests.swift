import RedisClient
import TestSupport
import Testing

@Suite("Many tasks share one client")
struct PipeliningTests {
    @Test func everyConcurrentTaskGetsItsOwnReply() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let prefix = "pipeline:\(TestUsers.unique())"
        let tasks = 1_000
        let mismatches = try await withThrowingTaskGroup(of: [String].self) { group in
            for index in 0..<tasks {
                group.addTask {
                    var wrong: [String] = []
                    let payload = "\(prefix):\(index):" + String(repeating: "x", count: index % 97)
                    let echoed = try await redis.send("ECHO", payload)
                    if echoed.string != payload { wrong.append("ECHO \(index) got \(echoed)") }
                    let key = "\(prefix):\(index)"
                    let counted = try await redis.send("INCRBY", key, String(index))
                    if counted != .integer(Int64(index)) { wrong.append("INCRBY \(index) got \(counted)") }
                    let read = try await redis.send("GET", key)
                    if read.int != Int64(index) { wrong.append("GET \(index) got \(read)") }
                    return wrong
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func errorReplyInsideAPipelineOnlyFailsItsOwnCommand() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "pipeline-error:\(TestUsers.unique())"
        try await redis.send("SET", key, "text")
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        if index % 2 == 0 {
                            try await redis.send("INCR", key)
                        } else {
                            let reply = try await redis.send("ECHO", String(index))
                            return (index, reply.string == String(index))
                        }
                        return (index, false)
                    } catch is RedisServerError {
                        return (index, index % 2 == 0)
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 200)
        #expect(outcomes.values.allSatisfy { $0 }, "\(outcomes.filter { !$0.value }.keys.sorted().prefix(10))")
    }

    @Test func pooledClientAnswersEveryTask() async throws {
        let redis = RedisClient(url: try RedisTestServer.shared().url, connections: 4)
        defer { redis.close() }
        let prefix = "pool:\(TestUsers.unique())"
        let replies = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask { try await redis.send("ECHO", "\(prefix):\(index)").string == "\(prefix):\(index)" }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(replies.count == 400)
        #expect(replies.allSatisfy { $0 })
    }
}
