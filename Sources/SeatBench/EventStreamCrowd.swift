import CinebookModel
import CinebookSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SeatRecords
import Synchronization

/// Many viewers of one showtime, each holding its event stream (Server-Sent Events) open
/// on its own connection, as the browsers and terminals of a full house would. Every
/// connection is a few kilobytes of NIO state on the shared event loops, not a thread, so
/// one process can hold tens of thousands.
///
/// A crowd watches for one change at a time (`expect`): each stream reports the moment a
/// frame of that change arrives, and `wait` returns once every stream has it.
public final class EventStreamCrowd: Sendable {
    /// Which frame counts as the change being waited for: its event name and a seat in its data.
    public struct Change: Sendable, Hashable {
        public let event: String
        public let seat: SeatCode

        public init(event: String, seat: SeatCode) {
            self.event = event
            self.seat = seat
        }

        func matches(_ frame: String) -> Bool {
            frame.contains("event: \(event)\n") && frame.contains("\"\(seat)\"")
        }
    }

    private struct Watch {
        var round = 0
        var change: Change?
        var started = ContinuousClock.now
        var delays: [Duration] = []
    }

    let host: String
    let port: Int
    let path: String
    private let channels = Mutex<[any Channel]>([])
    private let watch = Mutex(Watch())
    private let arrivedCount = Atomic<Int>(0)
    private let group: any EventLoopGroup

    /// Streams of `path` (such as `/api/v1/showtimes/3/seats/events`) at `host:port`.
    public init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
        group = MultiThreadedEventLoopGroup.singleton
    }

    public var count: Int { channels.withLock { $0.count } }

    /// Opens one stream per token, `parallel` connecting at a time, each counted once its
    /// `connected` event arrives (the server has subscribed it), and a few reasons of failures.
    public func open(tokens: [String], parallel: Int = 200, timeout: Duration = .seconds(20)) async -> (opened: Int, failed: Int, reasons: [String]) {
        var opened = 0
        var failed = 0
        var reasons: [String] = []
        func tally(_ result: Result<any Channel, any Error>) {
            switch result {
            case let .success(channel):
                channels.withLock { $0.append(channel) }
                opened += 1
            case let .failure(error):
                failed += 1
                if reasons.count < 3, !reasons.contains("\(error)") { reasons.append("\(error)") }
            }
        }
        await withTaskGroup(of: Result<any Channel, any Error>.self) { tasks in
            var running = 0
            for token in tokens {
                if running == parallel, let result = await tasks.next() {
                    running -= 1
                    tally(result)
                }
                tasks.addTask { await self.connect(token: token, timeout: timeout) }
                running += 1
            }
            for await result in tasks { tally(result) }
        }
        return (opened, failed, reasons)
    }

    private func connect(token: String, timeout: Duration) async -> Result<any Channel, any Error> {
        do {
            let subscribed = group.next().makePromise(of: Void.self)
            let request = HTTPRequestHead(
                version: .http1_1, method: .GET, uri: path,
                headers: ["Host": "\(host):\(port)", "Authorization": "Bearer \(token)", "Accept": "text/event-stream"])
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            StreamReader(request: request, subscribed: subscribed, crowd: self))
                    }
                }
                .connect(host: host, port: port).get()
            let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                subscribed.fail(CrowdError.noConnectedEvent(timeout))
            }
            do {
                try await subscribed.futureResult.get()
                deadline.cancel()
                return .success(channel)
            } catch {
                channel.close(promise: nil)
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    /// From now on, streams report the arrival of `change`, timed from this moment.
    public func expect(_ change: Change) {
        watch.withLock {
            $0.round += 1
            $0.change = change
            $0.started = .now
        }
        arrivedCount.store(0, ordering: .releasing)
    }

    /// Waits until every open stream has the expected change, or `timeout` passes, and
    /// returns each arrival's delay from `expect`.
    public func wait(timeout: Duration) async -> [Duration] {
        let deadline = ContinuousClock.now + timeout
        let everyone = count
        while arrivedCount.load(ordering: .acquiring) < everyone, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
        return watch.withLock { watch in
            defer { watch.delays = [] }
            watch.change = nil
            return watch.delays
        }
    }

    /// A stream read a frame: is it the change being watched for, and in which round.
    fileprivate func frameArrived(_ frame: String, seenRound: Int) -> Int {
        let now = ContinuousClock.now
        return watch.withLock { watch in
            guard watch.round != seenRound, let change = watch.change, change.matches(frame) else { return seenRound }
            watch.delays.append(now - watch.started)
            arrivedCount.add(1, ordering: .releasing)
            return watch.round
        }
    }

    /// Closes every stream.
    public func close() async {
        let all = channels.withLock { channels in
            defer { channels = [] }
            return channels
        }
        for channel in all { try? await channel.close() }
    }
}

enum CrowdError: Error, CustomStringConvertible {
    case refused(HTTPResponseStatus)
    case noConnectedEvent(Duration)

    var description: String {
        switch self {
        case let .refused(status): "the server answered \(status.code) \(status.reasonPhrase)"
        case let .noConnectedEvent(timeout): "no `connected` event within \(timeout)"
        }
    }
}

/// One stream's reader: sends the request, splits the body into frames (blank-line
/// separated), and tells the crowd about each.
private final class StreamReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let subscribed: EventLoopPromise<Void>
    private let crowd: EventStreamCrowd
    private var pending = ""
    private var round = 0
    private var isSubscribed = false

    init(request: HTTPRequestHead, subscribed: EventLoopPromise<Void>, crowd: EventStreamCrowd) {
        self.request = request
        self.subscribed = subscribed
        self.crowd = crowd
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head) where head.status != .ok:
            subscribed.fail(CrowdError.refused(head.status))
            context.close(promise: nil)
        case .head, .end:
            break
        case let .body(buffer):
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let frame = String(pending[..<end.upperBound])
                pending.removeSubrange(..<end.upperBound)
                if !isSubscribed, frame.contains("event: connected\n") {
                    isSubscribed = true
                    subscribed.succeed()
                }
                round = crowd.frameArrived(frame, seenRound: round)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        subscribed.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        subscribed.fail(error)
        context.close(promise: nil)
    }
}
