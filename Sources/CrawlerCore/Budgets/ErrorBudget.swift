/// Counts request outcomes against the error budgets. A pure value, updated under the crawl's lock.
struct ErrorBudget {
    enum Verdict: Equatable {
        case withinBudget
        /// The host failed `hostMaxErrors` times in a row.
        case hostSpent(String)
        /// The crawl's budget is spent; the text says which one.
        case crawlSpent(String)
    }

    let settings: ErrorBudgetSettings
    private var consecutiveByHost: [String: Int] = [:]
    private(set) var attempts = 0
    private(set) var failures = 0
    /// The last `errorWindow` attempts, as a ring (true = failed).
    private var window: [Bool]
    private var windowNext = 0
    private(set) var windowCount = 0
    private(set) var windowFailures = 0
    private var crawlSpent = false

    init(settings: ErrorBudgetSettings) {
        self.settings = settings
        window = Array(repeating: false, count: settings.errorWindow)
    }

    var windowRate: Double { windowCount == 0 ? 0 : Double(windowFailures) / Double(windowCount) }

    /// Records one attempt's outcome for `host`.
    mutating func record(host: String, failed: Bool) -> Verdict {
        attempts += 1
        if windowCount == window.count {
            if window[windowNext] { windowFailures -= 1 }
        } else {
            windowCount += 1
        }
        window[windowNext] = failed
        if failed { windowFailures += 1 }
        windowNext = (windowNext + 1) % window.count

        if failed {
            failures += 1
            consecutiveByHost[host, default: 0] += 1
        } else {
            consecutiveByHost[host] = nil  // only hosts in a failing streak are remembered
        }
        if !crawlSpent {
            if let maxErrors = settings.maxErrors, failures >= maxErrors {
                crawlSpent = true
                return .crawlSpent("\(failures) failures reached --max-errors \(maxErrors)")
            }
            if let maxRate = settings.maxErrorRate, windowCount == window.count, windowRate >= maxRate {
                crawlSpent = true
                return .crawlSpent(String(format: "%d of the last %d attempts failed (--max-error-rate %g)",
                                          windowFailures, windowCount, maxRate))
            }
        }
        if failed, let hostMax = settings.hostMaxErrors, consecutiveByHost[host] == hostMax {
            return .hostSpent(host)
        }
        return .withinBudget
    }

    /// Forgets a host's streak (it was cancelled).
    mutating func forget(host: String) {
        consecutiveByHost[host] = nil
    }
}

import Foundation
