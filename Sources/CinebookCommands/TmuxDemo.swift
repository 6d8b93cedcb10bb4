import CinebookSupport
import Foundation

/// Lays out one seat map per user in a tmux window (after the server's pane, when the
/// maps go through one): a new window of the current session when run inside tmux, else
/// a new session that is attached at once.
package struct TmuxDemo {
    /// One pane: its title, its command line and what its environment adds.
    package struct Pane {
        let title: String
        let arguments: [String]
        let environment: [String: String]

        package init(title: String, arguments: [String], environment: [String: String]) {
            self.title = title
            self.arguments = arguments
            self.environment = environment
        }
    }

    let tmux: String
    let users: [String]
    let showtime: Int
    /// Every pane, in order; the first opens the window.
    let panes: [Pane]
    /// Called once the first pane runs, before the others open (to wait for a server).
    package var afterFirstPane: () throws(StartupError) -> Void = {}

    package init(tmux: String, users: [String], showtime: Int, panes: [Pane]) {
        self.tmux = tmux
        self.users = users
        self.showtime = showtime
        self.panes = panes
    }

    private var leaving: String { "Ctrl-b d leaves tmux (the demo keeps running) · q quits a map and releases its seats" }

    func open() throws(StartupError) {
        if let session = ProcessInfo.processInfo.environment["TMUX"], !session.isEmpty {
            try openWindow()
        } else {
            try openSession()
        }
    }

    private func openWindow() throws(StartupError) {
        let ids = try run(["new-window", "-n", "seats", "-P", "-F", "#{window_id} #{pane_id}"] + flags(panes[0]))
        try fill(ids)
        _ = try? run(["display-message", "-d", "8000", leaving])
        print("""
            Opened a window with \(users.count) seat map\(users.count == 1 ? "" : "s") (\(users.joined(separator: ", "))) \
            on showtime \(showtime).
            Switch windows with Ctrl-b n and Ctrl-b p; q in a map quits it and releases its seats; \
            Ctrl-b & closes the whole window; Ctrl-b d leaves tmux.
            """)
    }

    private func openSession() throws(StartupError) {
        let name = try freeSessionName()
        var size = winsize()
        let hasSize = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0
        let (width, height) = hasSize ? (Int(size.ws_col), Int(size.ws_row)) : (160, 48)
        let ids = try run(
            ["new-session", "-d", "-s", name, "-n", "seats", "-x", String(width), "-y", String(height), "-P", "-F", "#{window_id} #{pane_id}"]
                + flags(panes[0]))
        try fill(ids)
        try run(["set-option", "-t", name, "mouse", "on"])
        try run(["set-option", "-t", name, "status-right", " Ctrl-b d leaves tmux · q quits a map "])
        try run(["set-option", "-t", name, "status-right-length", "60"])
        try run(["set-option", "-t", name, "status-left-length", "20"])
        print("""
            Started tmux session '\(name)' with \(users.count) seat map\(users.count == 1 ? "" : "s") \
            (\(users.joined(separator: ", "))) on showtime \(showtime).
            In tmux: \(leaving).
            """)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            print("Attach to it with: tmux attach -t \(name)")
            return
        }
        fflush(nil)
        _ = try runTmux(["attach-session", "-t", name], output: .inherit)
        if (try? run(["has-session", "-t", "=" + name])) != nil {
            print("Left the demo; it keeps running. Return with: tmux attach -t \(name) · end it with: tmux kill-session -t \(name)")
        } else {
            print("The demo has ended.")
        }
    }

    /// Splits the window into the other panes, tiled, each titled; the first seat map
    /// has the focus.
    private func fill(_ ids: String) throws(StartupError) {
        let parts = ids.split(separator: " ").map(String.init)
        guard parts.count == 2 else {
            throw StartupError(.tmuxFailed, message: "tmux answered '\(ids)' instead of a window and pane id.")
        }
        let window = parts[0]
        var opened = [parts[1]]
        try run(["select-pane", "-t", parts[1], "-T", panes[0].title])
        try afterFirstPane()
        for pane in panes.dropFirst() {
            let id = try run(["split-window", "-t", window, "-P", "-F", "#{pane_id}"] + flags(pane))
            try run(["select-pane", "-t", id, "-T", pane.title])
            try run(["select-layout", "-t", window, "tiled"])
            opened.append(id)
        }
        try run(["set-option", "-w", "-t", window, "pane-border-status", "top"])
        try run(["set-option", "-w", "-t", window, "pane-border-format", " #{pane_title} "])
        try run(["select-pane", "-t", opened[panes.count - users.count]])
    }

    /// `-e` for each variable of the pane's environment, then its shell command: the
    /// program, and if it fails, its message stays readable until Enter is pressed.
    private func flags(_ pane: Pane) -> [String] {
        let line = pane.arguments.map(Self.quoted).joined(separator: " ")
        let keepOnError = #"[ $status -eq 0 ] || { printf '\ncinebook stopped (exit %s); press Enter to close this pane. ' $status; read _; }"#
        return pane.environment.sorted { $0.key < $1.key }.flatMap { ["-e", "\($0.key)=\($0.value)"] }
            + ["sh", "-c", "\(line); status=$?; \(keepOnError)"]
    }

    private func freeSessionName() throws(StartupError) -> String {
        for attempt in 1...50 {
            let name = attempt == 1 ? "cinebook-demo" : "cinebook-demo-\(attempt)"
            if (try? run(["has-session", "-t", "=" + name])) == nil { return name }
        }
        throw StartupError(.tmuxFailed, message: "Too many cinebook-demo sessions are running already.")
    }

    private func runTmux(_ arguments: [String], output: ChildProcess.Output) throws(StartupError) -> ChildProcess.Finished {
        do {
            return try ChildProcess.run(tmux, arguments, output: output)
        } catch {
            throw StartupError(.tmuxFailed, message: "\(error).")
        }
    }

    @discardableResult
    private func run(_ arguments: [String]) throws(StartupError) -> String {
        let finished = try runTmux(arguments, output: .capture)
        let output = finished.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard finished.status == 0 else {
            throw StartupError(.tmuxFailed, message: "tmux \(arguments[0]) failed: \(output)")
        }
        return output
    }

    /// Single-quoted for `sh`.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
