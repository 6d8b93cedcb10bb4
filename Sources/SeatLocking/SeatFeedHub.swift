import CinebookModel
import Synchronization

/// One Redis subscription per showtime, shared by every listener in this process: a server
/// with thousands of event streams on one showtime holds one subscription (one connection,
/// one thread), not thousands. The subscription starts with the first listener and ends
/// with the last; a listener that joins a live feed is told `connected` at once.
final class SeatFeedHub: Sendable {
    private struct Channel {
        var listeners: [Int: AsyncStream<SeatFeedEvent>.Continuation] = [:]
        var isConnected = false
        let relay: Task<Void, Never>
    }

    private let channels = Mutex<[Int: Channel]>([:])
    private let nextListener = Atomic<Int>(0)

    /// A listener's feed of showtime `id`; `open` subscribes when nobody listens yet.
    func listen(to id: Int, opening open: @escaping @Sendable () -> AsyncStream<SeatFeedEvent>) -> AsyncStream<SeatFeedEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SeatFeedEvent.self, bufferingPolicy: .bufferingNewest(256))
        let listener = nextListener.add(1, ordering: .relaxed).newValue
        channels.withLock { channels in
            if channels[id] == nil {
                // The relay holds the hub until the last listener leaves and cancels it.
                let relay = Task {
                    for await event in open() { self.deliver(event, showtime: id) }
                }
                channels[id] = Channel(relay: relay)
            }
            channels[id]?.listeners[listener] = continuation
            if channels[id]?.isConnected == true { continuation.yield(.connected) }
        }
        continuation.onTermination = { _ in self.leave(listener, showtime: id) }
        return stream
    }

    private func deliver(_ event: SeatFeedEvent, showtime id: Int) {
        let listeners = channels.withLock { channels -> [AsyncStream<SeatFeedEvent>.Continuation] in
            switch event {
            case .connected: channels[id]?.isConnected = true
            case .disconnected: channels[id]?.isConnected = false
            case .change: break
            }
            return channels[id].map { Array($0.listeners.values) } ?? []
        }
        for listener in listeners { listener.yield(event) }
    }

    private func leave(_ listener: Int, showtime id: Int) {
        let relay = channels.withLock { channels -> Task<Void, Never>? in
            channels[id]?.listeners[listener] = nil
            guard channels[id]?.listeners.isEmpty == true else { return nil }
            return channels.removeValue(forKey: id)?.relay
        }
        relay?.cancel()
    }
}
