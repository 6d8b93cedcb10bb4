import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// The seat map in a real browser: Debian's Chromium, headless, driven over WebDriver, on a
/// `cinebook serve --dev` of its own, beside a terminal map in tmux. Two people sign in with
/// the development form in two browsers; what one does, the other sees within a second, and
/// so does the terminal; a conflict offers the seats nearby; a closed tab lets its seats go;
/// a server that stops shows the banner, and the map is live again once it is back. A
/// screenshot of each step is kept under `.build/artifacts/browser/`.
extension TerminalEndToEnd {
@Suite struct BrowserEndToEndTests {
    @Test(.enabled(if: ChromeDriver.installed && Helper.find("tmux") != nil, "needs chromium, chromium-driver and tmux"), .timeLimit(.minutes(3)))
    func twoBrowsersAndATerminalChooseBookAndOutliveAServerRestart() async throws {
        let redis = try RedisTestServer.shared()
        var world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try await world.startServer(arguments: ["--dev"])
        let base = "http://127.0.0.1:\(world.server!.port)"
        try await ChromeDriver.with { driver in
            try await chooseBookAndRestart(world: &world, driver: driver, base: base)
        }
    }

    private func chooseBookAndRestart(world: inout World, driver: ChromeDriver, base: String) async throws {
        let redis = RedisClient(url: try RedisTestServer.shared().url)
        defer { redis.close() }
        let holders = LockHolders(redis: redis, showtime: world.showtime)
        let alice = try await driver.browser()
        let bob = try await driver.browser()
        let shots = try Screenshots()

        try await signIn(alice, as: "alice", at: base)
        try await signIn(bob, as: "bob", at: base)
        try await openMap(alice, showtime: world.showtime)
        try await openMap(bob, showtime: world.showtime)
        let terminal = world
        try await offThePool { try terminal.open("term", user: "carol") }
        #expect(try await terminal.untilOffThePool(seconds: 20) {
            let shown = try terminal.screen("term")
            return shown.contains("live") && !shown.contains("the map is loading")
        }, "the terminal map is live")
        #expect(try await bob.seat("A1") == "occupied", "A1 comes sold with the showtime")
        #expect(
            try await bob.script("return document.querySelector('[role=row][aria-label=\"Row B\"] [data-seat=B3]').getAttribute('aria-label')")
                as? String == "B3, free",
            "the grid is announced row by row, each seat with its state in words")
        try await shots.take(bob, "01-bob-opens-the-map")

        // alice clicks B3: hers in Redis, and held in bob's browser within a second.
        try await alice.click("[data-seat=B3]")
        #expect(try await eventually(timeout: .seconds(5)) { await holders.of("B3") == "alice" }, "the lock is alice's")
        #expect(try await eventually(timeout: .seconds(1), every: .milliseconds(50)) { try await bob.seat("B3") == "locked" }, "bob sees B3 held within 1 s")
        #expect(try await alice.seat("B3") == "selected")
        let hold = try await alice.text(of: "#hold")
        #expect(hold.contains("hold 1"), "the countdown of a 15-minute hold: \(hold)")
        // Her cursor rests on B4: bob sees it being chosen.
        try await alice.press(.right)
        #expect(try await eventually(timeout: .seconds(5), every: .milliseconds(50)) { try await bob.seat("B4") == "choosing" }, "bob sees B4 being chosen")
        try await shots.take(alice, "02-alice-holds-B3")
        try await shots.take(bob, "03-bob-sees-B3-held")

        // bob asks for B3 anyway, from the keyboard (from A1: down, right, right): the
        // server's conflict, with seats nearby to take instead.
        try await bob.press(.down, .right, .right, .space)
        #expect(try await eventually(timeout: .seconds(5)) { try await bob.isVisible("#suggestions button") }, "suggestions are offered")
        let refusal = try await bob.text(of: "#message")
        #expect(refusal.contains("B3"), "the refusal names the seat: \(refusal)")
        try await shots.take(bob, "04-bob-is-offered-seats-nearby")
        let offer = try await bob.text(of: "#suggestions button")
        let offered = offer.split(separator: " ").dropFirst(2).map(String.init)
        #expect(!offered.isEmpty && !offered.contains("B3"), "the first suggestion: \(offer)")
        try await bob.press(text: "1")
        #expect(await eventually(timeout: .seconds(5)) {
            await offered.asyncAllSatisfy { await holders.of($0) == "bob" }
        }, "taking the suggestion locks \(offered) for bob")

        // bob sees the seats his, then books with b and the confirmation: sold for alice and in the terminal.
        #expect(try await eventually(timeout: .seconds(5)) { try await offered.asyncAllSatisfy { try await bob.seat($0) == "selected" } })
        try await bob.press(text: "b")
        #expect(try await eventually(timeout: .seconds(5)) { try await bob.isVisible("#book-dialog") }, "the booking is confirmed first")
        try await shots.take(bob, "05-bob-confirms-the-booking")
        try await bob.press(.enter)
        let booked = try await eventually(timeout: .seconds(5)) { try await bob.text(of: "#message").contains("Booked") }
        let said = try await bob.text(of: "#message")
        #expect(booked, "\(said)")
        #expect(try await eventually(timeout: .seconds(1), every: .milliseconds(50)) {
            try await offered.asyncAllSatisfy { try await alice.seat($0) == "occupied" }
        }, "alice sees \(offered) sold within 1 s")
        #expect(try await terminal.untilOffThePool(seconds: 1) { try offered.allSatisfy { try terminal.seat($0, in: "term") == "×" } },
                "and so does the terminal map")
        #expect(try await bob.seat(offered[0]) == "booked", "bob sees his booking as his")
        try await shots.take(bob, "06-bob-has-booked")
        try await shots.take(alice, "07-alice-sees-the-sale")

        // A tab that closes lets its seats go.
        let first = try await alice.newTab()
        try await signIn(alice, as: "alice", at: base)
        try await openMap(alice, showtime: world.showtime)
        try await alice.click("[data-seat=C2]")
        #expect(try await eventually(timeout: .seconds(5)) { await holders.of("C2") == "alice" })
        try await alice.closeTab(returningTo: first)
        #expect(try await eventually(timeout: .seconds(5)) { await holders.of("C2") == nil }, "closing the tab released C2")
        #expect(await holders.of("B3") == "alice", "and only what it picked: B3 is her other tab's")

        // No script ran but the page's own, and nothing broke, so far.
        for browser in [alice, bob] {
            let problems = try await browser.consoleLog().filter { $0.level == "SEVERE" || $0.message.contains("Content Security Policy") }
            #expect(problems.isEmpty, "\(problems)")
        }
        // An inline script is refused, and the refusal shows in the log this test reads.
        _ = try await bob.script("const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s);")
        #expect(try await bob.script("return window.injected === undefined") as? Bool == true, "the inline script did not run")
        #expect(try await bob.consoleLog().contains { $0.message.contains("Content Security Policy") }, "the violation is seen")

        // The server stops: the banner. It comes back: live again, by itself, and working.
        try await world.stopServer()
        #expect(try await eventually(timeout: .seconds(8), every: .milliseconds(100)) { try await bob.isVisible("#banner") }, "the banner")
        try await shots.take(bob, "08-the-server-is-away")
        try await world.startServer(arguments: ["--dev"])
        let liveAgain = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            let banner = try await bob.isVisible("#banner")
            let live = try await bob.text(of: "#live")
            return !banner && live.contains("live")
        }
        let shown = try await bob.text(of: "#live")
        #expect(liveAgain, "live again: \(shown)")
        try await bob.click("[data-seat=D1]")
        #expect(try await eventually(timeout: .seconds(5)) { await holders.of("D1") == "bob" }, "bob locks again")
        try await shots.take(bob, "09-live-again")

        // No token in any address the page kept, nor in the server's log.
        let token = try #require(try await bob.script("return sessionStorage.getItem('cinebook.token')") as? String)
        let addresses = try await bob.script(
            "return [location.href, ...performance.getEntries().map((e) => e.name)].join(' ')") as? String ?? ""
        #expect(!addresses.isEmpty && !addresses.contains(token), "the page's addresses carry no token")
        let log = try String(contentsOf: world.serverLog, encoding: .utf8)
        #expect(log.contains("/seats/status"), "the log has the requests")
        #expect(!log.contains(token) && !log.contains(String(token.split(separator: ".").last ?? "")), "the server's log has no token")

        // A phone: the hall scrolls, the seats keep their size.
        try await bob.resize(width: 390, height: 844)
        let width = try await bob.script("return document.querySelector('[data-seat=B3]').getBoundingClientRect().width") as? Double ?? 0
        #expect(width >= 32, "a seat stays a finger wide: \(width) px")
        try await shots.take(bob, "10-on-a-phone")
    }

    /// A showtime selling through its waiting room: with four people ahead, the page shows the
    /// place in line instead of the hall; when one of them takes seats, the turn comes, the map
    /// opens, and the first pick hands in the pass.
    @Test(.enabled(if: ChromeDriver.installed, "needs chromium and chromium-driver"), .timeLimit(.minutes(2)))
    func theBrowserWaitsInLineThenChoosesAtItsTurn() async throws {
        let redis = try RedisTestServer.shared()
        var world = try World(redis: redis.urlString, cli: ["-s", redis.socketPath])
        defer { world.tearDown() }
        try await world.startServer(arguments: ["--dev"])
        let base = "http://127.0.0.1:\(world.server!.port)"
        let id = String(world.showtime)
        let line = world
        let pass = try await offThePool { () throws -> String? in
            try line.cinebook(["room", "--showtime", id, "--opens-at", "now"])
            let ann = try line.cinebook(["queue", "--showtime", id, "--user", "ann", "--json"])
            for person in ["ben", "cat", "dan"] { try line.cinebook(["queue", "--showtime", id, "--user", person]) }
            return (try JSONSerialization.jsonObject(with: Data(ann.utf8)) as? [String: Any])?["pass"] as? String
        }
        let annsPass = try #require(pass)
        let client = RedisClient(url: redis.url)
        defer { client.close() }
        try await ChromeDriver.with { driver in
            let erin = try await driver.browser()
            try await signIn(erin, as: "erin", at: base)
            try await erin.click("a[href='/showtimes/\(id)']")
            let waiting = try await eventually(timeout: .seconds(15), every: .milliseconds(100)) {
                try await erin.text(of: "#room-place") == "Your place in line: 5"
            }
            let room = try await erin.text(of: "#room")
            #expect(waiting, "erin waits her turn: \(room)")
            let ahead = try await erin.text(of: "#room-ahead")
            #expect(ahead == "You are next.")
            let hallShown = try await erin.isVisible("#map")
            #expect(!hallShown, "the hall is not shown while waiting")
            try await Screenshots().take(erin, "11-waiting-room")

            try await offThePool { _ = try line.cinebook(["lock", "--showtime", id, "--user", "ann", "--pass", annsPass, "D1"]) }
            #expect(try await eventually(timeout: .seconds(15), every: .milliseconds(100)) {
                let shown = try await erin.isVisible("#map")
                let said = try await erin.text(of: "#message")
                return shown && said.contains("your turn")
            }, "her turn opens the map")
            #expect(try await eventually(timeout: .seconds(10)) { try await erin.seat("B3") == "available" })
            try await erin.click("[data-seat=B3]")
            let holders = LockHolders(redis: client, showtime: world.showtime)
            let picked = await eventually(timeout: .seconds(5)) { await holders.of("B3") == "erin" }
            let said = try await erin.text(of: "#message")
            #expect(picked, "her first pick went through with the pass: \(said)")
        }
    }

    private func signIn(_ browser: Browser, as name: String, at base: String) async throws {
        try await browser.open(base + "/")
        #expect(try await eventually(timeout: .seconds(10)) { try await browser.isVisible("#sign-in") }, "the development sign-in form")
        try await browser.type("#name", name)
        try await browser.click("#sign-in-form button")
        #expect(try await eventually(timeout: .seconds(10)) { try await browser.text(of: "#who").contains("Signed in as \(name)") })
    }

    private func openMap(_ browser: Browser, showtime: Int) async throws {
        try await browser.click("a[href='/showtimes/\(showtime)']")
        #expect(try await eventually(timeout: .seconds(15), every: .milliseconds(50)) {
            try await browser.script("return document.body.dataset.loaded === 'true' && document.querySelector('#live').dataset.connection")
                as? String == "live"
        }, "the map loads and goes live")
    }
}
}

/// The screenshots of a run, kept as artifacts: `.build/artifacts/browser/NAME.png`.
/// Who holds a seat, read from Redis with the async client: spawning redis-cli at every poll
/// would hold one of Swift's two task threads, which the rest of the run needs.
struct LockHolders: Sendable {
    let redis: RedisClient
    let keys: RedisKeyNames

    init(redis: RedisClient, showtime: Int) {
        self.redis = redis
        keys = RedisKeyNames(showtime: showtime)
    }

    func of(_ seat: String) async -> String? {
        try? await redis.send("HGET", keys.lock(seat), "user_id").string
    }
}

struct Screenshots {
    let directory: URL

    init() throws {
        directory = Repository.root.appendingPathComponent(".build/artifacts/browser")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func take(_ browser: Browser, _ name: String) async throws {
        try await browser.screenshot().write(to: directory.appendingPathComponent(name + ".png"))
    }
}

extension Sequence {
    func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await !predicate(element) { return false }
        return true
    }
}
