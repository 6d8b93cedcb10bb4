import CinebookModel
import CinebookSupport
import Foundation
import Histogram
import SeatLocking

/// Times the best-available engine alone, without Redis: random occupancies of one
/// layout, parties of 1 to 6, with and without seats to be near.
public struct SuggestionBench: Sendable {
    public struct Report: Encodable, Sendable {
        public let ok = true
        public let layoutSeats: Int
        public let occupancy: Double
        public let calls: Int
        public let offersPerCall: Double
        public let p50Us: Double
        public let p90Us: Double
        public let p99Us: Double
        public let maxUs: Double

        public var text: String {
            """
            Best-available engine on a \(layoutSeats)-seat layout at \(Int((occupancy * 100).rounded())) % random occupancy, \
            \(calls) calls (parties of 1–6, half of them near a seat), \(String(format: "%.2f", offersPerCall)) offers a call:
              p50 \(String(format: "%.1f", p50Us)) µs   p90 \(String(format: "%.1f", p90Us)) µs   \
            p99 \(String(format: "%.1f", p99Us)) µs   max \(String(format: "%.1f", maxUs)) µs
            """
        }
    }

    public let layout: SeatLayout
    public let occupancy: Double
    public let calls: Int

    public init(layout: SeatLayout, occupancy: Double, calls: Int) {
        self.layout = layout
        self.occupancy = occupancy
        self.calls = calls
    }

    public func run() -> Report {
        var random = SystemRandomNumberGenerator()
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
        let seats = layout.seats
        let clock = ContinuousClock()
        var offers = 0
        for _ in 0..<calls {
            let taken = Set(seats.filter { _ in Double.random(in: 0..<1, using: &random) < occupancy }.map(\.code))
            let count = Int.random(in: 1...6, using: &random)
            let near = Bool.random(using: &random) ? [seats.randomElement(using: &random)!] : []
            let wish = SeatWish(count: count, near: near)
            let start = clock.now
            let found = BestSeats(layout: layout, unavailable: taken).offers(for: wish)
            let elapsed = clock.now - start
            offers += found.count
            histogram.record(UInt64(max(1, elapsed.nanoseconds)))
        }
        let us = { (percentile: Double) in Double(histogram.valueAtPercentile(percentile)) / 1000 }
        return Report(
            layoutSeats: seats.count, occupancy: occupancy, calls: calls, offersPerCall: Double(offers) / Double(max(calls, 1)),
            p50Us: us(50), p90Us: us(90), p99Us: us(99), maxUs: Double(histogram.max) / 1000)
    }
}
