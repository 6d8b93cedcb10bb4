import CinebookSupport
import Foundation
import Testing
import TestSupport

/// Three friends choose seats together from three terminals, by a party's code, while a
/// stranger in a fourth picks beside them: the real binary in tmux, on a real Redis.
extension TerminalEndToEnd {
@Suite(.serialized) struct SeatMapPartyEndToEndTests {
    /// Every glyph a seat of this hall can show: free, mine, held, sold, being chosen, a party
    /// mate's, booked by my party.
    private static let glyphs = "○●◐×◌◉◆"

    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)))
    func threeFriendsChooseSwapAndBookTogetherAndAStrangerNeverGetsTheirSeats() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        let keys = RedisKeyNames(showtime: world.showtime)
        func holder(_ seat: String) throws -> String { try world.redis("HGET", keys.lock(seat), "user_id") }
        func sitter(_ seat: String) throws -> String { try world.redis("HGET", keys.lock(seat), "member") }
        func seat(_ code: String, in pane: String) throws -> String? { try world.seat(code, in: pane, glyphs: Self.glyphs) }
        /// The seats as one pane shows them, from one look.
        func shown(_ pane: String, _ codes: [String]) throws -> [String] {
            let seen = try world.seats(codes, in: pane, glyphs: Self.glyphs)
            return codes.map { (seen[$0] ?? nil) ?? "?" }
        }

        // alice starts a party with `t`; the code she reads aloud is on her screen.
        try world.open("alice", user: "alice")
        try world.open("dave", user: "dave")
        #expect(try await world.live("alice", "dave"))
        try world.keys("alice", "t")
        var found: String?
        #expect(try await world.until(seconds: 5) {
            found = try world.screen("alice").firstMatch(of: /Party ([A-Z]+-[0-9]{3}) started/).map { String($0.1) }
            return found != nil
        }, "alice's map names the new party")
        let code = try #require(found)
        let party = "party:\(code)"
        try world.open("bob", user: "bob", arguments: ["--party", code])
        try world.open("carol", user: "carol", arguments: ["--party", code])
        #expect(try await world.live("bob", "carol"))
        #expect(try world.screen("bob").contains("party \(code)"), "bob's status line names the party")

        // Each picks a seat from where the cursor starts (B3): alice B3, bob B4, carol B2.
        try world.keys("alice", "Space")
        try world.keys("bob", "l", "Space")
        try world.keys("carol", "h", "Space")
        #expect(try await world.until(seconds: 5) { try ["B2", "B3", "B4"].allSatisfy { try holder($0) == party } }, "one hold, the party's")
        #expect(try ["B2": "carol", "B3": "alice", "B4": "bob"].allSatisfy { try sitter($0.key) == $0.value })
        let row = ["B2", "B3", "B4"]
        #expect(try await world.until(seconds: 1) {
            try shown("bob", row) == ["◉", "◉", "●"] && shown("carol", row) == ["●", "◉", "◉"] && shown("alice", row) == ["◉", "●", "◉"]
        }, "every member sees the others' picks as the party's within 1 s")
        #expect(try await world.until(seconds: 1) { try shown("dave", row) == ["◐", "◐", "◐"] }, "the stranger sees them held")
        try world.keys("alice", "l", "l", "Space")
        #expect(try await world.until(seconds: 5) { try holder("B5") == party && sitter("B5") == "alice" })
        #expect(try await world.until(seconds: 1) { try seat("B5", in: "carol") == "◉" })

        // bob swaps his seat with carol's, in one step: both seats change hands together.
        try world.keys("bob", "s", "h", "h", "s")
        #expect(try await world.until(seconds: 5) { try sitter("B2") == "bob" && sitter("B4") == "carol" }, "the swap is done")
        #expect(try holder("B2") == party && holder("B4") == party, "the hold stays the party's")
        #expect(try await world.until(seconds: 1) { try seat("B4", in: "carol") == "●" && seat("B2", in: "carol") == "◉" },
                "carol's map shows her new seat")
        #expect(try await world.until(seconds: 5) { try world.screen("bob").contains("Swapped: bob in B2, carol in B4.") })

        // The stranger cannot take a party seat, by the map or by the command line, alone or
        // by naming the party.
        try world.keys("dave", "Space")
        #expect(try await world.until(seconds: 5) { try world.screen("dave").contains("B3 is held by someone else") })
        let alone = try ChildProcess.run(world.binary, ["lock", "--showtime", String(world.showtime), "--user", "dave", "B3"] + world.backend)
        #expect(alone.status == 3, "\(alone.output)")
        let posing = try ChildProcess.run(
            world.binary, ["lock", "--showtime", String(world.showtime), "--user", "dave", "--party", code, "B6"] + world.backend)
        #expect(posing.status == 4 && posing.output.contains("You are not in party \(code)"), "\(posing.output)")
        #expect(try holder("B3") == party && world.redis("EXISTS", keys.lock("B6")) == "0")

        // alice books the four seats: one booking, each seat naming its person.
        try world.keys("alice", "b")
        #expect(try await world.until(seconds: 5) { try world.screen("alice").contains("Press y to book") })
        #expect(try world.screen("alice").contains("Book B2, B3, B4 and B5 for party \(code)"))
        try world.keys("alice", "y")
        #expect(try await world.until(seconds: 5) { try world.screen("alice").contains("Booked B2, B3, B4 and B5") })
        let bookings = try world.cinebook(["bookings", "--showtime", String(world.showtime)])
        let lines = bookings.split(separator: "\n")
        #expect(lines.count == 1, "one booking: \(bookings)")
        #expect(bookings.contains("party \(code)  B2 B3 B4 B5") && bookings.contains("(bob in B2, alice in B3 B5, carol in B4)"), "\(bookings)")
        #expect(try await world.until(seconds: 1) {
            try shown("carol", ["B2", "B3", "B4", "B5"]) == ["◆", "◆", "◆", "◆"] && shown("dave", ["B2", "B3", "B4", "B5"]) == ["×", "×", "×", "×"]
        }, "sold in every map, the party's own in the members'")

        // Leaving: carol and alice each pick one more seat (carol's cursor is still on B2),
        // then carol quits. Only carol's goes.
        try world.keys("carol", "j", "Space")
        try world.keys("alice", "j", "Space")
        let picked = try await world.until(seconds: 5) { try sitter("C2") == "carol" && sitter("C5") == "alice" }
        #expect(picked, "\((try? world.screen("carol")) ?? "")\n\((try? world.screen("alice")) ?? "")")
        try world.keys("carol", "q")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", keys.lock("C2")) == "0" }, "carol's seat is released")
        #expect(try holder("C5") == party && sitter("C5") == "alice", "alice's seat stays the party's")
        #expect(try await world.until(seconds: 5) { try seat("C2", in: "bob") == "○" && seat("C5", in: "bob") == "◉" },
                "the others' maps show it free, and alice's still the party's")
        let members = try world.redis("HKEYS", keys.party(code)).split(separator: "\n").filter { $0.hasPrefix("member:") }.sorted()
        #expect(members == ["member:alice", "member:bob"], "carol left the party")

        // The stranger never held a seat at all.
        #expect(try world.redis("EXISTS", keys.holds("dave")) == "0")
        #expect(try !shown("dave", ["B2", "B3", "B4", "B5", "C2", "C5"]).contains("●"))
    }

    /// `demo --party`: four panes, three of them one party (named in their titles and status
    /// lines, all three in the party), the fourth a stranger.
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func theDemoOpensAPartyOfThreeAndAStranger() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        let tmuxDirectory = world.directory.appendingPathComponent("demo-tmux").path
        try FileManager.default.createDirectory(atPath: tmuxDirectory, withIntermediateDirectories: true)
        let environment = ["TMUX_TMPDIR=\(tmuxDirectory)", "XDG_STATE_HOME=\(world.directory.appendingPathComponent("state").path)"]
        func demoTmux(_ arguments: String...) throws -> String {
            try Helper.run("env", ["-u", "TMUX"] + environment + ["tmux", "-f", "/dev/null"] + arguments).output
        }
        defer { _ = try? demoTmux("kill-server") }
        let started = try Helper.run(
            "env", ["-u", "TMUX", "TERM=xterm-256color", "LANG=C.UTF-8"] + environment
                + [world.binary, "demo", "--party", "--showtime", String(world.showtime)] + world.backend)
        #expect(started.status == 0, "\(started.output)")

        let titles = try demoTmux("list-panes", "-a", "-F", "#{pane_id} #{pane_title}").split(separator: "\n").map(String.init)
        #expect(titles.count == 4, "\(titles)")
        let members = titles.filter { $0.contains(" · party ") }
        #expect(members.count == 3 && ["alice", "bob", "carol"].allSatisfy { name in members.contains { $0.contains(" \(name)-demo-") } }, "\(titles)")
        let stranger = try #require(titles.first { $0.contains(" dave-demo-") }, "\(titles)")
        #expect(!stranger.contains("party"))
        let code = try #require(members.first?.firstMatch(of: /party ([A-Z]+-[0-9]{3})/).map { String($0.1) })
        let panes = titles.map { String($0.split(separator: " ")[0]) }
        let live = try await world.until(seconds: 20) { try panes.allSatisfy { try demoTmux("capture-pane", "-p", "-t", $0).contains("live") } }
        #expect(live, "every map opens")
        for member in members {
            #expect(try demoTmux("capture-pane", "-p", "-t", String(member.split(separator: " ")[0])).contains("party \(code)"))
        }
        let joined = try world.redis("HKEYS", RedisKeyNames(showtime: world.showtime).party(code)).split(separator: "\n").filter { $0.hasPrefix("member:") }
        #expect(joined.count == 3, "\(joined)")
    }

    /// The same party through `cinebook serve`: a member's pick shows as the party's in
    /// another member's map, and a swap changes who sits where in both.
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func aPartyChoosesTogetherThroughTheAPI() async throws {
        let redis = try RedisTestServer.shared()
        var world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try await world.startServer()
        try world.open("alice", user: "alice")
        #expect(try await world.live("alice"))
        try world.keys("alice", "t")
        var found: String?
        #expect(try await world.until(seconds: 5) {
            found = try world.screen("alice").firstMatch(of: /Party ([A-Z]+-[0-9]{3}) started/).map { String($0.1) }
            return found != nil
        })
        let code = try #require(found)
        try world.open("bob", user: "bob", arguments: ["--party", code])
        #expect(try await world.live("bob"))
        try world.keys("alice", "Space")
        try world.keys("bob", "l", "Space")
        let keys = RedisKeyNames(showtime: world.showtime)
        #expect(try await world.until(seconds: 5) { try world.redis("HGET", keys.lock("B4"), "member") == "bob" })
        #expect(try await world.until(seconds: 1) {
            try world.seat("B3", in: "bob", glyphs: Self.glyphs) == "◉" && world.seat("B4", in: "alice", glyphs: Self.glyphs) == "◉"
        }, "each sees the other's pick as the party's")
        try world.keys("alice", "s", "l", "s")
        #expect(try await world.until(seconds: 5) {
            try world.seat("B3", in: "bob", glyphs: Self.glyphs) == "●" && world.seat("B4", in: "alice", glyphs: Self.glyphs) == "●"
        }, "the swap shows in both maps")
    }
}
}
