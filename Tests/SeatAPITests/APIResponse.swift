import Foundation
import Hummingbird
import HummingbirdTesting

/// A response, with its body as text and as a JSON object.
struct APIResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    init(_ response: TestResponse) {
        status = response.status.code
        headers = response.headers
        text = String(buffer: response.body)
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The `error` code of a failure.
    var error: String? { json["error"] as? String }

    /// True for a JSON error body of the common shape `{"ok": false, "error", "message"}`.
    var isFailureJSON: Bool {
        json["ok"] as? Bool == false && json["error"] is String && json["message"] is String
            && headers[.contentType]?.hasPrefix("application/json") == true
    }
}
