import Foundation
import Testing

/// Every hostile file is refused by the built binary with exit 2, `file:line: what was expected`,
/// in bounded time and memory. Time is the child's CPU time, with a limit loose on purpose (a
/// debug build; a shared 2-core machine): the alias bomb alone took 35 s and 7.1 GB before the
/// loader bounded its input, so the limit still tells a bounded refusal from an expansion. Memory
/// is the sharper test; the loader's own unit tests (ScenarioInputBoundsTests) check that each
/// refusal comes at its bound. One at a time, so no child waits for a core behind another.
@Suite(.serialized) struct HostileScenarioFileTests {
    static let secondsLimit = 2.0
    static let residentBytesLimit = 100 << 20

    @Test(arguments: HostileScenarioFile.all)
    func isRefusedQuicklyInLittleMemory(_ hostile: HostileScenarioFile) async throws {
        let workspace = Workspace()
        let path = try hostile.make(in: workspace.path)
        let exit = try await MeasuredExit.of(["validate", path])
        #expect(exit.exitCode == 2, "\(exit.stderr)")
        #expect(exit.stderr.hasPrefix(path + (hostile.location.isEmpty ? ": " : hostile.location)), "\(exit.stderr)")
        #expect(exit.stderr.contains(hostile.words), "\(exit.stderr)")
        #expect(exit.cpuSeconds < Self.secondsLimit, "\(exit.cpuSeconds) s of CPU (\(exit.seconds) s wall)")
        #expect(exit.maxResidentBytes < Self.residentBytesLimit, "\(exit.maxResidentBytes / 1_048_576) MB")
    }

    /// A stream without end (not a regular file): read up to the limit, then refused.
    @Test func anEndlessStreamIsCutAtTheLimit() async throws {
        let exit = try await MeasuredExit.of(["validate", "/dev/zero"])
        #expect(exit.exitCode == 2)
        #expect(exit.stderr.contains("/dev/zero: the file is more than 1048576 bytes"), "\(exit.stderr)")
        #expect(exit.maxResidentBytes < Self.residentBytesLimit, "\(exit.maxResidentBytes / 1_048_576) MB")
    }

    /// A base next to the twin is read with the same bounds, and the complaint names the base.
    @Test func aHostileBaseIsRefusedInItsOwnName() async throws {
        let workspace = Workspace()
        try Data([0x00, 0x01, 0x02]).write(to: URL(fileURLWithPath: workspace.path + "/base.yaml"))
        let twin = try workspace.write("twin.yaml", "name: twin\ndescription: d\nextends: base\n")
        let exit = try await MeasuredExit.of(["validate", twin])
        #expect(exit.exitCode == 2)
        #expect(exit.stderr.contains("\(workspace.path)/base.yaml:1: not text: byte 0x00 (NUL) at byte offset 0"), "\(exit.stderr)")
    }

    /// Two files of 20 000 keys each, one extending the other: merged by dictionary, not pair by pair.
    @Test func aWideTwinOfAWideBaseStaysLinear() async throws {
        let workspace = Workspace()
        let keys = (0..<20_000).map { "k\($0): v\n" }.joined()
        _ = try workspace.write("base.yaml", "name: base\ndescription: d\n" + keys)
        let twin = try workspace.write("twin.yaml", "name: twin\ndescription: d\nextends: base\n" + keys)
        let exit = try await MeasuredExit.of(["validate", twin])
        #expect(exit.exitCode == 2)
        #expect(exit.stderr.contains("unknown key `k0` at the top level"), "\(exit.stderr)")
        #expect(exit.cpuSeconds < Self.secondsLimit, "\(exit.cpuSeconds) s of CPU (\(exit.seconds) s wall)")
    }

    /// The limits leave the catalogue alone: every shipped scenario still validates.
    @Test func theCatalogueIsWithinEveryLimit() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TortureBinary.packageRoot + "/scenarios")
            .filter { $0.hasSuffix(".yaml") }.map { TortureBinary.packageRoot + "/scenarios/" + $0 }
        let exit = try await MeasuredExit.of(["validate"] + files)
        #expect(exit.exitCode == 0, "\(exit.stderr)")
        #expect(files.count >= 26)
    }
}
