import Foundation

/// This checkout, found from this file's place in it (`Tests/TestSupport/`).
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
