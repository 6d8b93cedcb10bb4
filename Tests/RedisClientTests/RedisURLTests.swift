import RedisClient
import Testing

@Suite("Parsing Redis URLs")
struct RedisURLTests {
    @Test func tcpURLWithHostAndPort() throws {
        let url = try RedisURL(parsing: "redis://cache.internal:6380")
        #expect(url.endpoint == .tcp(host: "cache.internal", port: 6380))
        #expect(url.password == nil)
        #expect(url.username == nil)
        #expect(url.database == 0)
    }

    @Test func tcpURLWithoutPortUsesTheDefaultPort() throws {
        let url = try RedisURL(parsing: "redis://localhost")
        #expect(url.endpoint == .tcp(host: "localhost", port: 6379))
    }

    @Test func passwordOnly() throws {
        let url = try RedisURL(parsing: "redis://:s3cret@127.0.0.1:6379")
        #expect(url.endpoint == .tcp(host: "127.0.0.1", port: 6379))
        #expect(url.username == nil)
        #expect(url.password == "s3cret")
    }

    @Test func usernameAndPercentEncodedPassword() throws {
        let url = try RedisURL(parsing: "redis://alice:p%40ss%3Aword@db.example:7000/3")
        #expect(url.username == "alice")
        #expect(url.password == "p@ss:word")
        #expect(url.endpoint == .tcp(host: "db.example", port: 7000))
        #expect(url.database == 3)
    }

    @Test func descriptionHidesThePassword() throws {
        let url = try RedisURL(parsing: "redis://alice:topsecret@db.example:7000/3")
        #expect(!url.description.contains("topsecret"))
        #expect(url.description == "redis://alice:***@db.example:7000/3")
    }

    @Test func severalHostsAreSeedNodesOfOneCluster() throws {
        let url = try RedisURL(parsing: "redis://:pw@10.0.0.1:7001,10.0.0.2,[::1]:7003")
        #expect(url.endpoints == [.tcp(host: "10.0.0.1", port: 7001), .tcp(host: "10.0.0.2", port: 6379), .tcp(host: "::1", port: 7003)])
        #expect(url.endpoint == .tcp(host: "10.0.0.1", port: 7001))
        #expect(url.password == "pw")
        #expect(url.description == "redis://:***@10.0.0.1:7001,10.0.0.2:6379,[::1]:7003")
        #expect(url.at(.tcp(host: "10.0.0.9", port: 7009)).description == "redis://:***@10.0.0.9:7009")
    }

    @Test func databaseNumber() throws {
        #expect(try RedisURL(parsing: "redis://localhost/5").database == 5)
        #expect(try RedisURL(parsing: "redis://localhost:6379/").database == 0)
    }

    @Test func unixSocketPath() throws {
        let url = try RedisURL(parsing: "unix:///var/run/redis/redis.sock")
        #expect(url.endpoint == .unix(path: "/var/run/redis/redis.sock"))
        #expect(url.database == 0)
    }

    @Test func unixSocketWithDatabaseAndPassword() throws {
        let url = try RedisURL(parsing: "unix://:pw@/tmp/redis.sock?db=2")
        #expect(url.endpoint == .unix(path: "/tmp/redis.sock"))
        #expect(url.password == "pw")
        #expect(url.database == 2)
    }

    @Test func ipv6HostInBrackets() throws {
        #expect(try RedisURL(parsing: "redis://[::1]:6390").endpoint == .tcp(host: "::1", port: 6390))
        #expect(try RedisURL(parsing: "redis://[fe80::1]").endpoint == .tcp(host: "fe80::1", port: 6379))
        #expect(try RedisURL(parsing: "redis://[::1]:6390/1").description == "redis://[::1]:6390/1")
    }

    @Test(arguments: [
        ("localhost:6379", "expected redis://"),
        ("http://localhost", "unknown scheme 'http'"),
        ("redis://", "host is missing"),
        ("redis://:6379", "host is missing"),
        ("redis://h1:7001,,h2:7002", "host is missing"),
        ("redis://h1:7001,h2:x", "port 'x'"),
        ("redis://localhost:abc", "port 'abc'"),
        ("redis://localhost:0", "port '0'"),
        ("redis://localhost:70000", "port '70000'"),
        ("redis://localhost/db1", "database 'db1'"),
        ("redis://[::1:6379", "unclosed '['"),
        ("redis://[::1]6379", "unexpected '6379' after the IPv6 address"),
        ("redis://::1", "IPv6 address in brackets"),
        ("redis://localhost/99999", "database '99999' is not a number from 0 to 15999"),
        ("unix://relative/redis.sock", "absolute path"),
        ("unix:///tmp/redis.sock?db=x", "database 'x'"),
    ])
    func badURLsAreRejectedWithTheReason(text: String, reason: String) {
        let error = #expect(throws: RedisURLError.self) { try RedisURL(parsing: text) }
        #expect(error?.problem.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains(text) == true)
    }

    @Test func errorsNeverShowThePassword() {
        let error = #expect(throws: RedisURLError.self) { try RedisURL(parsing: "redis://alice:hunter2@db.example:port") }
        #expect(error?.description.contains("hunter2") == false, "\(String(describing: error))")
        #expect(error?.url == "redis://alice:***@db.example:port")
        let bare = #expect(throws: RedisURLError.self) { try RedisURL(parsing: "redis://hunter2@:6379") }
        #expect(bare?.url == "redis://***@:6379")
    }
}
