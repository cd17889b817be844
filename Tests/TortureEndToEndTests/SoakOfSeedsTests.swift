import Testing

/// The acceptance figures, at 64 workers: the correct protocols hold over 20 seeds and
/// each planted bug is caught in at least 9 of 10.
@Suite(.serialized) struct SeedSweepTests {
    @Test(arguments: ["race-claim", "idempotent-submit"])
    func correctProtocolsHoldOver20Seeds(scenario: String) async throws {
        let workspace = Workspace()
        for seed in 100..<120 {
            let result = try await workspace.run(scenario, ["--workers", "64", "--messages", "300", "--seed", String(seed)])
            #expect(result.status == 0, "seed \(seed):\n\(result.stdout)\n\(result.stderr)")
        }
    }

    @Test(arguments: ["race-claim-naive", "idempotent-submit-naive"])
    func naiveTwinsAreCaughtIn9Of10Seeds(scenario: String) async throws {
        let workspace = Workspace()
        var caught = 0
        for seed in 200..<210 {
            let result = try await workspace.run(scenario, ["--workers", "64", "--seed", String(seed)])
            #expect(result.status == 0 || result.status == 1, "seed \(seed): \(result.stderr)")
            #expect(result.seconds < 30, "seed \(seed) took \(result.seconds) s")
            if result.status == 1 { caught += 1 }
        }
        #expect(caught >= 9, "\(scenario) caught in \(caught) of 10 seeds")
    }
}
