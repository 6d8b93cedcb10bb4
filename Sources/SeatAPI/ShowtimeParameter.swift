import CinebookModel
import Hummingbird
import SeatLocking

extension APIRequestContext {
    /// The `{id}` of the path: a positive whole number (400 otherwise) naming a showtime
    /// of the catalog (404 otherwise).
    func showtimeID(in catalog: Catalog) throws(APIError) -> Int {
        let id = Int(try positiveNumber("id", naming: "showtime"))
        guard catalog.showtime(id) != nil else { throw APIError(SeatLockingError.unknownShowtime(id)) }
        return id
    }

    /// The `{booking}` of the path: a positive whole number (400 otherwise).
    func bookingID() throws(APIError) -> Int64 {
        try positiveNumber("booking", naming: "booking")
    }

    private func positiveNumber(_ parameter: String, naming thing: String) throws(APIError) -> Int64 {
        let text = parameters.get(parameter) ?? ""
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let id = Int64(text), id > 0
        else {
            throw .badRequest("The \(thing) id must be a positive whole number, not '\(text.quotable)'.")
        }
        return id
    }
}
