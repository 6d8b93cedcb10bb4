import Foundation
import RedisClient
import Synchronization

/// Collects everything a subscription reports, so a test can await a condition on it
/// (subscribed, a message arrived) with a deadline instead of sleeping.
public final class EventRecorder: Sendable {
    public let subscription: RedisSubscription
    private let recorded: Recorded
    private let reader: Task<Void, Never>

    private final class Recorded: Sendable {
        let events = Mutex<[RedisSubscription.Event]>([])
    }

    public init(_ subscription: RedisSubscription) {
        self.subscription = subscription
        let recorded = Recorded()
        self.recorded = recorded
        reader = Task {
            for await event in subscription.events {
                recorded.events.withLock { $0.append(event) }
            }
        }
    }

    deinit { stop() }

    public func stop() {
        subscription.cancel()
        reader.cancel()
    }

    public var events: [RedisSubscription.Event] { recorded.events.withLock { $0 } }

    /// The payloads of the messages received so far.
    public var messages: [[UInt8]] {
        events.compactMap { event in
            if case let .message(payload) = event { return payload }
            return nil
        }
    }

    /// The messages received so far, decoded as JSON objects.
    public var jsonMessages: [[String: Any]] {
        messages.compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// How many times the subscription has (re)subscribed.
    public var subscribedCount: Int { events.filter { $0 == .subscribed }.count }

    public var disconnectedCount: Int {
        events.filter { if case .disconnected = $0 { return true } else { return false } }.count
    }

    /// Waits until the subscription has subscribed `times` times in all; patient, as the
    /// first subscriptions of a run wait for its shared server while every test starts.
    public func waitUntilSubscribed(times: Int = 1, timeout: Duration = .seconds(30)) async -> Bool {
        await eventually(timeout: timeout) { subscribedCount >= times }
    }

    /// Waits for the first JSON message that satisfies `match`, and returns it.
    public func waitForJSON(
        timeout: Duration = .seconds(5),
        where match: ([String: Any]) -> Bool
    ) async -> [String: Any]? {
        var found: [String: Any]?
        _ = await eventually(timeout: timeout) {
            found = jsonMessages.first(where: match)
            return found != nil
        }
        return found
    }
}
