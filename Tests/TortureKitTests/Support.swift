import Foundation
@testable import TortureKit

/// The repository root, found from this file's path: tests read the built-in scenarios from it.
enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var scenarios: String { root + "/scenarios" }

    static func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(path: "\(scenarios)/\(name).yaml")
    }
}

/// A fresh folder per test, removed when the value goes.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "torture-tests-" + String(UInt64.random(in: .min ... .max), radix: 16)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func sqliteStore(_ name: String = "store.sqlite") -> SQLiteStore {
        SQLiteStore(path: "\(path)/\(name)", isUserPath: true)
    }
}

extension HistoryEvent {
    /// Terse construction for hand-made histories.
    static func claim(_ kind: Kind, worker: Int, message: Int, attempt: Int, at time: UInt64) -> HistoryEvent {
        HistoryEvent(timeNanos: time, worker: worker, delivery: Delivery(message: message, attempt: attempt), kind: kind, subject: "claim", role: .claim)
    }
}
