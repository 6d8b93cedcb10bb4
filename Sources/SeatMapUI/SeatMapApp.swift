import CinebookModel
import CinebookSupport
import Dispatch
import Foundation
import Logging

public enum SeatMapError: Error, Sendable, CustomStringConvertible {
    /// Standard input or output is not a terminal.
    case notATerminal
    case terminal(String)

    public var description: String {
        switch self {
        case .notATerminal:
            "The seat map needs a terminal; `cinebook status --showtime ID` prints the map as text instead."
        case let .terminal(reason):
            "The terminal cannot be used: \(reason)."
        }
    }
}

/// The interactive seat map of one user for one showtime.
///
/// The terminal loop runs on a thread of its own and sleeps in `poll` until a key, an
/// event in the inbox or the next tick (each second while a countdown shows, else at
/// the next poll). Effects are carried out one at a
/// time, in the order `update` asked for them, so a release never overtakes its lock.
/// The change feed and SIGINT, SIGTERM, SIGHUP and SIGWINCH arrive through the inbox.
public struct SeatMapApp: Sendable {
    public let operations: any SeatOperations
    public let showtime: Showtime
    public let user: String
    /// The party the user chooses with from the start (joined before the map opens).
    public let party: Party?
    public let settings: SeatMapSettings
    let logger: Logger

    public init(
        operations: any SeatOperations, showtime: Showtime, user: String, party: Party? = nil, settings: SeatMapSettings, logger: Logger
    ) {
        self.operations = operations
        self.showtime = showtime
        self.user = user
        self.party = party
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the user quits or a signal ends it, having released the held seats.
    public func run() async throws(SeatMapError) -> SeatMapState.Outcome {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let inbox = try Inbox()
        let (effects, effectSink) = AsyncStream.makeStream(of: TerminalLoop.Work.self)
        let runner = SeatMapEffectRunner(operations: operations, showtime: showtime.id, user: user)
        let worker = Task {
            for await work in effects { inbox.post(await runner.perform(work.effect, party: work.party)) }
        }
        let feed = try? operations.events(showtime: showtime.id)
        let listener = Task {
            guard let feed else { return }
            for await event in feed { inbox.post(.feed(event)) }
        }
        let signals = watchSignals(inbox)
        logger.info("seat map opened", metadata: ["showtime": "\(showtime.id)", "user": "\(user)"])
        let loop = TerminalLoop(showtime: showtime, user: user, party: party, settings: settings, inbox: inbox, effects: effectSink)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<SeatMapState.Outcome, SeatMapError>, Never>) in
            let thread = Thread { continuation.resume(returning: loop.run()) }
            thread.name = "seat-map"
            thread.stackSize = 4 << 20
            thread.start()
        }
        for (number, source) in signals {
            source.cancel()
            signal(number, SIG_DFL)
        }
        // The seats were released (or that timed out); whatever is still queued is moot.
        listener.cancel()
        effectSink.finish()
        worker.cancel()
        switch result {
        case let .success(outcome):
            logger.info("seat map closed", metadata: [
                "released": "\(outcome.released)", "unreleased": "\(outcome.unreleased)",
                "bookings": "\(outcome.bookings.map(\.id))",
            ])
            return outcome
        case let .failure(error):
            logger.error("seat map failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Signals become inbox deliveries: the three that end the program release the
    /// seats first; SIGWINCH reports a new terminal size.
    /// A process may inherit these signals blocked (from a parent that blocks them in
    /// every thread); they are unblocked here, and the terminal thread inherits that.
    private func watchSignals(_ inbox: Inbox) -> [(Int32, any DispatchSourceSignal)] {
        let logger = logger
        let numbers = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for number in numbers { sigaddset(&unblocked, number) }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        return numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if number == SIGWINCH {
                    inbox.post(.windowChanged)
                } else {
                    logger.info("signal \(number): releasing the seats and leaving")
                    inbox.post(.terminate)
                }
            }
            source.resume()
            return (number, source)
        }
    }
}

/// The terminal side: reads input, applies events to the state, hands effects to the
/// worker and paints. Everything here runs on the loop's own thread.
private struct TerminalLoop: Sendable {
    /// An effect, and the party it is done for (as the state names it when asking).
    typealias Work = (effect: SeatMapEffect, party: PartyCode?)

    let showtime: Showtime
    let user: String
    let party: Party?
    let settings: SeatMapSettings
    let inbox: Inbox
    let effects: AsyncStream<Work>.Continuation

    func run() -> Result<SeatMapState.Outcome, SeatMapError> {
        let terminal: CursesTerminal
        do { terminal = try CursesTerminal() } catch { return .failure(error) }
        defer { terminal.close() }
        var settings = settings
        settings.appearance = terminal.appearance
        var state = SeatMapState(showtime: showtime, user: user, party: party, settings: settings, size: terminal.size, now: Date())
        var terminalOpen = true
        var nextTick = Date()
        var idleWakes = 0
        while !state.isFinished {
            var events: [SeatMapEvent] = []
            if Date() >= nextTick {
                events.append(.tick)
                idleWakes = 0
            }
            for delivery in inbox.take() {
                switch delivery {
                case let .event(event): events.append(event)
                case .windowChanged: events.append(.resize(terminal.updateSize()))
                }
            }
            for event in events {
                for effect in state.update(event, now: Date()) { effects.yield((effect, state.partyCode)) }
            }
            if state.isFinished { break }
            if terminalOpen { terminal.paint(render(state, size: state.size)) }
            nextTick = state.nextTick(after: Date())
            switch wait(until: nextTick, forKeys: terminalOpen) {
            case .keys:
                let input = terminal.read()
                for event in input {
                    for effect in state.update(event, now: Date()) { effects.yield((effect, state.partyCode)) }
                }
                // A terminal that is readable but yields nothing, over and over, has gone.
                idleWakes = input.isEmpty ? idleWakes + 1 : 0
                guard idleWakes > 100 else { break }
                fallthrough
            case .hangup:
                terminalOpen = false
                for effect in state.update(.terminate, now: Date()) { effects.yield((effect, state.partyCode)) }
            case .other:
                break
            }
        }
        return .success(state.outcome ?? SeatMapState.Outcome(bookings: [], released: [], unreleased: [], failure: nil))
    }

    private enum Wake { case keys, hangup, other }

    /// Sleeps until input, an inbox delivery or the deadline; no busy waiting.
    private func wait(until deadline: Date, forKeys watchKeys: Bool) -> Wake {
        var descriptors = [pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if watchKeys { descriptors.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
        let timeout = Duration.milliseconds(Int64(max(0, min(60_000, deadline.timeIntervalSinceNow * 1000)).rounded(.up)))
        guard ((try? Posix.poll(&descriptors, timeout: timeout)) ?? 0) > 0, watchKeys else { return .other }
        let keyboard = descriptors[1].revents
        if keyboard & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hangup }
        return keyboard & Int16(POLLIN) != 0 ? .keys : .other
    }
}
