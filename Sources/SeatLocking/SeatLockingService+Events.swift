import CinebookModel
import CinebookSupport
import Foundation
import SeatRecords

extension SeatLockingService {
    /// Live changes of one showtime. Every listener of this service shares one Redis
    /// subscription per showtime. The feed reconnects by itself; it ends when the consuming
    /// task is cancelled or stops iterating.
    public func events(showtime id: Int) throws(SeatLockingError) -> AsyncStream<SeatFeedEvent> {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        return feeds.listen(to: id) { subscribe(showtime: id) }
    }

    /// The showtime's Redis subscription, on a connection of its own.
    private func subscribe(showtime id: Int) -> AsyncStream<SeatFeedEvent> {
        let subscription = redis.subscribe(to: SeatKeys(showtime: id).events)
        let (stream, continuation) = AsyncStream.makeStream(of: SeatFeedEvent.self, bufferingPolicy: .bufferingNewest(256))
        let logger = logger
        let relay = Task {
            for await event in subscription.events {
                switch event {
                case .subscribed:
                    continuation.yield(.connected)
                case let .message(payload):
                    if let change = SeatEvent(message: payload), change.showtimeID == id {
                        continuation.yield(.change(change))
                    } else {
                        logger.debug("ignored a message that is not a seat event", metadata: ["showtime": "\(id)"])
                    }
                case let .disconnected(error):
                    continuation.yield(.disconnected(reason: error.description))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            relay.cancel()
            subscription.cancel()
        }
        return stream
    }
}
