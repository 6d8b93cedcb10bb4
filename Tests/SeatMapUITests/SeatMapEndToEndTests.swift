import CinebookSupport
import Foundation
import RedisClient
import Synchronization
import Testing
import TestSupport

/// The real binary in tmux against a real Redis: two users on one showtime.
extension TerminalEndToEnd {
@Suite(.serialized) struct SeatMapEndToEndTests {
    @Test(
        .enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)),
        arguments: RedisKind.allCases)
    func twoUsersSeeEachOthersSeatsLiveAndQuittingReleasesThem(on kind: RedisKind) async throws {
        let world: World
        switch kind {
        case .standalone:
            let redis = try RedisTestServer.shared()
            world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        case .cluster:
            let cluster = try await RedisTestCluster.shared()
            world = try World(redis: cluster.urlString, cli: ["-c", "-p", String(cluster.ports[0])])
        }
        defer { world.tearDown() }

        try world.open("one", user: "alice")
        try world.open("two", user: "bob")
        #expect(try await world.live("one", "two"), "both maps load and subscribe")
        #expect(try world.seat("B3", in: "two") == "○")
        try world.tmux("resize-window", "-t", "two", "-x", "90", "-y", "28")
        #expect(try await world.until(seconds: 5) {
            let lines = try world.screen("two").split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 28 && lines[27].hasPrefix(" bob · ")
        }, "redrawn at the new size")

        // alice selects B3 (the cursor starts there): bob sees it held within a second.
        try world.keys("one", "Space")
        let lockKey = RedisKeyNames(showtime: world.showtime).lock("B3")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", lockKey) == "1" }, "the lock is in Redis")
        #expect(try await world.until(seconds: 1) { try world.seat("B3", in: "two") == "◐" }, "bob sees B3 held within 1 s")
        #expect(try world.seat("B3", in: "one") == "●")

        let fields = try world.redis("HGETALL", lockKey).split(separator: "\n").map(String.init)
        let lock = Dictionary(uniqueKeysWithValues: stride(from: 0, to: fields.count - 1, by: 2).map { (fields[$0], fields[$0 + 1]) })
        #expect(lock["user_id"] == "alice")
        #expect(lock["showtime_id"] == String(world.showtime))
        #expect(Int(lock["token"] ?? "") != nil)
        #expect(Int(lock["locked_at"] ?? "") != nil)
        let ttl = try #require(Int(try world.redis("PTTL", lockKey)))
        #expect(ttl > 0 && ttl <= 900_000)

        // bob takes B4: his map now shows all four states, each in its own colour.
        try world.keys("two", "l", "Space")
        #expect(try await world.until(seconds: 5) { try world.seat("B4", in: "two") == "●" })
        let colours = try world.colours(in: "two")
        let stateColours = ["○", "●", "◐", "×"].map { colours[Character($0)] ?? [] }
        #expect(stateColours.allSatisfy { $0.count == 1 }, "one colour per state: \(colours)")
        #expect(Set(stateColours.flatMap { $0 }).count == 4, "four different colours: \(colours)")

        // q releases alice's seat: the key is gone and bob sees B3 free again.
        try world.keys("one", "q")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", lockKey) == "0" }, "q releases the lock")
        #expect(try await world.until(seconds: 1) { try world.seat("B3", in: "two") == "○" }, "bob sees B3 free within 1 s")

        // SIGHUP (a closed pane) releases too.
        try world.open("three", user: "alice")
        #expect(try await world.live("three"))
        try world.keys("three", "Space")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", lockKey) == "1" })
        let pid = try #require(Int32(try world.tmux("display-message", "-p", "-t", "three", "#{pane_pid}")))
        kill(pid, SIGHUP)
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", lockKey) == "0" }, "SIGHUP releases the lock")
        #expect(try await world.until(seconds: 1) { try world.seat("B3", in: "two") == "○" })

        try world.keys("two", "q")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", RedisKeyNames(showtime: world.showtime).lock("B4")) == "0" })
    }
}
}

