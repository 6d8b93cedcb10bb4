import CinebookSupport
import Foundation

/// Finds the directory of showtime files.
enum FixtureDirectory {
    /// `--fixtures`, else `$CINEBOOK_FIXTURES`, else a `Fixtures` folder beside the
    /// executable or above it (a checkout's `.build/<config>/cinebook`), else in the
    /// current directory.
    static func locate(explicit: String?) throws(StartupError) -> URL {
        if let path = explicit ?? ProcessInfo.processInfo.environment["CINEBOOK_FIXTURES"] {
            let url = URL(fileURLWithPath: path)
            guard isDirectory(url) else {
                throw StartupError(.invalidFixture, message: "The fixtures directory \(path.escapingInvisibles) does not exist.")
            }
            return url
        }
        for candidate in candidates() where isDirectory(candidate) { return candidate }
        throw StartupError(.invalidFixture,
            message: "No Fixtures directory found; pass --fixtures DIR or set CINEBOOK_FIXTURES.")
    }

    private static func candidates() -> [URL] {
        var result: [URL] = []
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            result.append(directory.appendingPathComponent("Fixtures"))
            directory.deleteLastPathComponent()
        }
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Fixtures"))
        return result
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
