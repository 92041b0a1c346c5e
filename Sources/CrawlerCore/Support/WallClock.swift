import Foundation

/// The one place the core reads the system's calendar clock.
enum WallClock {
    static func secondsSince1970() -> Double {
        Date().timeIntervalSince1970
    }
}