/// The seat map through `cinebook serve` instead of Redis: two panes with two tokens, the
/// same screen and keys, pushes over the event stream, and the server stopped and started.
extension TerminalEndToEnd {
@Suite struct SeatMapOverTheAPITests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)))
    func twoTokensSeeEachOthersSeatsBookAndQuitAndTheMapSurvivesAServerRestart() async throws {
        let redis = try RedisTestServer.shared()
        var world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try await world.startServer()

        try world.open("one", user: "alice")
        try world.open("two", user: "bob")
        #expect(try await world.live("one", "two"), "both maps load and hear the event stream")
        #expect(try world.screen("one").contains(" alice · "), "the token says who the user is")

        // alice picks B3: the lock is hers in Redis, and bob sees it held within a second.
        try world.keys("one", "Space")
        let lockKey = RedisKeyNames(showtime: world.showtime).lock("B3")
        #expect(try await world.until(seconds: 5) { try world.redis("HGET", lockKey, "user_id") == "alice" }, "the lock is alice's")
        #expect(try await world.until(seconds: 1) { try world.seat("B3", in: "two") == "◐" }, "bob sees B3 held within 1 s")

        // bob picks B4 and books it: sold on both maps.
        try world.keys("two", "l", "Space")
        // A pick shows at once; b books only once the server has granted it.
        #expect(try await world.until(seconds: 5) { try world.screen("two").contains("B4 is yours") }, "the lock is granted")
        try world.keys("two", "b")
        try world.keys("two", "y")
        #expect(try await world.until(seconds: 5) { try world.screen("two").contains("Booked B4") }, "\((try? world.screen("two")) ?? "")")
        #expect(try await world.until(seconds: 2) { try world.seat("B4", in: "one") == "×" }, "alice sees B4 sold")
        #expect(try world.redis("HEXISTS", RedisKeyNames(showtime: world.showtime).sold, "B4") == "1", "sold in Redis")

        // The server stops: the banner, within a couple of seconds of the next action.
        try await world.stopServer()
        try world.keys("two", "l", "Space")
        #expect(try await world.until(seconds: 5) { try world.screen("two").contains("Server unreachable") }, "the outage banner")
        // It comes back: the map is live again by itself, and works.
        try await world.startServer()
        #expect(try await world.until(seconds: 20) {
            let screen = try world.screen("two")
            return screen.contains("● live") && !screen.contains("Server unreachable")
        }, "live again without a restart: \((try? world.screen("two")) ?? "")")
        try world.keys("two", "l", "Space")
        #expect(try await world.until(seconds: 5) { try world.redis("HGET", RedisKeyNames(showtime: world.showtime).lock("B6"), "user_id") == "bob" },
                "bob locks again: \((try? world.screen("two")) ?? "")")

        // q releases alice's seat through the server; SIGHUP releases bob's.
        try world.keys("one", "q")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", lockKey) == "0" }, "q releases the lock")
        let pid = try #require(Int32(try world.tmux("display-message", "-p", "-t", "two", "#{pane_pid}")))
        kill(pid, SIGHUP)
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", RedisKeyNames(showtime: world.showtime).lock("B6")) == "0" },
                "SIGHUP releases the lock")
    }
}
}

/// The seat map while the primary of its showtime is killed: the outage banner, then the
/// map works again once the replica has taken over, without a restart.
extension TerminalEndToEnd {
@Suite struct SeatMapFailoverTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)))
    func theMapShowsTheOutageAndRecoversAfterAFailover() async throws {
        let cluster = try await RedisTestCluster.make()
        let world = try World(redis: cluster.urlString, cli: ["-c", "-p", String(cluster.ports[0])])
        defer { world.tearDown() }
        let victim = try await cluster.primary(serving: HashSlot(key: "{\(world.showtime)}"))

        try world.open("map", user: "alice")
        #expect(try await world.live("map"), "the map loads and subscribes")
        try await cluster.stop(victim, hard: true)
        try world.keys("map", "Space")
        #expect(try await world.until(seconds: 10) { try world.screen("map").contains("Redis unreachable") }, "the outage banner")
        // The banner may come before the pick's own answer (the lost feed is checked at once).
        #expect(try await world.until(seconds: 10) { try world.seat("B3", in: "map") == "○" },
                "nothing was locked: \((try? world.screen("map")) ?? "")")

        #expect(try await world.until(seconds: 30) {
            let screen = try world.screen("map")
            return screen.contains("● live") && !screen.contains("Redis unreachable")
        }, "the map is live again once the replica has taken over")
        try world.keys("map", "Space")
        #expect(try await world.until(seconds: 10) { try world.seat("B3", in: "map") == "●" }, "and locks again")
        // The map shows a pick at once; the lock itself is awaited in Redis, through a node that is alive.
        let alive = try #require(cluster.ports.first { $0 != victim })
        #expect(try await eventually(timeout: .seconds(5)) {
            let holder = try await cluster.cli(["-c", "-p", String(alive), "HGET", RedisKeyNames(showtime: world.showtime).lock("B3"), "user_id"])
            return holder.output.trimmingCharacters(in: .whitespacesAndNewlines) == "alice"
        }, "the lock is alice's in Redis")
    }
}
}

