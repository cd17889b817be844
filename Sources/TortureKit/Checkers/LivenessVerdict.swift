/// The verdict of a run that did not finish: processors stopped at the run's deadline, or the
/// simulation ran out of its job budget. Names the work left unfinished and what each processor
/// was last doing, so a protocol that waits forever is a finding, not a hang.
enum LivenessVerdict {
    static let invariant = "liveness"

    static func make(
        history: History, ledger: QueueLedger, processorsAtDeadline: Int, deadlineMillis: Int, jobBudgetExhausted: Bool,
        policy: DeliveryPolicy, processors: Int = .max
    ) -> Verdict {
        var witnesses: [Witness] = []
        let cause = jobBudgetExhausted
            ? "the simulation used up its job budget before the processors finished"
            : "\(processorsAtDeadline) processor(s) reached the run's deadline of \(deadlineMillis) ms with work left"
        let unfinished = ledger.published.sorted().filter { ledger.isLost($0) }
        witnesses.append(Witness(
            message: nil, workers: [], events: [],
            text: "\(cause): \(unfinished.count) message(s) unfinished"
                + (unfinished.isEmpty ? "" : ", first \(unfinished.prefix(5).map { Names.message($0.message) }.joined(separator: ", "))")))
        // Actor instances (numbered after the processors) are not what the run waited for.
        for (worker, event) in lastEventPerWorker(history).sorted(by: { $0.key < $1.key }) where worker < processors {
            witnesses.append(Witness(
                message: Names.message(event.message), workers: [Names.worker(worker)], events: [event.index],
                text: "\(Names.worker(worker)) was last at \(event.kind.rawValue) \(event.subject) of \(event.delivery.label)"
                    + (event.detail.map { " (\($0))" } ?? "")))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    private static func lastEventPerWorker(_ history: History) -> [Int: HistoryEvent] {
        var last: [Int: HistoryEvent] = [:]
        for event in history.events { last[event.worker] = event }
        return last
    }
}
