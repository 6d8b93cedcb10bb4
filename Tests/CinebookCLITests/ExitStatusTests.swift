import CinebookCommands
import CinebookModel
import Foundation
import Testing
import TestSupport

/// One exit-code table: the code's (`ExitStatus`, `FailureCode`), which the root help is
/// written from, and the README's, which must say the same.
@Suite struct ExitStatusTests {
    @Test func theREADMEsTableListsEveryStatusWithItsErrorCodes() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let header = "| exit code | meaning | `--json` error codes |"
        let table = try #require(readme.components(separatedBy: header).dropFirst().first, "the README has an exit-code table")
        var documented: [Int32: Set<String>] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            guard line.hasPrefix("| ") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let status = try #require(Int32(cells[0]), "a status in \(line)")
            documented[status] = Set(cells[2].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        }
        let coded = Dictionary(uniqueKeysWithValues: ExitStatus.allCases.map { ($0.rawValue, Set($0.failureCodes.map(\.rawValue))) })
        #expect(documented == coded)
    }

    @Test func everyErrorOfTheCoreHasItsOwnStatus() {
        let errors: [SeatLockingError] = [
            .invalidRequest("x"), .unknownShowtime(1), .unknownSeats(["A1"], showtime: 1), .tooManySeats(requested: 11, alreadyHeld: 0, limit: 10),
            .seatsUnavailable(["A1"], suggestions: []), .notLockOwner(["A1"]), .lockExpired(["A1"]), .redisUnavailable("x"),
            .serverUnreachable("x"), .databaseUnavailable("x"), .outcomeUnknown("x"), .internalError("x"),
            .salesClosed(showtime: 1, closedAt: Date(), timeZone: .utc),
            .waitingRoom(.notOpenYet(showtime: 1, opensAt: Date(), timeZone: .utc)), .waitingRoom(.passRequired(showtime: 1)),
            .waitingRoom(.passInvalid("x")), .waitingRoom(.passUsed), .waitingRoom(.passExpired),
            .party(.notFound(Self.code)), .party(.ended(Self.code)), .party(.full(Self.code, members: 6)),
            .party(.otherShowtime(Self.code, showtime: 2)), .party(.notMember(Self.code)),
        ]
        for error in errors {
            #expect(FailureCode(rawValue: error.code) != nil, "\(error.code) is in the command line's table")
        }
        #expect(Set(errors.map(\.code)).count == errors.count, "every case of the core's error has a code of its own")
    }

    static let code = PartyCode("FERN-427")!

    @Test func theRootHelpListsEveryStatus() {
        for status in ExitStatus.allCases {
            #expect(ExitStatus.listed.contains("\(status.rawValue) \(status.summary)"))
        }
    }
}