/// Key `p` in the real binary: the hold history written by the command line, moved into the
/// database by `cinebook sweep`, read by `cinebook stats` and drawn as a heat map, in colour
/// and with `NO_COLOR`.
extension TerminalEndToEnd {
@Suite struct SeatPopularityEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)))
    func theHeatMapShowsHowOftenEachSeatWasPicked() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        // B2 is picked three times (released twice, then booked), B3 once (booked).
        for (user, command, seats) in [
            ("u1", "lock", ["B2"]), ("u1", "unlock", ["B2"]), ("u2", "lock", ["B2"]), ("u2", "unlock", ["B2"]),
            ("u3", "lock", ["B2", "B3"]), ("u3", "book", ["B2", "B3"]),
        ] {
            try world.cinebook([command, "--showtime", String(world.showtime), "--user", user] + seats)
        }
        #expect(try world.cinebook(["sweep"]).contains("Archived 3 history entries."))
        let json = try world.cinebook(["stats", "--showtime", String(world.showtime), "--json"])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(stats["released"] as? Int == 2 && stats["booked"] as? Int == 2 && stats["abandonment_rate"] as? Double == 0.5)
        #expect(stats["error_rate"] as? Double == 0 && stats["conflict_rate"] as? Double == 0)
        let seats = stats["seats"] as? [String: [String: Int]]
        #expect(seats?["B2"] == ["held": 3, "booked": 1] && seats?["B3"] == ["held": 1, "booked": 1], "\(json)")

        try world.open("colour", user: "alice")
        try world.open("plain", user: "bob", environment: ["NO_COLOR=1"])
        for session in ["colour", "plain"] {
            #expect(try await world.live(session), "the map loads")
            try world.keys(session, "p")
            #expect(try await world.until(seconds: 5) { try world.screen(session).contains("times picked") }, "the heat map is drawn")
            let screen = try world.screen(session)
            #expect(screen.contains("· never") && screen.contains("▒ 1") && screen.contains("▓ 2") && screen.contains("█ 3"), "\(screen)")
            #expect(try world.seat("B2", in: session, glyphs: "·░▒▓█") == "█")
            #expect(try world.seat("B3", in: session, glyphs: "·░▒▓█") == "▒")
            #expect(try world.seat("A1", in: session, glyphs: "·░▒▓█") == "·", "sold at the box office, never picked here")
        }
        let colours = try world.colours(in: "colour")
        #expect(colours["█"]?.count == 1 && colours["▒"]?.count == 1 && colours["█"] != colours["▒"], "\(colours)")
        #expect(colours["█"]?.contains("default") == false && colours["▒"]?.contains("default") == false)
        let plain = try world.colours(in: "plain")
        #expect(["·", "▒", "█"].allSatisfy { plain[Character($0)] == ["default"] }, "no colour with NO_COLOR: \(plain)")

        try world.keys("colour", "p")
        #expect(try await world.until(seconds: 5) { try world.seat("B2", in: "colour") == "×" }, "p again: the seat map, B2 sold")
    }
}
}

