import Hummingbird
import Synchronization

/// The server's routes by path pattern, so that a request for a path that exists with
/// another method is answered 405 with `Allow`, not 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    /// Takes the router's routes, once they are all added.
    func fill(from router: Router<APIRequestContext>) {
        let found = router.routes.map { (method: $0.method.rawValue, segments: Self.segments(of: $0.path.description)) }
        routes.withLock { $0 = found }
    }

    /// The methods a path is served with, in the order the routes were added.
    func methods(for path: String) -> [String] {
        let wanted = Self.segments(of: path)
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == wanted.count && zip(route.segments, wanted).allSatisfy { pattern, segment in
                    pattern.first == "{" ? !segment.isEmpty : pattern == segment
                }
            }.map(\.method)
        }
        var seen = Set<String>()
        return matching.filter { seen.insert($0).inserted }
    }

    private static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
