import Foundation
import Testing
@testable import TortureKit

/// The catalogue inside the binary is scenarios/ as it is: a scenario edited without running
/// scripts/embed-scenarios.sh fails here.
@Suite struct BuiltInScenarioTextsTests {
    @Test func theEmbeddedCatalogueIsScenariosFolderByteForByte() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.scenarios).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(BuiltInScenarios.texts.map(\.file).sorted() == files, "run scripts/embed-scenarios.sh")
        for file in files {
            let onDisk = try String(contentsOfFile: "\(Repository.scenarios)/\(file)", encoding: .utf8)
            #expect(BuiltInScenarios.text(atPath: "built-in:\(file)") == onDisk, "\(file) differs: run scripts/embed-scenarios.sh")
        }
    }

    @Test func aBuiltInScenarioLoadsWithTheSameContentHashAsItsFile() throws {
        let builtIn = try ScenarioLoader.load(path: try #require(BuiltInScenarios.path(named: "race-claim")))
        let file = try Repository.scenario("race-claim")
        #expect(builtIn.source.contentHash == file.source.contentHash)
        #expect(builtIn.source.path == "built-in:race-claim.yaml")
    }

    @Test func aFolderWinsAndTheBuiltInCatalogueFillsIn() throws {
        let directory = TemporaryDirectory()
        try "name: race-claim\n".write(toFile: directory.path + "/race-claim.yaml", atomically: true, encoding: .utf8)
        let catalogue = ScenarioCatalogue(directory: directory.path, fallsBackToBuiltIn: true)
        #expect(try catalogue.path(for: "race-claim") == directory.path + "/race-claim.yaml")
        #expect(try catalogue.path(for: "burst") == "built-in:burst.yaml")
        let explicit = ScenarioCatalogue(directory: directory.path, fallsBackToBuiltIn: false)
        #expect(throws: ScenarioError.self) { try explicit.path(for: "burst") }
        let missing = ScenarioCatalogue(directory: "/no/such/folder", fallsBackToBuiltIn: false)
        #expect {
            try missing.path(for: "race-claim")
        } throws: { error in
            "\(error)".contains("/no/such/folder")
        }
    }
}