/// Two maps of one user, as a person sees them: quitting one releases only the seat it
/// locked, and the other says how that seat ended, not that it expired.
extension TerminalEndToEnd {
@Suite struct TwoMapsOfOneUserEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(2)))
    func quittingOneMapReleasesOnlyItsOwnSeat() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try world.open("one", user: "alice")
        #expect(try await world.live("one"))
        try world.open("two", user: "alice")
        #expect(try await world.live("two"))
        // Pane one takes B3 (the cursor starts there); pane two takes B4.
        try world.keys("one", "Space")
        #expect(try await world.until(seconds: 5) { try world.redis("HGET", RedisKeyNames(showtime: world.showtime).lock("B3"), "user_id") == "alice" })
        try world.keys("two", "l", "Space")
        #expect(try await world.until(seconds: 5) { try world.redis("HGET", RedisKeyNames(showtime: world.showtime).lock("B4"), "user_id") == "alice" })
        #expect(try await world.until(seconds: 5) { try world.seat("B3", in: "two") == "●" }, "both are alice's in either map")

        try world.keys("one", "q")
        #expect(try await world.until(seconds: 5) { try world.redis("EXISTS", RedisKeyNames(showtime: world.showtime).lock("B3")) == "0" }, "B3 released")
        #expect(try world.redis("EXISTS", RedisKeyNames(showtime: world.showtime).lock("B4")) == "1", "B4, locked in pane two, is still held")
        // Announced, the release is named as such; had the announcement been missed, the next
        // reload would say only that the hold ended before its time. Never "expired".
        let told = try await world.until(seconds: 5) {
            let screen = try world.screen("two")
            return screen.contains("B3 was released by another session of yours") || screen.contains("Your hold on B3 ended before its time")
        }
        let two = try world.screen("two")
        #expect(told, "\(two)")
        #expect(!two.contains("expired"), "\(two)")
        #expect(try world.seat("B4", in: "two") == "●")
    }
}
}

/// "Being chosen" between two terminals: where alice's cursor rests shows in bob's map as
/// `◌` at once, and goes by itself once alice quits.
extension TerminalEndToEnd {
@Suite struct PresenceEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func whereOnePersonsCursorRestsShowsInTheOthersMapAndGoesByItself() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try world.open("alice", user: "alice")
        try world.open("bob", user: "bob")
        #expect(try await world.live("alice"))
        #expect(try await world.live("bob"))
        try world.keys("alice", "l")
        let shown = try await world.until(seconds: 5) { try world.seat("B4", in: "bob") == "◌" }
        #expect(shown, "alice's resting cursor shows in bob's map: \((try? world.screen("bob")) ?? "")")
        #expect(try world.seat("B4", in: "alice") == "○", "not in her own")
        try world.keys("alice", "q")
        let gone = try await world.until(seconds: 15) { try world.seat("B4", in: "bob") == "○" }
        #expect(gone, "the mark ends once alice has gone: \((try? world.screen("bob")) ?? "")")
    }
}
}

/// The waiting room in a terminal: with four people ahead choosing, carol's map shows her
/// place in line; when one of them takes seats, her turn comes, the map opens, and her
/// first pick hands in the pass.
extension TerminalEndToEnd {
@Suite struct WaitingRoomEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func theMapWaitsInLineThenOpensAtTheUsersTurn() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        let id = String(world.showtime)
        try world.cinebook(["room", "--showtime", id, "--opens-at", "now"])
        // With the hall's 23 free seats, four people choose at once: ann, ben, cat and dan.
        let ann = try world.cinebook(["queue", "--showtime", id, "--user", "ann", "--json"])
        let pass = try #require((try JSONSerialization.jsonObject(with: Data(ann.utf8)) as? [String: Any])?["pass"] as? String, "\(ann)")
        for person in ["ben", "cat", "dan"] { try world.cinebook(["queue", "--showtime", id, "--user", person]) }
        try world.open("carol", user: "carol")
        let waiting = try await world.until(seconds: 15) {
            let screen = try world.screen("carol")
            return screen.contains("Your place in line: 5") && screen.contains("You are next.")
        }
        #expect(waiting, "carol waits her turn: \((try? world.screen("carol")) ?? "")")
        #expect(try world.seat("B3", in: "carol") == nil, "the hall is not shown while waiting")

        try world.cinebook(["lock", "--showtime", id, "--user", "ann", "--pass", pass, "D1"])
        let opened = try await world.until(seconds: 15) { try world.screen("carol").contains("It's your turn") }
        #expect(opened, "her turn opens the map: \((try? world.screen("carol")) ?? "")")
        #expect(try await world.until(seconds: 5) { try world.seat("B3", in: "carol") == "○" })
        try world.keys("carol", "Space")
        let held = try await world.until(seconds: 5) { try world.redis("ZCARD", RedisKeyNames(showtime: world.showtime).index) == "2" }
        #expect(held, "her first pick went through with the pass: \((try? world.screen("carol")) ?? "")")
        try world.keys("carol", "q")
    }
}
}

