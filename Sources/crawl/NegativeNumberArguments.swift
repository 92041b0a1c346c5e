/// Joins `--flag -1` into `--flag=-1` before argument-parser sees the arguments.
///
/// argument-parser reads a word that starts with `-` as an option, so `--host-rate -1` failed with
/// "Missing value for '--host-rate <rate>'", which hides the real mistake. Joined, the value reaches
/// the option's own check, which names the allowed range. Only a word that looks like a negative
/// number (`-` then a digit or `.`) is joined, only after a long option without `=`, and nothing after
/// a bare `--`. crawl has no flag that takes no value and could be followed by such a word.
enum NegativeNumberArguments {
    static func joined(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                result += arguments[index...]
                break
            }
            if index + 1 < arguments.count, isLongOptionWithoutValue(word), looksNegative(arguments[index + 1]) {
                result.append(word + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(word)
            index += 1
        }
        return result
    }

    private static func isLongOptionWithoutValue(_ word: String) -> Bool {
        word.hasPrefix("--") && word.count > 2 && !word.contains("=")
    }

    private static func looksNegative(_ word: String) -> Bool {
        let bytes = Array(word.utf8.prefix(2))
        guard bytes.count == 2, bytes[0] == UInt8(ascii: "-") else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[1]) || bytes[1] == UInt8(ascii: ".")
    }
}
