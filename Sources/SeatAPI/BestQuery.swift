import CinebookModel
import Hummingbird
import SeatLocking

/// What best available is asked for (`GET .../seats/best`, `POST` which holds the best, and
/// the socket's `best`), read into a wish; every bad value gets 422 with a message that names it.
enum BestQuery {
    /// From the query: `?count=N[&category=…][&wheelchair=true][&near=A1,A2]`.
    static func wish(from request: Request, showtime: Int, service: SeatLockingService) throws -> SeatWish {
        let query = request.uri.queryParameters
        var wheelchair = false
        if let text = query.get("wheelchair") {
            guard let flag = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
                throw APIError.unprocessable("wheelchair must be true or false.")
            }
            wheelchair = flag
        }
        let count: Int?? = query.get("count").map { text -> Int? in text.utf8.count <= 3 ? Int(String(text)) : nil }
        return try wish(
            count: count, category: query.get("category").map { String($0) }, wheelchair: wheelchair, near: request.queryList("near"),
            showtime: showtime, service: service)
    }

    /// `count` nil when not given, `.some(nil)` when given but not a number.
    static func wish(
        count: Int??, category: String?, wheelchair: Bool, near: [String], showtime: Int, service: SeatLockingService
    ) throws -> SeatWish {
        let maximum = service.policy.maximumSeatsPerUser
        guard let count else { throw APIError.unprocessable("Say how many seats with count=N (1 to \(maximum)).") }
        guard let count, (1...maximum).contains(count) else {
            throw APIError.unprocessable("count must be a whole number from 1 to \(maximum).")
        }
        var parsed: SeatCategory?
        if let category {
            guard let named = SeatCategory(rawValue: category.lowercased()), named != SeatCategory.wheelchair else {
                throw APIError.unprocessable("category must be standard or premium; ask for a wheelchair place with wheelchair=true.")
            }
            parsed = named
        }
        return try service.wish(count: count, near: service.seatCodes(near), category: parsed, wheelchair: wheelchair, showtime: showtime)
    }

    /// `ttl_seconds` of a hold of the best seats, if given (the core checks its range).
    static func ttl(from request: Request) throws -> Duration? {
        guard let text = request.uri.queryParameters.get("ttl_seconds") else { return nil }
        guard text.utf8.count <= 6, let seconds = Int(String(text)) else {
            throw APIError.unprocessable("ttl_seconds must be a whole number of seconds.")
        }
        return .seconds(seconds)
    }
}
