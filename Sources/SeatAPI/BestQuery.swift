import Hummingbird
import SeatLocking

/// The query of `GET .../seats/best`, read into a wish; every bad value gets 422 with a
/// message that names it.
enum BestQuery {
    static func wish(from request: Request, layout: SeatLayout, showtime: Int, maximum: Int) throws -> SeatWish {
        let query = request.uri.queryParameters
        guard let text = query.get("count") else {
            throw APIError.unprocessable("Say how many seats with ?count=N (1 to \(maximum)).")
        }
        guard text.utf8.count <= 3, let count = Int(String(text)), (1...maximum).contains(count) else {
            throw APIError.unprocessable("count must be a whole number from 1 to \(maximum).")
        }
        var category: SeatCategory?
        if let text = query.get("category") {
            guard let parsed = SeatCategory(rawValue: text.lowercased()), parsed != SeatCategory.wheelchair else {
                throw APIError.unprocessable("category must be standard or premium; ask for a wheelchair place with wheelchair=true.")
            }
            category = parsed
        }
        var wheelchair = false
        if let text = query.get("wheelchair") {
            guard let flag = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
                throw APIError.unprocessable("wheelchair must be true or false.")
            }
            wheelchair = flag
        }
        var near: [Seat] = []
        if let list = query.get("near"), !list.isEmpty {
            let texts = list.split(separator: ",", omittingEmptySubsequences: false)
            guard texts.count <= maximum else { throw APIError.unprocessable("near names at most \(maximum) seats.") }
            for text in texts {
                guard let code = SeatCode.normalize(String(text)) else {
                    throw APIError.unprocessable("near must list seat codes such as A1,A2.")
                }
                guard let seat = layout.seat(code) else { throw APIError(SeatLockingError.unknownSeats([code], showtime: showtime)) }
                near.append(seat)
            }
        }
        return SeatWish(count: count, near: near, category: category, wheelchair: wheelchair)
    }
}
