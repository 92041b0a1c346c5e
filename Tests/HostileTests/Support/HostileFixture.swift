import Foundation

/// A JSON value of the scenario file (its `expect` objects mix numbers, strings and booleans).
enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    subscript(key: String) -> JSONValue? { if case .object(let o) = self { return o[key] } else { return nil } }
}

/// `Fixtures/hostile_cases.json`: the scenarios, their test-scale config and expectations.
struct HostileFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        var id: String
        var category: String
        var name: String
        var server: String
        var expect: [String: JSONValue]

        /// `expect[key]` as a number (e.g. `wall_s_max`, `server_requests_for_path_max`).
        func number(_ key: String) -> Double? { expect[key]?.number }
        func int(_ key: String) -> Int? { number(key).map { Int($0) } }
        var outcome: String? { expect["outcome"]?.string }
        var wallMax: Duration? { number("wall_s_max").map { .milliseconds(Int($0 * 1000)) } }
    }

    var config: [String: JSONValue]
    var count: Int
    var cases: [Case]

    /// Loaded once from the test bundle.
    static let shared: HostileFixture = {
        do {
            guard let url = Bundle.module.url(forResource: "hostile_cases", withExtension: "json", subdirectory: "Fixtures") else {
                return HostileFixture(config: [:], count: -1, cases: [])
            }
            return try JSONDecoder().decode(HostileFixture.self, from: Data(contentsOf: url))
        } catch {
            return HostileFixture(config: [:], count: -1, cases: [])
        }
    }()

    static func scenario(_ id: String) -> Case? { shared.cases.first { $0.id == id } }

    /// A config knob (`max_redirects`, `connect_timeout_s`, ...).
    static func knob(_ key: String) -> Double? { shared.config[key]?.number }
}
