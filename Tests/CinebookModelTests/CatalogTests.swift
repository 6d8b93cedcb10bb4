import CinebookModel
import Foundation
import Testing
import TestSupport

@Suite("Loading the catalog")
struct CatalogTests {
    @Test func realFixturesLoad() throws {
        let catalog = try Catalog.load(directory: TestShowtimes.bundled)
        #expect(catalog.showtimes.count >= 3)
        #expect(Set(catalog.showtimes.map(\.id)).count == catalog.showtimes.count)
        #expect(catalog.showtimes.map(\.id) == catalog.showtimes.map(\.id).sorted())

        let small = catalog.showtimes.filter { (30...50).contains($0.layout.seatCount) }
        #expect(!small.isEmpty, "a small auditorium of about 40 seats")

        let medium = catalog.showtimes.filter { (120...180).contains($0.layout.seatCount) && !$0.occupied.isEmpty }
        #expect(!medium.isEmpty, "an auditorium of about 150 seats with seats already sold")

        let large = try #require(catalog.showtimes.first { $0.layout.seatCount >= 400 })
        #expect(large.layout.seats.contains { $0.category == .premium })
        #expect(large.layout.seats.contains { $0.category == .wheelchair })

        for showtime in catalog.showtimes {
            #expect(catalog.showtime(showtime.id) == showtime)
            #expect(showtime.occupied.allSatisfy { showtime.layout.seat($0) != nil }, "showtime \(showtime.id)")
            #expect(!showtime.title.isEmpty)
        }
    }

    @Test func seatsAreNumberedWithinTheirRowSkippingGaps() throws {
        let layout = try SeatLayout(rowPatterns: [("A", "ss_ss"), ("B", "_wpp_")])
        #expect(layout.rows.map { $0.seats.map(\.code) } == [["A1", "A2", "A3", "A4"], ["B1", "B2", "B3"]])
        #expect(layout.seat("A3")?.column == 3)
        #expect(layout.seat("B1")?.category == .wheelchair)
        #expect(layout.seat("B3")?.category == .premium)
        #expect(layout.seat("B1")?.rowIndex == 1)
        #expect(layout.seatCount == 7)
        #expect(layout.width == 5)
        #expect(layout.seat("A5") == nil)
    }

    @Test(arguments: [
        ("c7", "C7"), (" C7 ", "C7"), ("C07", "C7"), ("AA12", "AA12"), ("\tb12\t", "B12"), ("\u{00A0}aa7\u{2003}", "AA7"),
        ("C007", "C7"), ("z999", "Z999"),
    ])
    func seatCodesAreNormalized(text: String, code: String) {
        #expect(SeatCode(text)?.text == code)
    }

    @Test(arguments: [
        "", " ", "7C", "C", "C0", "C000", "C-1", "ABC1", "C1234", "C 7", "Ç7", "C7B", "C\n7", "C7\n", "Ｃ７", "C٣", "C7\u{0301}", "\u{0}C7",
    ])
    func malformedSeatCodesAreRejected(text: String) {
        #expect(SeatCode(text) == nil)
    }

    @Test(arguments: [
        ("alice", "alice"), ("  bob\t", "bob"), ("\u{00A0}Zoë\u{3000}", "Zoë"), ("a b", "a b"), ("", ""), (" \t ", ""),
        ("\nx", "\nx"),
    ])
    func spacesAndTabsAroundTextAreTrimmed(text: String, trimmed: String) {
        #expect(text.trimmingSpaces == trimmed)
    }

    @Test func unknownShowtimeIsNil() throws {
        let catalog = try Catalog.load(directory: TestShowtimes.bundled)
        #expect(catalog.showtime(987_654) == nil)
    }
}
