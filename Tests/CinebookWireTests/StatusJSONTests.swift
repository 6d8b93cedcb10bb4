import CinebookModel
import CinebookWire
import Foundation
import Testing
import TestSupport

/// The status answer is written directly, not by `JSONEncoder`; its bytes must stay what
/// the `Encodable` definition of the wire format gives.
@Suite struct StatusJSONTests {
    @Test func theDirectBodyIsByteForByteTheEncodersOverRandomHalls() throws {
        let seed = UInt64.random(in: 0..<UInt64.max)
        var random = SeededRandom(seed: seed)
        let texts = ["Hall 2", #"The "Quoted" Hall"#, #"back\slash / slash"#, "tab\there\nnew line\u{1}\u{1F}", "Ciné 😀 \u{2028}", ""]
        for run in 0..<50 {
            let rows = Int.random(in: 1...12, using: &random)
            let patterns = (0..<rows).map { _ in
                String((0..<Int.random(in: 1...20, using: &random)).map { _ in "sspw_".randomElement(using: &random)! })
            }
            guard let layout = try? SeatLayout(rowPatterns: patterns.enumerated().map { (label: String(UnicodeScalar(UInt8(65 + $0.offset))), pattern: $0.element) })
            else { continue }
            let showtime = Showtime(
                id: Int.random(in: 1...1_000_000, using: &random), title: texts.randomElement(using: &random)!,
                auditorium: texts.randomElement(using: &random)!,
                startsAt: Date(timeIntervalSince1970: Double(Int.random(in: 0...2_000_000_000, using: &random)) + 0.123),
                layout: layout)
            let now = Date(timeIntervalSince1970: 1_800_000_000.5)
            let seats = layout.seats.map { seat -> SeatStatus in
                let state = SeatState.allCases.randomElement(using: &random)!
                return SeatStatus(seat: seat, state: state, expiresAt: state == .selected ? now.addingTimeInterval(Double(Int.random(in: 1...900_000, using: &random)) / 1000) : nil)
            }
            let viewer: String? = random.chance(0.5) ? texts.randomElement(using: &random)! : nil
            let body = SeatLockingJSON.Status(ShowtimeStatus(showtime: showtime, viewer: viewer, seats: seats, serverTime: now))
            #expect(body.directJSON == SeatLockingJSON.encodedByFoundation(body), "seed \(seed), run \(run)")
            #expect(SeatLockingJSON.encode(body) == body.directJSON, "the answers use the direct body")
            let renamed = Showtime(
                id: showtime.id, title: showtime.title + " (2)", auditorium: showtime.auditorium, startsAt: showtime.startsAt,
                layout: layout)
            let again = SeatLockingJSON.Status(ShowtimeStatus(showtime: renamed, viewer: viewer, seats: seats, serverTime: now))
            #expect(again.directJSON == SeatLockingJSON.encodedByFoundation(again), "a showtime changed under its id: seed \(seed)")
        }
    }
}
