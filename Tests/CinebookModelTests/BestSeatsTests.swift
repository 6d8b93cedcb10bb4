import CinebookModel
import PropertyBased
import Testing

/// Layouts from row patterns (`s` standard, `p` premium, `w` wheelchair, `_` aisle), rows
/// A, B, C, ... from the screen.
private func hall(_ patterns: [String]) throws -> SeatLayout {
    let labels = (0..<patterns.count).map { String(UnicodeScalar(UInt8(65 + $0))) }
    return try SeatLayout(rowPatterns: zip(labels, patterns).map { (label: $0, pattern: $1) })
}

private func best(
    _ count: Int, in layout: SeatLayout, taken: Set<SeatCode> = [], near: [SeatCode] = [],
    category: SeatCategory? = nil, wheelchair: Bool = false, limit: Int = 3
) -> [[SeatCode]] {
    let wish = SeatWish(count: count, near: near.compactMap(layout.seat), category: category, wheelchair: wheelchair)
    return BestSeats(layout: layout, unavailable: taken).offers(for: wish, limit: limit).map(\.codes)
}

@Suite("Best available seats: ranking on hand-made halls")
struct BestSeatsRankingTests {
    @Test func anEmptyHallOffersTheCentreTwoThirdsBack() throws {
        let layout = try hall(Array(repeating: "ssssssssss", count: 7))
        #expect(best(2, in: layout) == [["E5", "E6"], ["D5", "D6"], ["F5", "F6"]], "row E is two thirds back; D and F tie, front first")
        #expect(best(4, in: layout).first == ["E4", "E5", "E6", "E7"])
    }

    @Test func fragmentedRowsOfferTheFragmentsThatFitCentreFirst() throws {
        let layout = try hall(["ssssssss"])
        let taken: Set<SeatCode> = ["A3", "A6"]
        #expect(best(2, in: layout, taken: taken) == [["A4", "A5"], ["A1", "A2"], ["A7", "A8"]])
        #expect(best(3, in: layout, taken: taken).isEmpty, "no three free side by side, one row, no aisle")
    }

