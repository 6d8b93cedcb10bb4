import CinebookModel
import Foundation
import HTTPTypes
import SeatAPI
import Testing
import TestSupport

/// The browser seat map's files, its security headers, the development sign-in and the
/// beacon that lets a closing page's seats go.
@Suite struct WebPageTests {
    @Test func thePagesAndTheirScriptsAreServedWithAPolicyThatAllowsNoInlineScript() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            for (path, type) in [("/", "text/html"), ("/showtimes/\(api.id)", "text/html"), ("/web/seatmap.js", "text/javascript"),
                                 ("/web/cinebook.css", "text/css")] {
                let page = try await client.send(.get, path)
                #expect(page.status == 200, "\(path)")
                #expect(page.headers[.contentType]?.hasPrefix(type) == true, "\(path): \(page.headers[.contentType] ?? "")")
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                let tag = try #require(page.headers[.eTag])
                #expect(try await client.send(.get, path, headers: [.ifNoneMatch: tag]).status == 304, "asked again cheaply")
            }
            // Every script tag of every page loads a file: none carries code of its own, and no
            // element has an inline handler.
            for path in ["/", "/showtimes/\(api.id)"] {
                let html = try await client.send(.get, path).text
                let scripts = html.components(separatedBy: "<script").dropFirst()
                #expect(!scripts.isEmpty)
                for script in scripts {
                    let tag = script.prefix { $0 != ">" }
                    #expect(tag.contains("src=\"/web/"), "\(tag)")
                    #expect(script.dropFirst(tag.count + 1).hasPrefix("</script>"), "an empty script element")
                }
                #expect(html.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "no inline event handler")
                #expect(!html.contains("style=\""), "no inline style")
            }
            #expect(try await client.send(.get, "/web/nothing.js").status == 404)
            #expect(try await client.send(.get, "/web/..%2F..%2FPackage.swift").status == 404)
            // The API's answers carry the headers too.
            #expect(try await client.send(.get, "/api/v1/showtimes").headers[.contentSecurityPolicy] != nil)
        }
    }

    @Test func theSignInFormExistsOnlyOnADevelopmentServerAndMintsAShortLivedToken() async throws {
        let production = try await APIHarness.make()
        try await production.run { (client: APIClient) async throws in
            #expect(try await client.send(.get, "/api/v1/dev/tokens").status == 404)
            #expect(try await client.send(.post, "/api/v1/dev/tokens", json: #"{"name": "eve"}"#).status == 404)
        }
        let development = try await APIHarness.make { $0.devSignIn = true }
        try await development.run { client in
            #expect(try await client.send(.get, "/api/v1/dev/tokens").status == 204)
            let signedIn = try await client.send(.post, "/api/v1/dev/tokens", json: #"{"name": "eve"}"#)
            #expect(signedIn.status == 201, "\(signedIn.text)")
            let token = try #require(signedIn.json["token"] as? String)
            let bearer = try await development.tokens.verify(token)
            #expect(bearer.user == "eve")
            #expect(bearer.expires.timeIntervalSinceNow <= 3601 && bearer.expires.timeIntervalSinceNow > 3500, "an hour")
            let status = try await client.send(.get, "/api/v1/showtimes/\(development.id)/seats/status", headers: [.authorization: "Bearer \(token)"])
            #expect(status.status == 200 && status.json["viewer"] as? String == "eve")
            for bad in [#"{"name": ""}"#, #"{"name": "a b\u0007"}"#, #"{"nom": "x"}"#] {
                let refused = try await client.send(.post, "/api/v1/dev/tokens", json: bad)
                #expect(refused.status == 422, "\(bad): \(refused.text)")
            }
            #expect(try await client.send(.post, "/api/v1/dev/tokens", json: "{").status == 400)
        }
    }

    /// A beacon (text/plain, the token in the body) releases the caller's seats and leaves
    /// anyone else's alone; a bad token releases nothing.
    @Test func aClosingPagesBeaconReleasesOnlyItsOwnSeats() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let fay = TestUsers.unique("fay")
            let gus = TestUsers.unique("gus")
            #expect(try await client.lock(["A1", "A2"], showtime: api.id, as: fay).status == 200)
            #expect(try await client.lock(["A3"], showtime: api.id, as: gus).status == 200)
            let path = "/api/v1/showtimes/\(api.id)/seats/release"
            let forged = try await client.send(
                .post, path, json: #"{"token": "forged", "seats": ["A1", "A2"]}"#, headers: [.contentType: "text/plain;charset=UTF-8"])
            #expect(forged.status == 401)
            let token = try await client.token(fay)
            let beacon = try await client.send(
                .post, path, json: #"{"token": "\#(token)", "seats": ["A1", "A2", "A3"]}"#, headers: [.contentType: "text/plain;charset=UTF-8"])
            #expect(beacon.status == 200, "\(beacon.text)")
            #expect(beacon.json["released"] as? [String] == ["A1", "A2"])
            let states = try await client.states(showtime: api.id, as: gus)
            #expect(states["A1"] == "available" && states["A2"] == "available" && states["A3"] == "selected", "\(states)")
            #expect(try await client.send(.post, path, json: "not json", headers: [.contentType: "text/plain"]).status == 400)
        }
    }
}
