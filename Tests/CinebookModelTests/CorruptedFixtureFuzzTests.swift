import CinebookModel
import Foundation
import Testing
import TestSupport

/// The repository's showtime files, corrupted at random, never crash the loader: each
/// directory either loads as a consistent catalog or is refused with a `CatalogError`
/// whose one-line message names the broken file.
///
/// Replay a failure with `CINEBOOK_FUZZ_SEED=<seed>`; `CINEBOOK_FUZZ_RUNS` sets the count.
@Suite struct CorruptedFixtureFuzzTests {
    /// Every corruption either loads into a catalog that keeps the catalog's invariants or
    /// throws an error that names the file in a short, printable, single line. Each rule
    /// broken is reported once, with how often and the first run that broke it.
    @Test func corruptedFixturesLoadConsistentlyOrNameTheBrokenFile() async throws {
        let seed = FuzzSettings.seed()
        let runs = FuzzSettings.runs(default: 300)
        print("CorruptedFixtureFuzzTests: seed \(seed), \(runs) runs (replay: CINEBOOK_FUZZ_SEED=\(seed))")
        let originals = try FileManager.default.contentsOfDirectory(at: TestShowtimes.bundled, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { (name: $0.lastPathComponent, data: try Data(contentsOf: $0)) }
        #expect(originals.count >= 2, "the corruptions need the repository's fixture files")
        _ = try Catalog.load(directory: TestShowtimes.bundled)

        // Hundreds of directories written and read: off Swift's few task threads, which the
        // other tests of the run need while the disk is busy.
        let (outcomes, broken) = try await offThePool { try Self.play(runs, seed: seed, originals: originals) }
        print("CorruptedFixtureFuzzTests: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        for (rule, failures) in broken.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(rule): broken in \(failures.count) of \(runs) runs (replay: CINEBOOK_FUZZ_SEED=\(seed)); first:\n\(failures.first)")
        }
        #expect(outcomes["refused", default: 0] > 0 || runs < 20, "corruptions this broad refuse some directories")
    }

    /// The runs: how many loaded and how many were refused, and each rule broken, how often
    /// and first.
    private static func play(
        _ runs: Int, seed: UInt64, originals: [(name: String, data: Data)]
    ) throws -> (outcomes: [String: Int], broken: [String: (count: Int, first: String)]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-corrupted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var outcomes: [String: Int] = [:]
        var broken: [String: (count: Int, first: String)] = [:]
        for run in 0..<runs {
            var random = SeededRandom(seed: seed, stream: UInt64(run))
            let directory = root.appendingPathComponent("run-\(run)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for original in originals {
                try original.data.write(to: directory.appendingPathComponent(original.name))
            }
            let corruption = try FixtureCorruption.apply(to: directory, originals: originals.map(\.name), using: &random)
            let (outcome, violations) = CorruptedFixtureFuzzTests().check(directory, blaming: corruption.suspects)
            outcomes[outcome, default: 0] += 1
            for (rule, detail) in violations {
                broken[rule, default: (0, "seed \(seed) run \(run): \(corruption.summary)\n\(detail)")].count += 1
            }
            chmod(directory.path, 0o755)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                chmod(directory.appendingPathComponent(name).path, 0o644)
            }
            try? FileManager.default.removeItem(at: directory)
        }
        return (outcomes, broken)
    }

    /// Loads `directory`; returns "loaded" or "refused", and each rule the outcome breaks
    /// with what broke it.
    private func check(_ directory: URL, blaming suspects: Set<String>) -> (String, [String: String]) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let showtimeFiles = entries.filter { $0.hasSuffix(".json") }.count
        var violations: [String: String] = [:]
        func require(_ condition: Bool, _ rule: String, _ detail: @autoclosure () -> String) {
            if !condition { violations[rule] = detail() }
        }
        do {
            let catalog = try Catalog.load(directory: directory)
            let ids = catalog.showtimes.map(\.id)
            require(ids.count == showtimeFiles, "one showtime per file", "\(ids.count) showtimes from \(showtimeFiles) files")
            require(Set(ids).count == ids.count, "unique showtime ids", "ids \(ids)")
            for showtime in catalog.showtimes {
                let codes = showtime.layout.rows.flatMap(\.seats).map(\.code)
                let detail = "showtime \(showtime.id): \(codes.count) seats, occupied \(showtime.occupied.sorted())"
                require(showtime.id > 0 && catalog.showtime(showtime.id)?.id == showtime.id, "a positive id that finds the showtime", detail)
                require(!codes.isEmpty && showtime.layout.seatCount == codes.count, "at least one seat, each counted once", detail)
                require(Set(codes).count == codes.count, "unique seat codes", detail)
                require(showtime.occupied.isSubset(of: Set(codes)), "occupied seats exist", detail)
                require(!showtime.title.trimmingCharacters(in: .whitespaces).isEmpty, "a title", detail)
            }
            return ("loaded", violations)
        } catch {
            let message = error.description
            let shown = message.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
                .joined().prefix(400)
            let dump = Self.typeDumpMarkers.first { message.contains($0) }
            require(suspects.contains { message.contains($0) }, "the message names the broken file", "message: \(shown)")
            require(!message.unicodeScalars.contains(where: Self.breaksTheLine), "one printable line", "message: \(shown)")
            require(error.problem.count <= 300, "a message of at most 300 characters", "\(error.problem.count) characters: \(shown)")
            require(dump == nil, "no type dump (\(dump ?? "")) in the message", "message: \(shown)")
            return ("refused", violations)
        }
    }

    /// Control characters, line breaks and bidirectional overrides: a message with them
    /// is no longer one readable line on a terminal or in a log.
    private static func breaksTheLine(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: scalar.properties.isBidiControl
        }
    }

    private static let typeDumpMarkers = [
        "DecodingError", "CodingKeys", "keyNotFound", "typeMismatch", "valueNotFound", "dataCorrupted", "Swift.",
        "Optional(", "Dictionary<", "dictionary<", "Array<", "array<", "Error Domain=", "UserInfo=", "NSCocoaErrorDomain",
    ]
}