    @Test func noOfferLeavesASingleSeatStranded() throws {
        let layout = try hall(["ssssss"])
        #expect(best(2, in: layout, taken: ["A1"], limit: 5) == [["A2", "A3"], ["A5", "A6"]],
                "A3–A4 would strand A2 beside the sold A1, A4–A5 would strand A6 at the wall")
        #expect(best(3, in: layout, taken: ["A1", "A6"]).isEmpty, "four seats between two sold ones: any three strand one")
    }

    /// Seats someone else is choosing are stepped around while any offer can, and offered
    /// when nothing else fits: they are free.
    @Test func seatsBeingChosenAreAvoidedWhileTheyCanBeButNeverWithheld() throws {
        let layout = try hall(["ssssssssss"])
        let wish = SeatWish(count: 2)
        #expect(BestSeats(layout: layout, unavailable: []).offers(for: wish).first?.codes == ["A5", "A6"], "the centre, when nobody is choosing it")
        let around = BestSeats(layout: layout, unavailable: [], avoiding: ["A5", "A6"]).offers(for: wish).map(\.codes)
        #expect(!around.isEmpty && around.allSatisfy { $0.allSatisfy { !["A5", "A6"].contains($0) } }, "\(around)")
        let rest: Set<SeatCode> = ["A1", "A2", "A3", "A4", "A7", "A8", "A9", "A10"]
        let only = BestSeats(layout: layout, unavailable: rest, avoiding: ["A5", "A6"]).offers(for: wish)
        #expect(only.map(\.codes) == [["A5", "A6"]], "the last pair is offered though someone is choosing it")
    }

    @Test func aWheelchairPlaceIsNeverCalledAnOrphan() throws {
        let layout = try hall(["wssss"])
        #expect(best(3, in: layout) == [["A3", "A4", "A5"]], "A2 stays free as the companion seat of A1")
    }

    @Test func aSingleRowBlockBeatsCrossingAnAisle() throws {
        let layout = try hall(["sss_sss", "ssssss_"])
        let offers = best(4, in: layout, limit: 5)
        #expect(!offers.isEmpty)
        for offer in offers {
            let seats = offer.compactMap(layout.seat)
            #expect(Set(seats.map(\.row)) == ["B"], "\(offer)")
            #expect(zip(seats, seats.dropFirst()).allSatisfy { $1.column == $0.column + 1 }, "\(offer)")
        }
    }

    @Test func withoutAnyBlockTheAisleIsCrossedKeepingTheOrphanRule() throws {
        let layout = try hall(["sss_sss"])
        #expect(best(4, in: layout, limit: 5) == [["A1", "A2", "A3", "A4"]],
                "A2–A5 strands A1 and A6; A3–A6 ties with A1–A4 and shares A3 with it")
    }

    @Test func aPartyLargerThanAnyRowSitsInRowsStraightBehindEachOther() throws {
        let layout = try hall(Array(repeating: "sssss", count: 4))
        let offer = try #require(best(6, in: layout).first)
        let seats = offer.compactMap(layout.seat)
        #expect(offer == ["B1", "B2", "B3", "C1", "C2", "C3"])
        let rows = Dictionary(grouping: seats, by: \.rowIndex)
        #expect(rows.count == 2)
        #expect(Set(rows.values.map { $0.map(\.column) }).count == 1, "the same columns in both rows")
    }

    @Test func nearSeatsComeBeforeTheView() throws {
        let layout = try hall(["ssssssssss"])
        #expect(best(1, in: layout, taken: ["A4", "A5"], near: ["A5"]) == [["A6"], ["A3"], ["A8"]],
                "A7 would strand A6 beside A5, A2 would strand A1")
        let rows = try hall(["ssssssss", "ssssssss", "ssssssss"])
        #expect(best(2, in: rows, taken: ["B4"], near: ["B4", "B5"]) == [["B5", "B6"], ["C4", "C5"], ["A4", "A5"]],
                "a row away is as far as two seats sideways; between A and C the view decides; B2–B3 would strand B1")
    }

    @Test func wheelchairPlacesOnlyWhenAskedForAndThenInTheSet() throws {
        let layout = try hall(["wsssw", "wsssw"])
        let standard = best(1, in: layout, limit: 10)
        #expect(!standard.isEmpty)
        #expect(standard.joined().allSatisfy { layout.seat($0)?.category == .standard }, "\(standard)")

        let withWheelchair = best(2, in: layout, wheelchair: true, limit: 10)
        #expect(withWheelchair.count == 4)
        for offer in withWheelchair {
            #expect(offer.contains { layout.seat($0)?.category == .wheelchair }, "\(offer)")
        }
    }

    @Test func premiumSeatsOnlyInTheirCategory() throws {
        let layout = try hall(["pppp", "ssss"])
        #expect(best(2, in: layout, limit: 5).joined().allSatisfy { $0.text.hasPrefix("B") })
        #expect(best(2, in: layout, category: .premium, limit: 5).joined().allSatisfy { $0.text.hasPrefix("A") })
        #expect(best(2, in: layout, taken: ["A1", "A2"], near: ["A1", "A2"]).contains(["A3", "A4"]), "near premium seats, premium is fine")
    }

    @Test func aFullHallHasNothingToOffer() throws {
        let layout = try hall(["sss", "sss"])
        let everything = Set(layout.seats.map(\.code))
        #expect(best(1, in: layout, taken: everything).isEmpty)
        #expect(best(0, in: layout).isEmpty)
        #expect(best(7, in: layout).isEmpty, "more than the house holds")
    }

    @Test func offersNeverShareASeat() throws {
        let layout = try hall(["ssssssssssss"])
        let offers = best(3, in: layout, near: ["A1"], limit: 5)
        #expect(offers == [["A1", "A2", "A3"], ["A4", "A5", "A6"], ["A7", "A8", "A9"], ["A10", "A11", "A12"]])
    }

    @Test func handPickedSeatsThatStrandOneAreNamed() throws {
        let layout = try hall(["ssssss"])
        let picked = ["A3", "A4"].compactMap(layout.seat)
        #expect(orphanedSeats(by: picked, in: layout, unavailable: ["A1"]).map(\.code) == ["A2"])
        #expect(orphanedSeats(by: picked, in: layout, unavailable: []).isEmpty)
    }
}

/// Random halls and random occupancy: every offer keeps every rule.
@Suite("Best available seats: properties over random halls")
struct BestSeatsPropertyTests {
    /// A hall as numbers: each cell's ones digit picks the kind (0 aisle, 1 wheelchair,
    /// 2 premium, else standard), its tens digit whether it is taken (below 5).
    static let halls = Gen.int(in: 0...99).array(of: 1...12).array(of: 1...8)

