import Foundation
import Testing
@testable import TortureKit

/// The loader's bounds, at their edges: a file just inside each limit is composed, one just past
/// it is refused there, before any more is read; and the catalogue is far inside all of them.
@Suite struct ScenarioInputBoundsTests {
    func failure(_ body: () throws(ScenarioError) -> Void) -> ScenarioError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    func composeError(_ text: String) -> ScenarioError? {
        failure { () throws(ScenarioError) in _ = try ScenarioYAML.compose(text, file: "f.yaml") }
    }

    func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    }

    @Test func nestingStopsAtTheLimit() throws {
        #expect(composeError(nested(ScenarioInputLimits.depth)) == nil)
        let failure = try #require(composeError(nested(ScenarioInputLimits.depth + 1)))
        #expect(failure.line == 1 && failure.column == ScenarioInputLimits.depth + 1)
        #expect(failure.message.contains("nested more than 32 deep"))
    }

    @Test func aScalarStopsAtTheLimit() throws {
        let longest = String(repeating: "a", count: ScenarioInputLimits.scalarBytes)
        #expect(composeError("k: \(longest)\n") == nil)
        let failure = try #require(composeError("k: x\nl: \(longest)b\n"))
        #expect(failure.line == 2 && failure.column == 4)
        #expect(failure.message.contains("this value is 65537 bytes"))
    }

    /// A list of n scalars is n + 1 nodes.
    @Test func nodesStopAtTheLimit() throws {
        func list(_ count: Int) -> String { "[" + Array(repeating: "1", count: count).joined(separator: ",") + "]\n" }
        #expect(composeError(list(ScenarioInputLimits.nodes - 1)) == nil)
        let failure = try #require(composeError(list(ScenarioInputLimits.nodes)))
        #expect(failure.message.contains("more than 50000 values"))
        #expect(failure.column == 2 * ScenarioInputLimits.nodes)  // the last scalar: the one too many
    }

    /// Refused at the first alias, whatever it would have expanded to: the anchor alone is fine.
    @Test func anAliasIsRefusedWhereItStands() throws {
        #expect(composeError("a: &x [1, 2]\nb: 3\n") == nil)
        let failure = try #require(composeError("a: &x [1, 2]\nb: [4, *x]\n"))
        #expect(failure == ScenarioError(file: "f.yaml", line: 2, column: 8,
                                         message: "YAML aliases are not supported (`*x`); write the value out (or use `extends:`)"))
    }

    @Test func textIsCheckedByteByByte() throws {
        func problem(_ bytes: [UInt8]) -> ScenarioText.Problem? { bytes.withUnsafeBufferPointer(ScenarioText.firstProblem) }
        #expect(problem(Array("é 😀 tab\there\r\nline".utf8)) == nil)
        #expect(problem([0x61, 0x0A, 0x62, 0x7F])?.offset == 3)
        #expect(problem([0x61, 0x0A, 0x62, 0x7F])?.line == 2)
        #expect(problem([0x61, 0x0A, 0x62, 0x7F])?.isControl == true)
        #expect(problem([0xC0, 0xAF])?.offset == 0)  // an overlong `/`
        #expect(problem([0x61, 0xED, 0xA0, 0x80])?.offset == 1)  // a surrogate
        #expect(problem([0x61, 0x62, 0xE2, 0x82])?.offset == 2)  // cut short at the end
        #expect(problem([0xF4, 0x90, 0x80, 0x80])?.offset == 0)  // past U+10FFFF
        #expect(problem([0x61, 0x80])?.isControl == false)  // a continuation byte alone
    }

    @Test func aFileIsReadOnlyUpToTheLimit() throws {
        let refusal = try #require(failure { () throws(ScenarioError) in _ = try ScenarioText.read(path: "/dev/zero") })
        #expect(refusal.message == "the file is more than 1048576 bytes; a scenario file is at most 1048576 bytes (1 MiB)")
    }

    @Test func anExtendsChainStopsAtTheLimit() throws {
        let count = ScenarioInputLimits.extendsChain + 1
        let texts = (0..<count).map { index in
            index == count - 1 ? ScenarioLoaderTests.valid.replacingOccurrences(of: "name: tiny", with: "name: c\(index)")
                : "name: c\(index)\ndescription: d\nextends: c\(index + 1)\n"
        }
        let sources = ScenarioSources(find: { name, _ in
            Int(name.dropFirst()).map { ("\(name).yaml", texts[$0]) }
        }, known: { _ in [] })
        #expect(failure { () throws(ScenarioError) in _ = try ScenarioLoader.parse(texts[1], file: "c1.yaml", sources: sources) } == nil)
        let refusal = try #require(failure { () throws(ScenarioError) in
            _ = try ScenarioLoader.parse(texts[0], file: "c0.yaml", sources: sources)
        })
        #expect(refusal.file == "c7.yaml" && refusal.line == 3)
        #expect(refusal.message.contains("makes a chain of more than 8 scenarios"))
    }

    /// The limits are for hostile files: every shipped scenario is a tenth of each or less.
    @Test func theCatalogueIsFarInsideEveryLimit() throws {
        for path in BuiltInScenarios.paths {
            let text = try #require(BuiltInScenarios.text(atPath: path))
            let root = try #require(try ScenarioYAML.compose(text, file: path))
            let shape = Shape(root)
            #expect(text.utf8.count * 10 <= ScenarioInputLimits.fileBytes, "\(path)")
            #expect(shape.nodes * 10 <= ScenarioInputLimits.nodes, "\(path): \(shape.nodes) nodes")
            #expect(shape.depth * 3 <= ScenarioInputLimits.depth, "\(path): \(shape.depth) deep")
            #expect(shape.longestScalar * 10 <= ScenarioInputLimits.scalarBytes, "\(path): \(shape.longestScalar) bytes")
            #expect(shape.longestList * 10 <= ScenarioInputLimits.listEntries, "\(path): \(shape.longestList) entries")
        }
    }

    struct Shape {
        var nodes = 0
        var depth = 0
        var longestScalar = 0
        var longestList = 0

        init(_ node: ScenarioNode) { visit(node, at: 0) }

        private mutating func visit(_ node: ScenarioNode, at level: Int) {
            nodes += 1
            switch node.kind {
            case .scalar(let text, _):
                longestScalar = max(longestScalar, text.utf8.count)
            case .sequence(let elements):
                depth = max(depth, level + 1)
                longestList = max(longestList, elements.count)
                for element in elements { visit(element, at: level + 1) }
            case .mapping(let entries):
                depth = max(depth, level + 1)
                for entry in entries {
                    visit(entry.key, at: level + 1)
                    visit(entry.value, at: level + 1)
                }
            }
        }
    }
}
