import Foundation
import GRDB

/// Another process's long write on an SQLite file, as a cron job or a backup would hold
/// it: an exclusive transaction on a connection of its own, on a thread of its own, until
/// `release()`.
public final class SQLiteBlocker: Sendable {
    private let locked = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public init(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        Thread.detachNewThread { [locked, released, finished] in
            try? queue.inDatabase { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                released.wait()
                try db.execute(sql: "ROLLBACK")
            }
            finished.signal()
        }
        locked.wait()
    }

    public func release() {
        released.signal()
        finished.wait()
    }
}