    @Test func everyOfferIsFreeWholeUnstrandingAndInItsCategory() async throws {
        await propertyCheck(count: 1500, input: Self.halls, Gen.int(in: 1...6), Gen.int(in: 0...2), Gen.bool) {
            cells, count, categoryChoice, wheelchair in
            // Pure CPU work: let the other tests of the run have the task threads between cases.
            await Task.yield()
            guard let (layout, taken) = Self.layout(cells) else { return }
            let category: SeatCategory? = [nil, .standard, .premium][categoryChoice]
            let wish = SeatWish(count: count, category: category, wheelchair: wheelchair)
            let offers = BestSeats(layout: layout, unavailable: taken).offers(for: wish, limit: 3)
            var allowed: Set<SeatCategory> = category == .premium ? [.premium] : [.standard]
            if wheelchair { allowed.insert(.wheelchair) }
            var used = Set<SeatCode>()
            for offer in offers {
                let codes = offer.codes
                #expect(codes.count == count)
                #expect(Set(codes).count == count)
                #expect(codes.allSatisfy { !taken.contains($0) }, "offers only free seats")
                #expect(offer.seats.allSatisfy { allowed.contains($0.category) }, "category rules: \(codes)")
                if wheelchair { #expect(offer.seats.contains { $0.category == .wheelchair }) }
                #expect(Self.strandedSeats(by: offer.seats, in: layout, taken: taken).isEmpty, "orphan left by \(codes)")
                #expect(used.isDisjoint(with: codes))
                used.formUnion(codes)
                if !Self.isOneBlockInOneRow(offer.seats) {
                    #expect(!Self.anyRowBlockExists(count: count, in: layout, taken: taken, allowed: allowed, wheelchair: wheelchair),
                            "split although a one-row block exists: \(codes)")
                }
            }
            if offers.isEmpty {
                #expect(!Self.anyRowBlockExists(count: count, in: layout, taken: taken, allowed: allowed, wheelchair: wheelchair))
            }
        }
    }

    static func layout(_ cells: [[Int]]) -> (SeatLayout, Set<SeatCode>)? {
        var patterns: [(label: String, pattern: String)] = []
        var taken = Set<SeatCode>()
        for (rowIndex, row) in cells.enumerated() {
            let label = String(UnicodeScalar(UInt8(65 + rowIndex)))
            var pattern = ""
            var number = 0
            for value in row {
                let kind = value % 10
                pattern.append(kind == 0 ? "_" : kind == 1 ? "w" : kind == 2 ? "p" : "s")
                guard kind != 0 else { continue }
                number += 1
                if value / 10 < 5 { taken.insert(SeatCode(row: label, number: number)) }
            }
            patterns.append((label, pattern))
        }
        guard let layout = try? SeatLayout(rowPatterns: patterns) else { return nil }
        return (layout, taken)
    }

    /// The free, non-wheelchair seats that `picked` leaves alone between itself and a
    /// taken seat, an aisle or the end of the row — computed from the row's runs.
    static func strandedSeats(by picked: [Seat], in layout: SeatLayout, taken: Set<SeatCode>) -> [SeatCode] {
        let after = taken.union(picked.map(\.code))
        var stranded: [SeatCode] = []
        for rowIndex in Set(picked.map(\.rowIndex)) {
            let cells = layout.rows[rowIndex].cells
            var run: [Seat] = []
            for cell in cells + [nil] {
                if let seat = cell, !after.contains(seat.code) {
                    run.append(seat)
                    continue
                }
                if run.count == 1, run[0].category != .wheelchair,
                   picked.contains(where: { abs($0.column - run[0].column) == 1 && $0.rowIndex == rowIndex }) {
                    stranded.append(run[0].code)
                }
                run = []
            }
        }
        return stranded
    }

    static func isOneBlockInOneRow(_ seats: [Seat]) -> Bool {
        Set(seats.map(\.rowIndex)).count == 1 && zip(seats, seats.dropFirst()).allSatisfy { $1.column == $0.column + 1 }
    }

    /// Brute force: is there any row block the engine should have preferred?
    static func anyRowBlockExists(
        count: Int, in layout: SeatLayout, taken: Set<SeatCode>, allowed: Set<SeatCategory>, wheelchair: Bool
    ) -> Bool {
        for row in layout.rows where row.cells.count >= count {
            for start in 0...(row.cells.count - count) {
                let cells = row.cells[start..<(start + count)]
                let seats = cells.compactMap { $0 }
                guard seats.count == count, seats.allSatisfy({ !taken.contains($0.code) && allowed.contains($0.category) }),
                      !wheelchair || seats.contains(where: { $0.category == .wheelchair }),
                      strandedSeats(by: seats, in: layout, taken: taken).isEmpty
                else { continue }
                return true
            }
        }
        return false
    }
}
