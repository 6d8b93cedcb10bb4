import CinebookModel
import Foundation
import HTTPTypes
import Hummingbird
import SeatRecords
import SeatRecordsPostgres
import Testing
import TestSupport

/// `Idempotency-Key` with Stripe's rules, and a booking whose answer was lost, retried.
@Suite struct IdempotencyTests {
    @Test func theSameKeyAndRequestGetTheFirstAnswerAndAnotherRequestA422() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
            let lockPath = "/api/v1/showtimes/\(api.id)/seats/lock"
            let first = try await client.send(.post, lockPath, as: alice, json: #"{"seats":["A1"]}"#, headers: key)
            #expect(first.status == 200)
            let again = try await client.send(.post, lockPath, as: alice, json: #"{"seats":["A1"]}"#, headers: key)
            #expect(again.status == 200)
            #expect(again.text == first.text, "the first answer, expiry and all")
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")

            let other = try await client.send(.post, lockPath, as: alice, json: #"{"seats":["A2"]}"#, headers: key)
            #expect(other.status == 422)
            #expect(other.isFailureJSON)
            let bob = TestUsers.unique("bob")
            #expect(try await client.send(.post, lockPath, as: bob, json: #"{"seats":["A2"]}"#, headers: key).status == 200,
                "keys are per user")

            let bookPath = "/api/v1/showtimes/\(api.id)/bookings"
            let bookKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
            let booked = try await client.send(.post, bookPath, as: alice, json: #"{"seats":["A1"]}"#, headers: bookKey)
            #expect(booked.status == 201)
            let rebooked = try await client.send(.post, bookPath, as: alice, json: #"{"seats":["A1"]}"#, headers: bookKey)
            #expect(rebooked.status == 201)
            #expect(rebooked.json["booking_id"] as? Int == booked.json["booking_id"] as? Int)
            let bad: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "has space"]
            #expect(try await client.send(.post, lockPath, as: alice, json: #"{"seats":["A3"]}"#, headers: bad).status == 400)
        }
    }

    @Test func aBookingWhoseCommitWasNeverConfirmedIsRetriedWithTheSameKeyAndAnswersTheBooking() async throws {
        try await FaultyPostgres.exclusive { database, url in
            // The schema first, with time to spare on a busy machine; then the 3 s the fault is timed by.
            await (try await Records.open(url, timeout: .seconds(30), seed: { [] })).close()
            let records = try await Records.open(url, timeout: .seconds(3), seed: { [] })
            let api = try await APIHarness.make(records: records)
            try await api.run { client in
                let alice = TestUsers.unique("alice")
                #expect(try await client.lock(["B2", "B3"], showtime: api.id, as: alice).status == 200)
                let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
                let path = "/api/v1/showtimes/\(api.id)/bookings"

                try await offThePool { try database.holdCommits() }
                let unknown = try await client.send(.post, path, as: alice, json: #"{"seats":["B2","B3"]}"#, headers: key)
                try await offThePool { try database.confirmCommits() }
                #expect(unknown.status == 503)
                #expect(unknown.error == "outcome_unknown", "\(unknown.text)")

                var retry: APIResponse?
                _ = try await eventually(timeout: .seconds(10)) {
                    retry = try await client.send(.post, path, as: alice, json: #"{"seats":["B2","B3"]}"#, headers: key)
                    return retry?.status == 201
                }
                #expect(retry?.status == 201, "\(retry?.text ?? "")")
                let id = retry?.json["booking_id"] as? Int
                // Read back through a patient connection of its own: the server's 3 s is for the fault, not for a loaded machine.
                let check = try await Records.open(url, timeout: .seconds(30), seed: { [] })
                #expect(try await check.bookings(showtime: api.id, user: nil).map { Int($0.id) } == [id].compactMap { $0 }, "one booking")
                await check.close()
            }
            await records.close()
        }
    }
}
