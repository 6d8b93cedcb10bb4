import CinebookSupport

extension String {
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
    /// A space separator (such as U+0020 or U+00A0) or a tab.
    var isSpaceOrTab: Bool {
        if value < 0x80 { return value == 0x20 || value == 0x09 }
        return properties.generalCategory == .spaceSeparator
    }
}
