import CinebookModel
import Foundation
import SeatLocking

/// The crash tests' way in, in debug builds only: `CINEBOOK_TEST_CRASH_AFTER=claimed`
/// (`committed`, `sold`) kills a booking's process after that step, and
/// `CINEBOOK_TEST_BOOKING_WINDOW` (seconds) shortens the booking window, so that the
/// claims a killed booking leaves behind pass their deadline soon. A release build reads
/// neither and has no crash point.
enum CrashPoints {
    static var policy: LockPolicy {
        #if CINEBOOK_CRASH_POINTS
        if let seconds = ProcessInfo.processInfo.environment["CINEBOOK_TEST_BOOKING_WINDOW"].flatMap(Int64.init) {
            return LockPolicy(bookingWindow: .seconds(seconds))
        }
        #endif
        return LockPolicy()
    }

    static func arm(_ service: inout SeatLockingService) {
        #if CINEBOOK_CRASH_POINTS
        service.crashAfter = ProcessInfo.processInfo.environment["CINEBOOK_TEST_CRASH_AFTER"].flatMap(BookingStep.init)
        #endif
    }
}
