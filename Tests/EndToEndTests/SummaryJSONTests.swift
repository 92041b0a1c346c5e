import CrawlRuntime
import Foundation
import Testing

/// The run summary's JSON text (`SummaryJSON`): what JSON parsers read back, and its layout.
@Suite struct SummaryJSONTests {
    @Test func layoutIsSortedAndIndented() {
        let value = SummaryJSON.object([
            "b": .array([.int(1), .object(["y": .null, "x": .bool(true)])]),
            "a": .object([:]),
            "c": .array([]),
            "d": .double(3.0),
        ])
        let expected = """
            {
              "a" : {},
              "b" : [
                1,
                {
                  "x" : true,
                  "y" : null
                }
              ],
              "c" : [],
              "d" : 3
            }
            """
        #expect(String(decoding: value.text, as: UTF8.self) == expected)
    }

    @Test func parsersReadBackEveryValue() throws {
        let awkward = "q\"uo\\te / tab\t nl\n cr\r bell\u{7} nul\u{0} é 日本 🙂"
        let value = SummaryJSON.object([
            "string": .string(awkward),
            "int": .int(-42),
            "big": .int(Int.max),
            "half": .double(2.5),
            "sum": .double(0.1 + 0.2),
            "tiny": .double(1e-7),
            "infinite": .double(.infinity),
            "nan": .double(.nan),
            "nothing": .null,
            "no": .bool(false),
            "nested": .object(["127.0.0.1:18080": .object(["records": .int(3)])]),
        ])
        let object = try #require(JSONSerialization.jsonObject(with: Data(value.text)) as? [String: Any])
        #expect(object["string"] as? String == awkward)
        #expect((object["int"] as? NSNumber)?.intValue == -42)
        #expect((object["big"] as? NSNumber)?.int64Value == Int64.max)
        #expect((object["half"] as? NSNumber)?.doubleValue == 2.5)
        // The shortest text that reads back as the same Double (Foundation's parser rounds this one).
        #expect(String(decoding: value.text, as: UTF8.self).contains("\"sum\" : 0.30000000000000004,"))
        #expect(Double("0.30000000000000004") == 0.1 + 0.2)
        #expect((object["tiny"] as? NSNumber)?.doubleValue == 1e-7)
        // JSON has no infinity or NaN: they are written as null rather than failing the file.
        #expect(object["infinite"] is NSNull)
        #expect(object["nan"] is NSNull)
        #expect(object["nothing"] is NSNull)
        #expect((object["no"] as? NSNumber)?.boolValue == false)
        let hosts = try #require(object["nested"] as? [String: Any])
        #expect(((hosts["127.0.0.1:18080"] as? [String: Any])?["records"] as? NSNumber)?.intValue == 3)
        // One line per member: control characters never reach the text unescaped.
        #expect(!value.text.contains(0x00) && !value.text.contains(0x07))
    }
}
