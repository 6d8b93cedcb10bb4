#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The process's limit on open files, which bounds its connections: every event stream
/// is a socket. Shells often start programs with a soft limit of 1,024 under a hard limit
/// many times that; a server (or a load tool) raises its soft limit to the hard one.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit and returns the limit now in force.
    @discardableResult
    public static func raise() -> Int {
        #if canImport(Glibc)
        let files = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let files = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(files, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(files, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }

    /// Descriptors kept for everything but event streams: Redis, the database, logs,
    /// ordinary requests.
    public static let reserve = 512
}
