import CinebookModel
import CinebookWire
import Hummingbird
import SeatLocking

/// JSON answers, encoded exactly as the command line's `--json` prints them.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: SeatLockingJSON.encodedBytes(value))))
    }
}