/// A hold that expires leaves every other map at once, with no server sweeping and no
/// poll due: here the map polls once an hour, so only its own timer can show it.
extension TerminalEndToEnd {
@Suite struct ExpiryEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func anExpiredHoldLeavesAnotherMapWithoutASweeperOrAPoll() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try world.open("bob", user: "bob", arguments: ["--poll", "3600"])
        #expect(try await world.live("bob"))
        try world.cinebook(["lock", "--showtime", String(world.showtime), "--user", "carol", "--ttl", "2", "C5"])
        #expect(try await world.until(seconds: 5) { try world.seat("C5", in: "bob") == "◐" }, "carol's hold shows at once")
        let gone = try await world.until(seconds: 15) { try world.seat("C5", in: "bob") == "○" }
        #expect(gone, "the expired hold leaves the map: \((try? world.screen("bob")) ?? "")")
        #expect(try world.redis("ZCARD", RedisKeyNames(showtime: world.showtime).index) == "1", "nothing swept it: the index still lists it")
    }
}
}

/// The demo's users carry a mark of the run, so a demo on a shared Redis neither takes
/// nor releases a real alice's seats.
extension TerminalEndToEnd {
@Suite struct DemoEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func demoUsersAreNotRealUsers() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        let lock = RedisKeyNames(showtime: world.showtime).lock("B3")
        try world.cinebook(["lock", "--showtime", String(world.showtime), "--user", "alice", "B3"])

        // Outside tmux, with no terminal, the demo starts a detached session of its own tmux
        // server (here in the world's directory) and says how to attach.
        let tmuxDirectory = world.directory.appendingPathComponent("demo-tmux").path
        try FileManager.default.createDirectory(atPath: tmuxDirectory, withIntermediateDirectories: true)
        let environment = ["TMUX_TMPDIR=\(tmuxDirectory)", "XDG_STATE_HOME=\(world.directory.appendingPathComponent("state").path)"]
        func demoTmux(_ arguments: String...) throws -> String {
            try Helper.run("env", ["-u", "TMUX"] + environment + ["tmux", "-f", "/dev/null"] + arguments).output
        }
        defer { _ = try? demoTmux("kill-server") }
        let started = try Helper.run(
            "env", ["-u", "TMUX", "TERM=xterm-256color", "LANG=C.UTF-8"] + environment
                + [world.binary, "demo", "--users", "2", "--showtime", String(world.showtime)] + world.backend)
        #expect(started.status == 0, "\(started.output)")
        #expect(started.output.contains("Attach to it with: tmux attach -t cinebook-demo"), "\(started.output)")

        let titles = try demoTmux("list-panes", "-a", "-F", "#{pane_id} #{pane_title}").split(separator: "\n").map(String.init)
        #expect(titles.count == 2, "\(titles)")
        let alicePane = try #require(titles.first { $0.contains(" alice-demo-") }, "\(titles)").split(separator: " ")[0]
        #expect(titles.contains { $0.contains(" bob-demo-") }, "\(titles)")
        let shown = try await world.until(seconds: 20) {
            try demoTmux("capture-pane", "-p", "-t", String(alicePane)).contains("live")
        }
        let screen = try demoTmux("capture-pane", "-p", "-t", String(alicePane))
        #expect(shown, "\(screen)")
        #expect(screen.contains(" alice-demo-"), "the demo's alice is named as such: \(screen)")
        #expect(screen.contains("◐ held by others 1"), "the real alice's B3 is someone else's to the demo's alice: \(screen)")

        _ = try demoTmux("send-keys", "-t", String(alicePane), "q")
        #expect(try await world.until(seconds: 10) { !(try demoTmux("list-panes", "-a", "-F", "#{pane_title}")).contains("alice-demo-") })
        #expect(try world.redis("HGET", lock, "user_id") == "alice", "quitting the demo's map left the real alice's seat alone")
    }
}
}

/// A wide name in a narrow terminal, as a person sees it: cut with an ellipsis, the
/// footer in one piece.
extension TerminalEndToEnd {
@Suite struct WideNameEndToEndTests {
    @Test(.enabled(if: Helper.find("tmux") != nil && Helper.find("redis-cli") != nil, "needs tmux and redis-cli"), .timeLimit(.minutes(1)))
    func aWideNameFitsAFortyColumnFooter() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try world.open("wide", user: "🎬🎬🎬 Zoë 中文名字", width: 40, height: 20)
        #expect(try await world.live("wide"), "the map loads")
        let footer = try world.screen("wide").split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        #expect(footer.hasPrefix(" 🎬🎬🎬 Zo") && footer.contains("…") && footer.contains("live"), "\(footer)")
    }
}
}

