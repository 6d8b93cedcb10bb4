import SeatLocking
import Testing

@Suite("Suggesting other seats")
struct SeatSuggesterTests {
    private func layout(_ patterns: [String]) throws -> SeatLayout {
        let labels = ["A", "B", "C", "D", "E", "F"]
        return try SeatLayout(rowPatterns: patterns.enumerated().map { (label: labels[$0.offset], pattern: $0.element) })
    }

    private func suggest(
        _ count: Int, near codes: [String], in layout: SeatLayout, unavailable: Set<String>, limit: Int = 3
    ) -> [[String]] {
        SeatSuggester.suggest(
            count: count, near: codes.compactMap(layout.seat), in: layout, unavailable: unavailable, limit: limit
        ).map { $0.map(\.code) }
    }

    @Test func nearestBlockComesFirst() throws {
        let layout = try layout(["ssssssssss"])
        let suggestions = suggest(1, near: ["A5"], in: layout, unavailable: ["A4", "A5"])
        #expect(suggestions == [["A6"], ["A3"], ["A7"]])
    }

    @Test func aSeatSidewaysBeatsARowAway() throws {
        let layout = try layout(["ssssssss", "ssssssss", "ssssssss"])
        let suggestions = suggest(2, near: ["B4", "B5"], in: layout, unavailable: ["B4"])
        #expect(suggestions == [["B5", "B6"], ["A4", "A5"], ["B2", "B3"]])
    }

    @Test func neverAcrossAGap() throws {
        let layout = try layout(["sss_sss", "ssssss_"])
        let suggestions = suggest(4, near: ["A2", "A3"], in: layout, unavailable: ["B3"])
        #expect(suggestions.isEmpty, "\(suggestions)")

        let onlyGapped = try self.layout(["ss_ss_ss"])
        #expect(suggest(3, near: [], in: onlyGapped, unavailable: []).isEmpty)
        #expect(suggest(2, near: [], in: onlyGapped, unavailable: []).count == 3)
    }

    @Test func blocksAreSideBySideInOneRow() throws {
        let layout = try layout(["ss_ssss", "sssssss", "ss_ssss"])
        let suggestions = SeatSuggester.suggest(
            count: 3, near: [layout.seat("B4")!], in: layout, unavailable: ["B3", "B4", "B5"], limit: 5)
        #expect(!suggestions.isEmpty)
        for block in suggestions {
            #expect(block.count == 3)
            #expect(Set(block.map(\.row)).count == 1)
            #expect(zip(block, block.dropFirst()).allSatisfy { $1.column == $0.column + 1 }, "\(block.map(\.code))")
            #expect(block.allSatisfy { !["B3", "B4", "B5"].contains($0.code) })
        }
    }

    @Test func suggestionsDoNotOverlap() throws {
        let layout = try layout(["sssssss"])
        let centred = suggest(3, near: ["A4"], in: layout, unavailable: [], limit: 5)
        #expect(centred == [["A3", "A4", "A5"]], "every other block of three overlaps the nearest one")

        let wide = try self.layout(["ssssssssssss"])
        let spread = suggest(3, near: ["A1"], in: wide, unavailable: [], limit: 5)
        #expect(spread == [["A1", "A2", "A3"], ["A4", "A5", "A6"], ["A7", "A8", "A9"], ["A10", "A11", "A12"]])
        let all = spread.flatMap { $0 }
        #expect(Set(all).count == all.count)
    }

    @Test func wheelchairPlacesOnlyWhenOneWasAskedFor() throws {
        let layout = try layout(["wsssw", "wsssw"])
        let standard = suggest(1, near: ["A2"], in: layout, unavailable: ["A2"], limit: 10)
        #expect(!standard.isEmpty)
        #expect(standard.allSatisfy { block in block.allSatisfy { layout.seat($0)?.category == .standard } }, "\(standard)")
        #expect(standard.count == 5)

        let wheelchair = suggest(1, near: ["A1"], in: layout, unavailable: ["A1"], limit: 10)
        #expect(wheelchair.contains(["A5"]))
        #expect(wheelchair.contains(["B1"]))
    }

    @Test func premiumSeatsOnlyWhenOneWasAskedFor() throws {
        let layout = try layout(["pppp", "ssss"])
        let standard = suggest(2, near: ["B1", "B2"], in: layout, unavailable: ["B1", "B2"])
        #expect(standard == [["B3", "B4"]])
        let premium = suggest(2, near: ["A1", "A2"], in: layout, unavailable: ["A1", "A2"])
        #expect(premium.first == ["A3", "A4"])
    }

    @Test func nothingFreeMeansNoSuggestions() throws {
        let layout = try layout(["sss"])
        #expect(suggest(1, near: ["A1"], in: layout, unavailable: ["A1", "A2", "A3"]).isEmpty)
        #expect(suggest(0, near: ["A1"], in: layout, unavailable: []).isEmpty)
    }
}
