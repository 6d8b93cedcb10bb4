import Foundation
import Testing
@testable import SeatLocking

/// Each script's layout names what its Lua reads: the Lua reads `KEYS` and `ARGV` only
/// through the names of its layout, reads every one of them, and names no key it was not given.
@Suite struct ScriptContractTests {
    static let scripts: [ScriptContract] = [
        SeatScripts.lock.contract, SeatScripts.unlock.contract, SeatScripts.extend.contract, SeatScripts.claim.contract,
        SeatScripts.sell.contract, SeatScripts.settle.contract, SeatScripts.seatInfo.contract, SeatScripts.forceUnlock.contract,
        SeatScripts.inspect.contract, SeatScripts.status.contract, SeatScripts.revision.contract, SeatScripts.sweep.contract,
        SeatScripts.audit.contract, SeatScripts.party.contract, SeatScripts.partySeat.contract, SeatScripts.room.contract, SeatScripts.presence.contract,
    ]

    @Test(arguments: scripts.map(\.name))
    func theLuaReadsWhatTheLayoutNamesAndNothingElse(_ name: String) throws {
        let script = try #require(Self.scripts.first { $0.name == name })
        #expect(!script.body.contains("KEYS["), "\(name) reads KEYS by position")
        #expect(!script.body.contains("ARGV["), "\(name) reads ARGV by position")
        let declared = script.layout.keys.names + script.layout.arguments.names
        #expect(Set(declared).count == declared.count, "\(name) names one value twice")
        let read = Self.identifiers(in: script.body)
        for value in declared {
            #expect(read.contains(value), "\(name) is given \(value) and never reads it")
        }
        // Keys are named `…Key` (one) and `…Keys` (a list): every such name read is one given.
        let keysRead = read.filter { $0.hasSuffix("Key") || $0.hasSuffix("Keys") }
        let undeclared = keysRead.subtracting(script.layout.keys.names)
        #expect(undeclared.isEmpty, "\(name) reads keys it is not given: \(undeclared.sorted())")
    }

    @Test func theNamingLinesFollowTheLayout() {
        let slots = ScriptSlots(["first", "second"], list: "middle", tail: ["last"])
        #expect(slots.lua("KEYS") == """
            local first, second = KEYS[1], KEYS[2]
            local middle = {unpack(KEYS, 3, #KEYS - 1)}
            local last = KEYS[#KEYS]

            """)
        #expect(slots.ordered(["last": .one("z"), "first": .one("a"), "middle": .list(["m1", "m2"]), "second": .one("b")], script: "t")
            == ["a", "b", "m1", "m2", "z"])
    }

    /// The Lua identifiers of `lua`, comments left out.
    private static func identifiers(in lua: String) -> Set<String> {
        let code = lua.split(separator: "\n").map { line in line.range(of: "--").map { line[..<$0.lowerBound] } ?? line[...] }.joined(separator: "\n")
        let regex = try! NSRegularExpression(pattern: "[A-Za-z_][A-Za-z0-9_]*")
        let range = NSRange(code.startIndex..., in: code)
        return Set(regex.matches(in: code, range: range).compactMap { Range($0.range, in: code).map { String(code[$0]) } })
    }
}
