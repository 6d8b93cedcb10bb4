import CinebookSupport
import Foundation
import Synchronization
import AsyncHTTPClient
import NIOCore
import TestSupport

/// Debian's chromedriver, started on a loopback port for the test, and as much of the W3C
/// WebDriver protocol as the page's tests use: sessions, navigation, elements, keys,
/// scripts, screenshots, tabs and the browser's console log. A small client of our own
/// keeps the README's test command in Swift (no Python, no Selenium).
final class ChromeDriver: Sendable {
    let base: String
    private let pid: pid_t
    private let browsers = Mutex<[Browser]>([])

    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    private init(port: Int, pid: pid_t) {
        base = "http://127.0.0.1:\(port)"
        self.pid = pid
    }

    /// Runs `body` with a chromedriver, and afterwards (whatever happened) closes every
    /// browser it opened and stops it, so that no Chromium outlives the test.
    static func with<Value>(_ body: (ChromeDriver) async throws -> Value) async throws -> Value {
        let driver = try await start()
        do {
            let value = try await body(driver)
            await driver.stop()
            return value
        } catch {
            await driver.stop()
            throw error
        }
    }

    private func stop() async {
        for browser in browsers.withLock({ $0 }) { await browser.quit() }
        terminate()
    }

    /// Starts chromedriver and waits until it answers.
    private static func start() async throws -> ChromeDriver {
        let port = try unusedTCPPort()
        // Niced, with the browsers it starts: the rest of the test run shares the two cores.
        let pid = try ChildProcess.spawn("/usr/bin/nice", ["-n", "10", chromedriver, "--port=\(port)", "--allowed-ips=127.0.0.1", "--log-level=SEVERE"])
        let driver = ChromeDriver(port: port, pid: pid)
        guard try await eventually(timeout: .seconds(20), every: .milliseconds(100), { acceptsConnections(port: port) }) else {
            driver.terminate()
            throw HelperError(message: "chromedriver did not start on port \(port)")
        }
        return driver
    }

    private func terminate() {
        kill(pid, SIGTERM)
        _ = ChildProcess.wait(pid)
    }

    /// A new browser: headless Chromium with a profile of its own (so its own sessionStorage),
    /// its console log kept.
    func browser(width: Int = 1100, height: Int = 900) async throws -> Browser {
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:loggingPrefs": ["browser": "ALL"],
                    "goog:chromeOptions": [
                        "binary": Self.chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                            "--no-first-run", "--disable-extensions", "--lang=en-GB",
                            // Nothing in the background: the rest of the test run shares the two cores.
                            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                            "--disable-breakpad", "--mute-audio", "--no-default-browser-check", "--renderer-process-limit=2",
                            "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
                        ],
                    ],
                ] as [String: Any],
            ],
        ]
        let answer = try await WebDriverCall.send("POST", base + "/session", capabilities)
        guard let value = answer as? [String: Any], let id = value["sessionId"] as? String else {
            throw HelperError(message: "chromedriver did not open a session: \(String(describing: answer))")
        }
        let browser = Browser(url: base + "/session/" + id)
        browsers.withLock { $0.append(browser) }
        return browser
    }
}

/// One browser window of a WebDriver session.
struct Browser: Sendable {
    let url: String

    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// The W3C key codes of the keys the tests press.
    enum Key: String {
        case left = "\u{E012}", up = "\u{E013}", right = "\u{E014}", down = "\u{E015}", enter = "\u{E007}", escape = "\u{E00C}"
        case space = " "
    }

    @discardableResult
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await WebDriverCall.send(method, url + path, body)
    }

    func open(_ address: String) async throws {
        try await call("POST", "/url", ["url": address])
    }

    func quit() async {
        _ = try? await call("DELETE", "")
    }

    /// The first element `css` matches; throws when there is none.
    func element(_ css: String) async throws -> String {
        let found = try await call("POST", "/element", ["using": "css selector", "value": css])
        guard let reference = found as? [String: Any], let id = reference[Self.elementKey] as? String else {
            throw HelperError(message: "no element matches \(css)")
        }
        return id
    }

    func click(_ css: String) async throws {
        try await call("POST", "/element/\(try await element(css))/click", [:])
    }

    /// Types into an element (a text field), or presses keys on it.
    func type(_ css: String, _ text: String) async throws {
        try await call("POST", "/element/\(try await element(css))/value", ["text": text])
    }

    /// Presses keys where the focus is, as a person at the keyboard does.
    func press(_ keys: Key...) async throws {
        let actions = keys.flatMap { [["type": "keyDown", "value": $0.rawValue], ["type": "keyUp", "value": $0.rawValue]] }
        try await call("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Types plain characters where the focus is.
    func press(text: String) async throws {
        let actions = text.flatMap { character in
            [["type": "keyDown", "value": String(character)], ["type": "keyUp", "value": String(character)]]
        }
        try await call("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Runs a script in the page; its `return` value.
    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "/execute/sync", ["script": source, "args": arguments])
    }

    /// A seat's state as the page shows it (`data-state`), nil when there is no such seat.
    func seat(_ code: String) async throws -> String? {
        try await script("const seat = document.querySelector(`[data-seat=\"${arguments[0]}\"]`); return seat ? seat.dataset.state : null;", [code])
            as? String
    }

    func text(of css: String) async throws -> String {
        (try await script("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", [css]) as? String) ?? ""
    }

    /// Shown: not hidden, and laid out (an open dialog, in the top layer, counts).
    func isVisible(_ css: String) async throws -> Bool {
        (try await script(
            "const e = document.querySelector(arguments[0]); return !!e && !e.hidden && (e.open === true || e.getClientRects().length > 0);",
            [css]) as? Bool) ?? false
    }

    func screenshot() async throws -> Data {
        guard let text = try await call("GET", "/screenshot") as? String, let data = Data(base64Encoded: text) else {
            throw HelperError(message: "no screenshot")
        }
        return data
    }

    /// Opens a new tab and makes it current; the handle of the tab left.
    func newTab() async throws -> String {
        let current = try await call("GET", "/window") as? String ?? ""
        let opened = try await call("POST", "/window/new", ["type": "tab"]) as? [String: Any]
        guard let handle = opened?["handle"] as? String else { throw HelperError(message: "no new tab") }
        try await call("POST", "/window", ["handle": handle])
        return current
    }

    /// Closes the current tab, as a person closes it, and goes back to `handle`.
    func closeTab(returningTo handle: String) async throws {
        try await call("DELETE", "/window")
        try await call("POST", "/window", ["handle": handle])
    }

    func resize(width: Int, height: Int) async throws {
        try await call("POST", "/window/rect", ["width": width, "height": height])
    }

    /// The browser console's entries since the last call: `level` and `message` each.
    func consoleLog() async throws -> [(level: String, message: String)] {
        let entries = try await call("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.map { (($0["level"] as? String) ?? "", ($0["message"] as? String) ?? "") }
    }
}

/// One WebDriver request: JSON in, the answer's `value` out, a WebDriver error thrown.
enum WebDriverCall {
    static func send(_ method: String, _ address: String, _ body: [String: Any]?) async throws -> Any? {
        var request = HTTPClientRequest(url: address)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let answer = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? [String: Any]
        let value = answer?["value"]
        if response.status.code >= 400 {
            let detail = (value as? [String: Any]).map { "\($0["error"] ?? ""): \($0["message"] ?? "")" } ?? "\(response.status.code)"
            throw HelperError(message: "WebDriver \(method) \(address): \(String(detail.prefix(400)))")
        }
        return value is NSNull ? nil : value
    }
}
