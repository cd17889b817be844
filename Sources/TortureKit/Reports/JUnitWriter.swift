import Foundation

/// `JUnitReport` as XML text, written atomically.
public enum JUnitWriter {
    public static func write(_ report: JUnitReport, to path: String) throws {
        // The CLI refused a missing folder before the run: nothing here makes one.
        try render(report).write(toFile: path, atomically: true, encoding: .utf8)
    }

    public static func render(_ report: JUnitReport) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        lines.append("<testsuites name=\"\(escape(report.name))\" tests=\"\(report.tests)\" failures=\"\(report.failures)\" "
            + "errors=\"\(report.errors)\" time=\"\(seconds(report.seconds))\">")
        for suite in report.suites {
            var attributes = "name=\"\(escape(suite.name))\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\" "
                + "errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\" time=\"\(seconds(suite.seconds))\""
            if let timestamp = suite.timestamp { attributes += " timestamp=\"\(escape(timestamp))\"" }
            lines.append("  <testsuite \(attributes)>")
            for testCase in suite.cases {
                let open = "    <testcase classname=\"\(escape(testCase.classname))\" name=\"\(escape(testCase.name))\" time=\"\(seconds(testCase.seconds))\""
                let children = problem("failure", testCase.failure) + problem("error", testCase.error)
                    + (testCase.skipped.map { ["      <skipped message=\"\(escape($0))\"/>"] } ?? [])
                    + (testCase.systemOut.map { ["      <system-out>\(escape($0))</system-out>"] } ?? [])
                if children.isEmpty {
                    lines.append(open + "/>")
                } else {
                    lines.append(open + ">")
                    lines += children
                    lines.append("    </testcase>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func problem(_ element: String, _ problem: JUnitReport.Problem?) -> [String] {
        guard let problem else { return [] }
        return ["      <\(element) message=\"\(escape(problem.message))\" type=\"\(escape(problem.type))\">\(escape(problem.text))</\(element)>"]
    }

    static func seconds(_ value: Double) -> String {
        Formatting.decimal(max(0, value), places: 3)
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