/// One random corruption of a fixture directory: what was done, and which file names an
/// error about it may rightly blame.
private struct FixtureCorruption {
    var summary: String
    var suspects: Set<String>

    /// Corrupts one file of `directory` (or the directory itself) in one to three ways.
    static func apply(to directory: URL, originals: [String], using random: inout SeededRandom) throws -> FixtureCorruption {
        let victim = random.pick(originals)
        let file = directory.appendingPathComponent(victim)
        var corruption = FixtureCorruption(summary: victim, suspects: [victim])
        switch random.int(in: 0...19) {
        case 0:
            try Data().write(to: file)
            corruption.summary += " emptied"
        case 1:
            try FileManager.default.removeItem(at: file)
            try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
            corruption.summary += " replaced by a directory"
        case 2:
            // Root reads it anyway; loading or a "cannot be read" error both pass the checks.
            chmod(file.path, 0o000)
            corruption.summary += " made unreadable (chmod 000)"
        case 3:
            let partner = "loop-\(victim)"
            try FileManager.default.removeItem(at: file)
            if random.chance(0.5) {
                try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: victim)
                corruption.summary += " replaced by a symlink to itself"
            } else {
                try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: partner)
                try FileManager.default.createSymbolicLink(
                    atPath: directory.appendingPathComponent(partner).path, withDestinationPath: victim)
                corruption.suspects.insert(partner)
                corruption.summary += " replaced by a symlink loop through \(partner)"
            }
        case 4:
            try FileManager.default.removeItem(at: file)
            try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: "missing/nowhere.json")
            corruption.summary += " replaced by a dangling symlink"
        case 5:
            let copy = "copy-of-\(victim)"
            try FileManager.default.copyItem(at: file, to: directory.appendingPathComponent(copy))
            corruption.suspects.insert(copy)
            corruption.summary += " duplicated as \(copy) (same id)"
        case 6:
            for name in originals { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            corruption.suspects = [directory.lastPathComponent]
            corruption.summary = "every file removed"
        case 7:
            let text = try String(contentsOf: file, encoding: .utf8)
            let encoding = random.pick([String.Encoding.utf16, .utf16LittleEndian, .utf16BigEndian, .utf32, .isoLatin1])
            try text.data(using: encoding)?.write(to: file)
            corruption.summary += " re-encoded as \(encoding)"
        default:
            var bytes = try [UInt8](Data(contentsOf: file))
            let steps = (0..<random.int(in: 1...3)).map { _ in mutate(&bytes, using: &random) }
            try Data(bytes).write(to: file)
            let head = String(decoding: bytes.prefix(160), as: UTF8.self).debugDescription
            corruption.summary += " " + steps.joined(separator: ", ") + "; now \(bytes.count) bytes starting \(head)"
        }
        return corruption
    }

    /// One change to the bytes of a file; returns what it did.
    static func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) -> String {
        let position = bytes.isEmpty ? 0 : random.int(in: 0...bytes.count - 1)
        switch random.int(in: 0...8) {
        case 0:
            let flips = random.int(in: 1...8)
            for _ in 0..<flips where !bytes.isEmpty {
                bytes[random.int(in: 0...bytes.count - 1)] ^= UInt8(1) << UInt8(random.int(in: 0...7))
            }
            return "\(flips) bit flips"
        case 1:
            bytes.removeSubrange(position...)
            return "truncated at \(position)"
        case 2:
            let end = min(bytes.count, position + random.int(in: 1...64))
            bytes.removeSubrange(position..<end)
            return "deleted \(position)..<\(end)"
        case 3:
            let end = min(bytes.count, position + random.int(in: 1...64))
            let span = Array(bytes[position..<end])
            let target = random.int(in: 0...bytes.count)
            bytes.insert(contentsOf: span, at: target)
            return "copied \(position)..<\(end) to \(target)"
        case 4:
            let inserted = (0..<random.int(in: 1...4)).flatMap { _ in random.pick(hostileBytes) }
            bytes.insert(contentsOf: inserted, at: position)
            return "inserted \(inserted) at \(position)"
        default:
            let spans = valueSpans(bytes)
            guard let span = spans.isEmpty ? nil : random.pick(spans) else { return "no value to replace" }
            let replacement = randomValue(using: &random)
            bytes.replaceSubrange(span, with: Array(replacement.utf8))
            return "value at \(span.lowerBound) replaced by \(replacement.prefix(60).debugDescription)"
        }
    }

    /// Bytes that are not valid UTF-8 or that end a JSON token early.
    static let hostileBytes: [[UInt8]] = [
        [0x00], [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF],
        [0x7F], [0x1B], [0x0A], [0x22], [0x5C], [0x7B], [0x7D], [0x5B], [0x5D], [0x2C], [0x3A], [0x30], [0x2D],
    ]

    /// A JSON value of a random kind: another type, an extreme number, hostile text, or
    /// deep nesting. Written as text, so it can be what no encoder writes (`-0`, `1e400`,
    /// a lone surrogate escape, a duplicate key).
    static func randomValue(using random: inout SeededRandom) -> String {
        switch random.int(in: 0...5) {
        case 0:
            return random.pick([
                #""text""#, "12", "-7", "0", "true", "false", "null", "[]", "{}", "[1,2]", #"["A1"]"#, #"{"row":"A","seats":"s"}"#,
                #"[{"row":"A","seats":"s"}]"#, #"[{"row":"A","seats":"s"},{"row":"A","seats":"s"}]"#, #""2026-11-25T17:00:00Z""#,
                #"{"id":1,"id":"one"}"#, #"{"row":"B","row":"C","seats":"ss","seats":7}"#,
            ])
        case 1:
            return random.pick([
                "1e308", "-1e308", "1e309", "-0", "-0.0", "0.5", "18446744073709551616", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e-400", "4.9e-324",
                "123456789012345678901234567890", "2e0", "1E2", "01", "+1", ".5", "1.", "0x10", "NaN", "Infinity",
            ])
        case 2:
            let around = random.pick(["A", "A1", "sss", "2026-11-25T17:00:00Z", "Hall"])
            return quoted(HostileText.string(&random, around: around))
        case 3:
            return random.pick([
                #""\ud800""#, #""\udc00\ud800""#, #""\u0000""#, #""A\u0000""#, #""s\u0000s""#, #""\n""#, #""A\nB""#,
                #""\u001b[2J""#, #""\u202eA""#, #""s\u0007s""#, #""\u0085""#, #""2026-11-25T17:00:00Z\n""#, #""\/\/""#, #""\x41""#,
                #""\u00""#, #""\""#, #""""#, #"" ""#, #""_____""#, #""ssxs""#, #""AA""#, #""AAA""#, #""a""#, #""Ä""#,
            ])
        case 4:
            let length = random.pick([1000, 100_000])
            return quoted(String(repeating: random.pick(["s", "p", "w", "_", "A", "9", "é"]), count: length))
        default:
            let depth = random.pick([100, 511, 512, 513, 10_000, 100_000])
            return random.chance(0.5)
                ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                : String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        }
    }

    /// `text` as a JSON string, with control characters escaped.
    static func quoted(_ text: String) -> String {
        let body = text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where scalar.value < 0x20: return "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                + String(scalar.value, radix: 16)
            default: return String(scalar)
            }
        }
        return "\"" + body.joined() + "\""
    }

    /// The byte ranges of the values in a JSON text (strings that are keys left out):
    /// strings, numbers, literals and whole arrays and objects.
    static func valueSpans(_ bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var openers: [Int] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                end = min(end + 1, bytes.count)
                let next = bytes[end...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
                if next != UInt8(ascii: ":") { spans.append(index..<end) }
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                openers.append(index)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let opener = openers.popLast() { spans.append(opener..<index + 1) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let start = index
                while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                spans.append(start..<index)
                continue
            default:
                break
            }
            index += 1
        }
        return spans
    }
}
