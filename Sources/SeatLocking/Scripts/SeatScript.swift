import CinebookModel
import RedisClient

/// A Lua script of the core, with its contract spelled once: the names by which its Lua
/// reads its keys and arguments (`ScriptLayout`), the typed input that fills them in
/// (`Input`, built from `SeatKeys`), and the outcome its reply is read into (`Outcome`).
/// The Lua's first lines name `KEYS` and `ARGV` after the layout, so the script's body
/// reads names, never positions, and a caller can no longer send them in another order.
struct SeatScript<Input: ScriptInput, Outcome: ScriptOutcome>: Sendable {
    let layout: ScriptLayout
    /// The Lua after the naming lines: shared functions, then the script's own code.
    let body: String
    let redis: RedisScript
    var name: String { redis.name }

    init(name: String, layout: ScriptLayout, body: String) {
        self.layout = layout
        self.body = body
        redis = RedisScript(name: name, source: layout.lua + body)
    }

    /// What a check of the contract needs, whatever the script's types.
    var contract: ScriptContract { ScriptContract(name: name, layout: layout, body: body) }

    /// The keys and arguments of a call, each in the layout's order.
    func call(_ input: Input) -> (keys: [String], arguments: [String]) {
        let values = input.values
        return (layout.keys.ordered(values.keys, script: name), layout.arguments.ordered(values.arguments, script: name))
    }
}

/// A script's name, layout and Lua, apart from its types.
struct ScriptContract: Sendable {
    let name: String
    let layout: ScriptLayout
    let body: String
}

/// What one call of a script is given, by the names of its layout.
protocol ScriptInput: Sendable {
    var values: ScriptValues { get }
}

/// A script's reply, read once into a type: the service switches on outcomes and never
/// matches a reply's strings or reads it by position.
protocol ScriptOutcome: Sendable {
    init(reading reply: ScriptReply) throws(SeatLockingError)
}

/// The keys and arguments of one call, by name: a single value, or the one list of a part.
struct ScriptValues: Sendable {
    enum Value: Sendable {
        case one(String)
        case list([String])
    }

    var keys: [String: Value]
    var arguments: [String: Value]
}

/// How a script's keys and arguments are laid out.
struct ScriptLayout: Sendable {
    let keys: ScriptSlots
    let arguments: ScriptSlots

    init(keys: ScriptSlots, arguments: ScriptSlots = ScriptSlots()) {
        self.keys = keys
        self.arguments = arguments
    }

    /// `local index, sold = KEYS[1], KEYS[2]` and so on: the lines that name them.
    var lua: String { keys.lua("KEYS") + arguments.lua("ARGV") }
}

/// One part of a layout, keys or arguments: single values in order (`head`), then at most
/// one list of any length, then single values again (`tail`).
struct ScriptSlots: Sendable {
    let head: [String]
    let list: String?
    let tail: [String]

    init(_ head: [String] = [], list: String? = nil, tail: [String] = []) {
        self.head = head
        self.list = list
        self.tail = tail
    }

    /// Every name, in order.
    var names: [String] { head + (list.map { [$0] } ?? []) + tail }

    /// The Lua that names the values of `table` (`KEYS` or `ARGV`).
    func lua(_ table: String) -> String {
        var lines: [String] = []
        if !head.isEmpty {
            lines.append("local \(head.joined(separator: ", ")) = " + head.indices.map { "\(table)[\($0 + 1)]" }.joined(separator: ", "))
        }
        if let list {
            let last = tail.isEmpty ? "#\(table)" : "#\(table) - \(tail.count)"
            lines.append("local \(list) = {unpack(\(table), \(head.count + 1), \(last))}")
        }
        if !tail.isEmpty {
            let positions = tail.indices.map { index in
                let fromEnd = tail.count - 1 - index
                return fromEnd == 0 ? "\(table)[#\(table)]" : "\(table)[#\(table) - \(fromEnd)]"
            }
            lines.append("local \(tail.joined(separator: ", ")) = " + positions.joined(separator: ", "))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The values in this part's order. A name missing or unknown is a bug of the input
    /// type, which every test of the script finds at once.
    func ordered(_ values: [String: ScriptValues.Value], script: String) -> [String] {
        precondition(values.count == names.count, "script \(script) is laid out as \(names), given \(values.keys.sorted())")
        var ordered: [String] = []
        ordered.reserveCapacity(names.count)
        for name in names {
            guard let value = values[name] else { preconditionFailure("script \(script) is not given \(name)") }
            switch value {
            case let .one(value):
                precondition(name != list, "script \(script): \(name) is a list")
                ordered.append(value)
            case let .list(items):
                precondition(name == list, "script \(script): \(name) is a single value")
                ordered += items
            }
        }
        return ordered
    }
}

/// The core's scripts, a file each beside this one: `SeatScripts.lock`, `.unlock`, ….
enum SeatScripts {}