/// A terminal that cannot draw the map is refused with a clear message, not a blank screen.
extension TerminalEndToEnd {
@Suite struct DumbTerminalTests {
    @Test(.enabled(if: Helper.find("tmux") != nil, "needs tmux"), .timeLimit(.minutes(1)))
    func theMapRefusesTermDumbAndSaysWhatToUse() async throws {
        let redis = try RedisTestServer.shared()
        let world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        let command = ["env", "TERM=dumb", world.binary, "seats", "--showtime", String(world.showtime), "--user", "dora"] + world.backend
        try world.tmux("new-session", "-d", "-s", "dumb", "-x", "100", "-y", "20",
                       command.map { "'\($0)'" }.joined(separator: " ") + "; echo EXIT=$?; sleep 60")
        #expect(try await world.until(seconds: 20) { try world.screen("dumb").contains("EXIT=") }, "it ends by itself")
        let screen = try world.screen("dumb")
        #expect(screen.contains("TERM=dumb cannot move the cursor") && screen.contains("xterm-256color"), "\(screen)")
        #expect(screen.contains("EXIT=2"), "\(screen)")
        #expect(try world.redis("KEYS", RedisKeyNames(showtime: world.showtime).lock("*")).isEmpty, "nothing was locked")
    }
}
}

/// The tests that run real seat maps in tmux, one at a time: each starts several maps
/// (and servers) that poll and redraw, and together on two cores they would starve the
/// rest of the run.
@Suite(.serialized) struct TerminalEndToEnd {}

/// One tmux server, a showtime of its own and the binary under test; with `startServer`,
/// a `cinebook serve` too, and the maps use its API.
struct World {
    let showtime = 700_000 + Int.random(in: 0..<100_000)
    /// The server's port and secret, once started; its process while it runs.
    private(set) var server: (port: Int, secret: String)?
    private let serverProcess = ServerProcess()
    let directory: URL
    /// The server's log, once it ran.
    var serverLog: URL { directory.appendingPathComponent("serve.log") }
    let socket: String
    let redisURL: String
    /// How redis-cli reaches the server: its socket, or a node of the cluster (with -c).
    let redisCLI: [String]
    let binary: String

    init(redis url: String, cli: [String]) throws {
        redisURL = url
        redisCLI = cli
        socket = "cinebook-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        let fixtures = directory.appendingPathComponent("fixtures")
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        let showtimeFile = """
            { "id": \(showtime), "title": "End to End", "auditorium": "Test Hall", "starts_at": "+1d 19:30",
              "rows": [ { "row": "A", "seats": "ssssss" }, { "row": "B", "seats": "ssssss" },
                        { "row": "C", "seats": "ssssss" }, { "row": "D", "seats": "ssssss" } ],
              "occupied": ["A1"] }
            """
        try showtimeFile.write(to: fixtures.appendingPathComponent("showtime.json"), atomically: true, encoding: .utf8)
        binary = try Self.locateBinary()
    }

    /// `cinebook` beside the test bundle in the build products, else `$CINEBOOK_BIN`.
    private static func locateBinary() throws -> String {
        let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates: [String?] = [products.appendingPathComponent("cinebook").path, ProcessInfo.processInfo.environment["CINEBOOK_BIN"]]
        guard let found = candidates.compactMap({ $0 }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw HelperError(message: "no cinebook binary next to the tests in \(products.path); build it or set CINEBOOK_BIN")
        }
        return found
    }

