/// What a replay found against what was recorded: the same invariants violated, with the same
/// witnesses (in simulation they must be identical; on real threads the same invariant failing
/// is what a person can hope for).
public struct ReplayComparison: Sendable {
    public let recorded: RunReport
    public let replayed: RunReport

    public init(recorded: RunReport, replayed: RunReport) {
        self.recorded = recorded
        self.replayed = replayed
    }

    public var recordedViolations: [String] { recorded.violatedVerdicts.map(\.invariant) }
    public var replayedViolations: [String] { replayed.violatedVerdicts.map(\.invariant) }

    public var sameViolations: Bool { recordedViolations == replayedViolations }

    public var sameWitnesses: Bool {
        sameViolations && zip(recorded.violatedVerdicts, replayed.violatedVerdicts).allSatisfy { old, new in
            old.witnessCount == new.witnessCount && old.witnesses.map(\.text) == new.witnesses.map(\.text)
        }
    }

    public var sameHistory: Bool { recorded.historyHash == replayed.historyHash }

    public var summary: String {
        if recorded.status == .held && replayed.status == .held { return "replayed: every invariant held, as recorded" }
        if sameWitnesses {
            return "reproduced: \(replayedViolations.joined(separator: ", ")) violated with the same witnesses"
                + (sameHistory ? " and the same history (\(replayed.historyHash))" : "")
        }
        if sameViolations {
            return "reproduced: \(replayedViolations.joined(separator: ", ")) violated again, with different witnesses"
        }
        let was = recordedViolations.isEmpty ? "nothing" : recordedViolations.joined(separator: ", ")
        let now = replayedViolations.isEmpty ? "nothing" : replayedViolations.joined(separator: ", ")
        return "NOT reproduced: recorded \(was) violated, replay \(now)"
    }
}
