import Foundation
import Hummingbird

/// The seat map for browsers: the files of `Web/`, shipped in the package as resources and
/// read once at start. `/` is the list of showtimes, `/showtimes/{id}` a showtime's seat
/// map (one page; its script reads the id from the path), `/web/NAME` the scripts and the
/// style sheet. Each answer carries its ETag, so a browser asks again cheaply.
struct WebPages: Sendable {
    struct File: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let tag: String
    }

    private let files: [String: File]

    /// The files of the package's `Web` folder; nil when the resources are missing (a binary
    /// copied away from its bundle), and then the API runs without the page.
    init?() {
        guard let folder = Bundle.module.url(forResource: "Web", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return nil }
        var files: [String: File] = [:]
        for name in names {
            guard let type = Self.contentTypes[(name as NSString).pathExtension],
                  let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
            else { continue }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: a tag for the content, not a secret
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            files[name] = File(bytes: ByteBuffer(bytes: data), contentType: type, tag: "\"\(String(hash, radix: 16))\"")
        }
        self.files = files
    }

    private static let contentTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png",
    ]

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/") { request, _ in try serve("index.html", request) }
        router.get("showtimes/{id}") { request, _ in try serve("showtime.html", request) }
        router.get("web/{file}") { request, context in try serve(context.parameters.get("file") ?? "", request) }
    }

    private func serve(_ name: String, _ request: Request) throws -> Response {
        guard let file = files[name] else { throw APIError.notFound("There is no file \(name.prefix(80)) in the page.") }
        if request.headers[.ifNoneMatch] == file.tag {
            return Response(status: .notModified, headers: [.eTag: file.tag])
        }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .eTag: file.tag, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: file.bytes))
    }
}