    /// Ends the tmux server (any map still open releases its seats) and removes its
    /// socket, which tmux leaves behind, and the fixtures.
    func tearDown() {
        _ = try? tmux("kill-server")
        try? stopServer()
        let socketDirectory = (ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp") + "/tmux-\(getuid())"
        try? FileManager.default.removeItem(atPath: "\(socketDirectory)/\(socket)")
        try? FileManager.default.removeItem(at: directory)
    }

    /// The backend options every process of this world shares.
    var backend: [String] {
        ["--redis", redisURL, "--fixtures", directory.appendingPathComponent("fixtures").path,
         "--database", "sqlite://" + directory.appendingPathComponent("cinebook.sqlite").path]
    }

    /// Starts `cinebook serve` (on the same port and secret as before, if it ran before)
    /// and waits until it answers.
    mutating func startServer(arguments extra: [String] = []) async throws {
        let server = try self.server ?? (try unusedTCPPort(), String(repeating: "e2e-secret-", count: 4))
        self.server = server
        let log = serverLog.path
        let line = (["exec", "env", "CINEBOOK_SECRET=\(server.secret)", binary, "serve", "--port", String(server.port), "--rate-limit", "0"]
            + extra + backend).map { "'\($0)'" }.joined(separator: " ")
        try serverProcess.start(try ChildProcess.spawn("/bin/sh", ["-c", "\(line) >>'\(log)' 2>&1"]))
        let port = server.port
        guard try await until(seconds: 20, { acceptsConnections(port: port) }) else {
            throw HelperError(message: "cinebook serve did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }

    /// SIGTERM to the server, and waits for it to end.
    func stopServer() throws {
        serverProcess.stop()
    }

    /// The same from a test: the wait runs on a thread of its own, not on one of Swift's
    /// few task threads, which the rest of the run needs meanwhile.
    func stopServer() async throws {
        let process = serverProcess
        try await offThePool { process.stop() }
    }

    /// A detached 100×30 session running the seat map for `user`: on Redis, or through
    /// the server's API with a token for `user` once the server runs.
    func open(
        _ session: String, user: String, environment: [String] = [], arguments: [String] = [], width: Int = 100, height: Int = 30
    ) throws {
        var command = [
            "exec", "env", "-u", "NO_COLOR", "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            "XDG_STATE_HOME=\(directory.appendingPathComponent("state").path)",
        ] + environment
        if let server {
            let minted = try Helper.run("env", ["CINEBOOK_SECRET=\(server.secret)", binary, "token", user])
            guard minted.status == 0 else { throw HelperError(message: "cinebook token failed: \(minted.output)") }
            command += ["CINEBOOK_TOKEN=\(minted.output.trimmingCharacters(in: .whitespacesAndNewlines))",
                        binary, "seats", "--showtime", String(showtime), "--api", "http://127.0.0.1:\(server.port)"]
        } else {
            command += [binary, "seats", "--showtime", String(showtime), "--user", user] + backend
        }
        command += arguments
        // A map that ends stays on screen, so a test that finds it gone can show why.
        try tmux(
            "new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command.map { "'\($0)'" }.joined(separator: " "),
            ";", "set-option", "-t", session, "remain-on-exit", "on")
    }

    /// Runs a `cinebook` command on this world's Redis, showtimes and database; its output.
    @discardableResult
    func cinebook(_ arguments: [String]) throws -> String {
        let finished = try ChildProcess.run(binary, arguments + backend)
        guard finished.status == 0 else { throw HelperError(message: "cinebook \(arguments.joined(separator: " ")): \(finished.output)") }
        return finished.output
    }

    func keys(_ session: String, _ keys: String...) throws {
        try tmux(["send-keys", "-t", session] + keys)
    }

    func screen(_ session: String) throws -> String {
        try tmux("capture-pane", "-p", "-t", session)
    }

    /// The glyph shown for a seat: the row's glyphs in order, by seat number.
    func seat(_ code: String, in session: String, glyphs shown: String = "○●◐×◌") throws -> String? {
        try seats([code], in: session, glyphs: shown)[code] ?? nil
    }

    /// The glyphs of several seats, from one look at the screen.
    func seats(_ codes: [String], in session: String, glyphs shown: String = "○●◐×◌") throws -> [String: String?] {
        let screen = try screen(session)
        return Dictionary(uniqueKeysWithValues: codes.map { ($0, Self.seat($0, on: screen, glyphs: shown)) })
    }

    private static func seat(_ code: String, on screen: String, glyphs shown: String) -> String? {
        let row = String(code.prefix { $0.isLetter })
        let number = Int(code.dropFirst(row.count))!
        let line = screen.split(separator: "\n").first { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix(row + " ") && trimmed.hasSuffix(" " + row)
        }
        let glyphs = (line ?? "").filter { shown.contains($0) }.map(String.init)
        return glyphs.indices.contains(number - 1) ? glyphs[number - 1] : nil
    }

    /// Every foreground colour each character of the seat rows is drawn in, read from
    /// `capture-pane -e`. tmux writes an SGR sequence only when the style changes, so
    /// the colour in force is tracked across the whole capture.
    func colours(in session: String) throws -> [Character: Set<String>] {
        let text = try tmux("capture-pane", "-p", "-e", "-t", session)
        var result: [Character: Set<String>] = [:]
        var foreground = "default"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var drawn: [(Character, String)] = []
            var characters = Array(line)[...]
            while let character = characters.popFirst() {
                guard character == "\u{1B}", characters.first == "[" else {
                    drawn.append((character, foreground))
                    continue
                }
                characters = characters.dropFirst()
                var parameters = ""
                while let next = characters.popFirst(), !next.isLetter { parameters.append(next) }
                var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }[...]
                while let code = codes.popFirst() {
                    switch code {
                    case 0, 39: foreground = "default"
                    case 30...37, 90...97: foreground = String(code)
                    case 38:
                        let mode = codes.popFirst()
                        let values = mode == 5 ? codes.prefix(1) : codes.prefix(3)
                        codes = codes.dropFirst(values.count)
                        foreground = "38;\(mode ?? 0);" + values.map(String.init).joined(separator: ";")
                    case 48:
                        codes = codes.dropFirst(codes.first == 5 ? 2 : 4)
                    default: break
                    }
                }
            }
            let plain = String(drawn.map(\.0)).trimmingCharacters(in: .whitespaces)
            guard let label = plain.first, label.isLetter, plain.hasPrefix("\(label) "), plain.hasSuffix(" \(label)") else { continue }
            for (character, colour) in drawn { result[character, default: []].insert(colour) }
        }
        return result
    }

    /// Runs a Redis command with redis-cli on the test server or cluster.
    func redis(_ arguments: String...) throws -> String {
        let finished = try Helper.run("redis-cli", redisCLI + arguments)
        return finished.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func tmux(_ arguments: String...) throws -> String {
        try tmux(arguments)
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let finished = try Helper.run("tmux", ["-L", socket, "-f", "/dev/null"] + arguments)
        guard finished.status == 0 else {
            throw HelperError(message: "tmux \(arguments.joined(separator: " ")) failed (\(finished.status)): \(finished.output)")
        }
        return finished.output.trimmingCharacters(in: .newlines)
    }

    /// Waits until each session's map is live (loaded, and hearing changes). A map that is
    /// not is shown in the test's issues: one that ended early stays on screen with its
    /// last words (`remain-on-exit`).
    func live(_ sessions: String..., seconds: Double = 20) async throws -> Bool {
        // Live, and loaded: the feed may connect (and the waiting room answer) before the first status.
        let live = try await until(seconds: seconds) {
            try sessions.allSatisfy { session in
                let shown = try screen(session)
                return shown.contains("live") && !shown.contains("the map is loading")
            }
        }
        if !live {
            for session in sessions { Issue.record("\(session) is not live:\n\((try? screen(session)) ?? "no such pane")") }
        }
        return live
    }

    /// Polls `condition` on a thread of its own each time (tmux and redis-cli are processes
    /// waited for), so that a test running beside the rest of the run holds none of Swift's
    /// task threads while it looks.
    func untilOffThePool(seconds: Double, _ condition: @escaping @Sendable () throws -> Bool) async throws -> Bool {
        try await eventually(timeout: .milliseconds(Int64(seconds * 1000)), every: .milliseconds(50)) {
            try await offThePool(condition)
        }
    }

    /// Polls the screens until `condition` holds or the time is up.
    /// Every 50 ms: each look spawns tmux, and several maps are being looked at.
    func until(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        try await eventually(timeout: .milliseconds(Int64(seconds * 1000)), every: .milliseconds(50), condition)
    }
}

/// The server's process id while it runs.
private final class ServerProcess: Sendable {
    private let pid = Mutex<pid_t?>(nil)

    func start(_ process: pid_t) { pid.withLock { $0 = process } }

    func stop() {
        guard let process = pid.withLock({ current in defer { current = nil }; return current }) else { return }
        kill(process, SIGTERM)
        ChildProcess.wait(process)
    }
}

struct HelperError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs tools found on the PATH, with no signals blocked (see `ChildProcess`).
enum Helper {
    static func find(_ name: String) -> String? { ChildProcess.find(name) }

    static func run(_ name: String, _ arguments: [String]) throws -> ChildProcess.Finished {
        guard let path = find(name) else { throw HelperError(message: "\(name) is not installed") }
        return try ChildProcess.run(path, arguments)
    }
}
