import Foundation
import Synchronization
import TortureKit

/// The baseline: the same SQL on the same number of connections and threads, with no actors,
/// broker, fault plan, history or histograms. What the harness costs is the gap to this.
struct PlainLoop {
    let scenario: Scenario
    let schedule: [Delivery]
    let workers: Int

    /// Attempts per second over the whole schedule.
    func run(store: SQLiteStore) throws -> Double {
        let setup = try store.connect()
        try setup.executeScript(scenario.tables.schema[.sqlite]!)
        if let publish = scenario.tables.publish[.sqlite] {
            try setup.begin(.serializable)
            for message in 0..<(schedule.map(\.message).max()! + 1) {
                _ = try setup.execute(publish, StatementParameters(message: Names.message(message), worker: "", attempt: 0, seed: Seed(0)))
            }
            try setup.commit()
        }
        setup.close()

        let steps = scenario.stepMachine?.protocolSteps ?? []
        let next = Atomic<Int>(0)
        let ready = DispatchGroup(), finished = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        let failures = Mutex<[String]>([])
        let schedule = self.schedule
        var threads: [Thread] = []
        for worker in 0..<workers {
            ready.enter()
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                do {
                    let connection = try store.connect()
                    defer { connection.close() }
                    ready.leave()
                    start.wait()
                    while true {
                        let index = next.add(1, ordering: .relaxed).oldValue
                        guard index < schedule.count else { break }
                        let delivery = schedule[index]
                        let parameters = StatementParameters(
                            message: Names.message(delivery.message), worker: Names.worker(worker), attempt: delivery.attempt, seed: Seed(0))
                        var stepIndex = 0
                        while stepIndex < steps.count {
                            let step = steps[stepIndex]
                            let result = try connection.execute(step.sql[.sqlite]!, parameters)
                            switch step.success.holds(for: result) ? step.onSuccess : step.onFailure {
                            case .next: stepIndex += 1
                            case .jump(let target): stepIndex = target
                            case .done, .skip, .fail: stepIndex = steps.count
                            }
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                    ready.leave()
                }
            }
            threads.append(thread)
            thread.start()
        }
        ready.wait()
        let began = ContinuousClock.now
        for _ in 0..<workers { start.signal() }
        finished.wait()
        let elapsed = ContinuousClock.now - began
        if let failure = failures.withLock({ $0.first }) { throw BenchFailure(message: "plain loop: \(failure)") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(schedule.count) / seconds
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
