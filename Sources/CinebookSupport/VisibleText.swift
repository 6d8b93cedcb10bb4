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
}
