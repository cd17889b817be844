import Foundation
import Synchronization
import Testing
@testable import TortureKit

@Suite struct ReportFolderTests {
    @Test func runsCreatingOneFolderAtOnceEachGetTheirOwn() throws {
        let directory = TemporaryDirectory()
        let base = directory.path + "/reports/race-claim/20260101-000000-0x1"
        let made = Mutex<[String]>([])
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 120) { _ in
            do {
                let folder = try ReportFolder.makeUnique(base)
                made.withLock { $0.append(folder) }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        let folders = made.withLock { $0 }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(Set(folders).count == 120, "every run got a folder of its own")
        #expect(folders.contains(base) && folders.contains(base + "-120"))
    }

    @Test func latestIsNeverMissingWhileItIsReplaced() throws {
        let directory = TemporaryDirectory()
        let latest = directory.path + "/latest"
        for index in 0..<2 { try FileManager.default.createDirectory(atPath: "\(directory.path)/run-\(index)", withIntermediateDirectories: true) }
        try ReportFolder.replaceLink(latest, pointingAt: "run-0")
        let done = Atomic<Bool>(false)
        let missing = Atomic<Int>(0)
        let looks = Atomic<Int>(0)
        let reader = Thread {
            var status = stat()
            while !done.load(ordering: .relaxed) {
                if lstat(latest, &status) != 0 { missing.add(1, ordering: .relaxed) }
                looks.add(1, ordering: .relaxed)
            }
        }
        reader.start()
        for index in 0..<3_000 { try ReportFolder.replaceLink(latest, pointingAt: "run-\(index % 2)") }
        done.store(true, ordering: .relaxed)
        while !reader.isFinished { usleep(1_000) }
        #expect(looks.load(ordering: .relaxed) > 100)
        #expect(missing.load(ordering: .relaxed) == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: latest) == "run-1")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
