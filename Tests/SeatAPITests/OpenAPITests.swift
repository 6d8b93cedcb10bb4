import Foundation
import Testing
import TestSupport

/// `Sources/SeatAPI/openapi.yaml` describes exactly the routes the router serves.
@Suite struct OpenAPITests {
    static let specification = Repository.root.appendingPathComponent("Sources/SeatAPI/openapi.yaml")

    @Test func everyRouteIsDescribedAndEveryDescribedRouteExists() async throws {
        // The development sign-in is served too, as `serve --dev` serves it.
        let api = try await APIHarness.make { $0.devSignIn = true }
        defer { api.redis.close() }
        let served = Set(api.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let described = Set(try Self.operations())
        #expect(!served.isEmpty)
        #expect(served.subtracting(described).isEmpty, "routes missing from openapi.yaml: \(served.subtracting(described).sorted())")
        #expect(described.subtracting(served).isEmpty, "described but not served: \(described.subtracting(served).sorted())")
    }

    @Test func theSpecificationIsOpenAPI3WithTheSharedErrorShape() throws {
        let text = try String(contentsOf: Self.specification, encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3."))
        for code in ["invalid_request", "unknown_showtime", "seats_unavailable", "not_lock_owner", "lock_expired", "rate_limited", "redis_unavailable"] {
            #expect(text.contains("- \(code)"), "error code \(code) is listed")
        }
    }

    /// "METHOD /path" for each operation under `paths:`. The file keeps one layout: paths
    /// indented by two spaces, their operations by four.
    static func operations() throws -> [String] {
        let lines = try String(contentsOf: specification, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var operations: [String] = []
        var inPaths = false
        var path: String?
        for line in lines {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if methods.contains(String(key)) { operations.append("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }
}
