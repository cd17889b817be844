import Foundation
import Testing
@testable import TortureKit

/// When messages arrive: each process's times, their spelling on the command line and in a
/// scenario file, and the broker keeping a message out of reach until its time.
@Suite struct ArrivalProcessTests {
    let millis: UInt64 = 1_000_000

    func times(_ process: ArrivalProcess, _ count: Int, seed: UInt64 = 1) -> [UInt64] {
        var times = process.times(slots: count, seed: Seed(seed))
        return (0..<count).map { _ in times.next() }
    }

    @Test func eachProcessPlacesItsSlotsWhereItSays() {
        #expect(times(.allAtOnce, 4) == [0, 0, 0, 0])
        #expect(times(.rate(perSecond: 50), 4) == [0, 20 * millis, 40 * millis, 60 * millis])
        #expect(times(.bursts(size: 2, everyMillis: 1_500), 5) == [0, 0, 1_500 * millis, 1_500 * millis, 3_000 * millis])
        let ramp = times(.ramp(fromPerSecond: 10, toPerSecond: 1_000), 101)
        #expect(ramp[1] == 100 * millis, "the first gap is the first rate's")
        #expect(ramp[100] - ramp[99] < 2 * millis, "the last gaps are the last rate's: \(ramp[100] - ramp[99])")
        #expect(zip(ramp, ramp.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func poissonGapsComeFromTheSeedAndAverageTheRate() {
        let first = times(.poisson(perSecond: 100), 2_001, seed: 7)
        #expect(first == times(.poisson(perSecond: 100), 2_001, seed: 7), "the same seed, the same arrivals")
        #expect(first != times(.poisson(perSecond: 100), 2_001, seed: 8))
        let meanGapMillis = Double(first.last!) / 2_000 / 1e6
        #expect((8.5...11.5).contains(meanGapMillis), "mean gap \(meanGapMillis) ms for 100 a second")
        #expect(zip(first, first.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func theCommandLineSpellingReadsBackAndNamesWhatItExpected() throws {
        for process: ArrivalProcess in [.allAtOnce, .rate(perSecond: 50), .poisson(perSecond: 2.5), .bursts(size: 50, everyMillis: 2_000),
                                        .ramp(fromPerSecond: 10, toPerSecond: 200)] {
            #expect(try ArrivalProcess(parsing: process.description) == process)
        }
        for wrong in ["rate", "rate:0", "rate:fast", "bursts:50", "bursts:0/10", "ramp:10", "steady:5", ""] {
            #expect(throws: ArrivalProcessError.self, "\(wrong)") { try ArrivalProcess(parsing: wrong) }
        }
        #expect(throws: ArrivalProcessError.self) { try ArrivalProcess(parsing: "trickle:5") }
        do {
            _ = try ArrivalProcess(parsing: "trickle:5")
        } catch {
            #expect(error.description.contains("expected all-at-once, rate:N, poisson:N, bursts:SIZE/MILLIS or ramp:FROM-TO"))
        }
    }

    @Test func theBrokerKeepsAMessageOutOfReachUntilItArrives() throws {
        let workload = Workload(messages: 3, deliveriesPerMessage: 1, concurrentDeliveries: 1, arrival: .rate(perSecond: 100))
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 1_000, maxReceiveCount: 3, retryDelayMillis: 1, subscribers: 1)
        let start = 5 * millis
        let broker = Broker(schedule: DeliverySchedule(seed: Seed(1), workload: workload), policy: policy, startNanos: start)
        guard case .delivery(let first) = broker.receive(nowNanos: start) else { Issue.record("the first message is there at the start"); return }
        #expect(broker.receive(nowNanos: start + millis) == .wait(untilNanos: start + 10 * millis))
        guard case .delivery(let second) = broker.receive(nowNanos: start + 10 * millis) else { Issue.record("the second arrives at 10 ms"); return }
        #expect(second.delivery.message != first.delivery.message)
        #expect(broker.acknowledge(first) && broker.acknowledge(second))
        #expect(broker.receive(nowNanos: start + 11 * millis) == .wait(untilNanos: start + 20 * millis), "not drained: one is yet to arrive")
    }

    @Test func theDeadlineWaitsForTheLastArrival() {
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 1_000, maxReceiveCount: 3, retryDelayMillis: 1, subscribers: 1)
        var configuration = RunConfiguration(scenario: "s", workers: 1, messages: 1_000, deliveriesPerMessage: 1, concurrentDeliveries: 1,
                                             seed: Seed(1), store: "sqlite", scenariosDirectory: nil)
        let allAtOnce = configuration.deadlineMillis(policy: policy)
        configuration.arrival = .rate(perSecond: 1)
        #expect(configuration.deadlineMillis(policy: policy) >= allAtOnce + 999_000)
    }

    @Test func aScenarioDeclaresItsArrivalAndAWrongOneIsRefusedWithItsLine() throws {
        func workload(_ arrival: String) throws(ScenarioError) -> Workload {
            try ScenarioLoader.parse(ScenarioLoaderTests.valid.replacingOccurrences(
                of: "  concurrent-deliveries: 2\n", with: "  concurrent-deliveries: 2\n  arrival: \(arrival)\n"), file: "tiny.yaml").workload
        }
        #expect(try workload("all-at-once").arrival == .allAtOnce)
        #expect(try workload("{ rate: { per-second: 50 } }").arrival == .rate(perSecond: 50))
        #expect(try workload("{ poisson: { per-second: 5 } }").arrival == .poisson(perSecond: 5))
        #expect(try workload("{ bursts: { size: 50, every-millis: 2000 } }").arrival == .bursts(size: 50, everyMillis: 2_000))
        #expect(try workload("{ ramp: { from-per-second: 1, to-per-second: 9 } }").arrival == .ramp(fromPerSecond: 1, toPerSecond: 9))
        for (wrong, words) in [("trickle", "not an arrival process"), ("{ rate: { per-second: 50 }, poisson: { per-second: 5 } }", "names one process"),
                               ("{ rate: { every: 50 } }", "unknown key `every`"), ("{ steady: { per-second: 1 } }", "unknown key `steady`")] {
            do {
                _ = try workload(wrong)
                Issue.record("`\(wrong)` was read")
            } catch {
                #expect(error.line == 7 && error.description.contains(words), "\(wrong): \(error)")
            }
        }
    }
}
