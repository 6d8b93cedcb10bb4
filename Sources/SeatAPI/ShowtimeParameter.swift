import Hummingbird
import SeatLocking

extension APIRequestContext {
    /// The `{id}` of the path: a positive whole number (400 otherwise) naming a showtime
    /// of the catalog (404 otherwise).
    func showtimeID(in catalog: Catalog) throws(APIError) -> Int {
        let text = parameters.get("id") ?? ""
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let id = Int(text), id > 0
        else {
            throw .badRequest("The showtime id must be a positive whole number, not '\(text.quotable)'.")
        }
        guard catalog.showtime(id) != nil else { throw APIError(SeatLockingError.unknownShowtime(id)) }
        return id
    }

    /// Input echoed in a message: short and printable.
}
