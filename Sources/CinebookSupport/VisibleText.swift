/// Text as people typed it, made safe and tidy to show or to compare.
extension String {
    /// The text with every invisible or control character written as `\u{1B}`, so that
    /// input echoed in a message can neither hide part of itself nor drive the terminal.
    public var escapingInvisibles: String {
        guard unicodeScalars.contains(where: \.isInvisible) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            if scalar.isInvisible {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The text without the spaces and tabs around it, as `CharacterSet.whitespaces`
    /// trims, in pure Swift: text with nothing to trim is returned as it is, without a
    /// copy through Foundation (it runs on every request).
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isSpaceOrTab }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isSpaceOrTab })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }

    /// Input echoed in a message: at most 20 characters, invisible ones escaped.
    public var quotable: String {
        let visible = escapingInvisibles
        return visible.count > 20 ? visible.prefix(20) + "…" : visible
    }
}

extension Unicode.Scalar {
    /// Control characters and characters that show nothing (format, separators,
    /// unassigned, private use), which have no place in a name or a quoted input.
    public var isInvisible: Bool {
        if value < 0x80 { return value < 0x20 || value == 0x7F }
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse: return true
        default: return false
        }
    }

    /// A space separator (such as U+0020 or U+00A0) or a tab.
    public var isSpaceOrTab: Bool {
        if value < 0x80 { return value == 0x20 || value == 0x09 }
        return properties.generalCategory == .spaceSeparator
    }
}
