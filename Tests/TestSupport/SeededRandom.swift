import Foundation

/// A seeded random number generator (SplitMix64) for randomized tests: a failing run
/// prints its seed, and `CINEBOOK_FUZZ_SEED=<seed>` replays exactly the same inputs.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator for `seed`; `stream` gives independent sequences under one seed, so
    /// that run number `stream` can be generated without generating the runs before it.
    public init(seed: UInt64, stream: UInt64 = 0) {
        state = seed
        if stream != 0 {
            state ^= stream &* 0xD1B5_4A32_D192_ED03
            _ = next()
        }
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// One element of a non-empty collection.
    public mutating func pick<C: Collection>(_ choices: C) -> C.Element {
        choices.randomElement(using: &self)!
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

/// The seed and the number of runs of a randomized suite, from the environment.
public enum FuzzSettings {
    /// `CINEBOOK_FUZZ_SEED` (decimal, or hex with `0x`) when set, else a fresh random seed.
    public static func seed() -> UInt64 {
        let text = ProcessInfo.processInfo.environment["CINEBOOK_FUZZ_SEED"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.lowercased().hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return UInt64(text) ?? UInt64.random(in: .min ... .max)
    }

    /// `CINEBOOK_FUZZ_RUNS` when it is a positive number, else `fallback`.
    public static func runs(default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment["CINEBOOK_FUZZ_RUNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? fallback
    }
}

/// Hostile text: the inputs that break naive parsers and displays.
public enum HostileText {
    /// Short pieces with a history of breaking things. No NUL: some callers pass the
    /// text through argv or C strings, which cannot hold it.
    public static let pieces: [String] = [
        "", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{07}", "\u{1B}[31m", "\u{1B}]0;title\u{07}", "\u{7F}", "\u{85}",
        "\u{9B}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{202E}", "\u{202D}", "\u{2066}",
        "\u{0301}", "e\u{0301}", "A\u{0300}\u{0301}\u{0302}\u{0303}", "Ａ１", "１", "١٢", "०", "Ⅻ", "🎬", "👩‍👩‍👧‍👦", "🇫🇷",
        "\u{FFFD}", "\u{FFFF}", "\u{E000}", "\u{10FFFF}", "İ", "ß", "ﬀ", "Å", "Ω", "%", "%00", "%FF", "%s%n", "{}", "[]",
        "\"", "'", "\\", "\\u0000", "${HOME}", "$(id)", "`id`", "../", "..\\", "*", "?", ",", ";", "=", "&", "#", "-", "--",
        "-1", "0", "1", "007", "1e3", "1.5", "-0", "+1", "0x10", "NaN", "inf", "-inf", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e308", "1e309", "4.9e-324",
        "99999999999999999999999999999999", "true", "null",
    ]

    /// A random hostile string: a piece, a few pieces glued to `around`, or a long run.
    public static func string(_ random: inout SeededRandom, around: String = "A1", allowNewlines: Bool = true) -> String {
        let text: String
        switch random.int(in: 0...9) {
        case 0...3: text = random.pick(pieces)
        case 4...5: text = random.pick(pieces) + around + random.pick(pieces)
        case 6: text = (0..<random.int(in: 2...6)).map { _ in random.pick(pieces) }.joined()
        case 7: text = String(repeating: random.pick(["x", "A", "1", "é", "🎬", "\u{0301}", " "]), count: random.pick([64, 65, 256, 10_000]))
        case 8: text = String((0..<random.int(in: 1...12)).map { _ in Character(scalar(&random)) })
        default: text = around.uppercased() == around ? around.lowercased() : around.uppercased()
        }
        return allowNewlines ? text : text.filter { !$0.isNewline }
    }

    /// A random Unicode scalar other than NUL, from every plane and category.
    public static func scalar(_ random: inout SeededRandom) -> Unicode.Scalar {
        while true {
            let value: UInt32 = switch random.int(in: 0...3) {
            case 0: UInt32(random.int(in: 1...0x7F))
            case 1: UInt32(random.int(in: 0x80...0x7FF))
            case 2: UInt32(random.int(in: 0x800...0xFFFF))
            default: UInt32(random.int(in: 0x10000...0x10FFFF))
            }
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }
}
