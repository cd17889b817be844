/// The verdict of a run that did not finish: processors stopped at the run's deadline, or the
/// simulation ran out of its job budget. Names the work left unfinished and what each processor
/// was last doing, so a protocol that waits forever is a finding, not a hang.
enum LivenessVerdict {
    static let invariant = "liveness"

    static func make(
        lastEventPerWorker: [Int: HistoryEvent], queue: QueueTally, processorsAtDeadline: Int, deadlineMillis: Int,
        jobBudgetExhausted: Bool, processors: Int = .max
    ) -> Verdict {
        var witnesses: [Witness] = []
        let cause = jobBudgetExhausted
            ? "the simulation used up its job budget before the processors finished"
            : "\(processorsAtDeadline) processor(s) reached the run's deadline of \(deadlineMillis) ms with work left"
        var unfinished = 0
        var firstUnfinished: [MessageKey] = []
        for message in 0..<queue.messages {
            for subscriber in 0..<queue.subscribers where queue.isLost(MessageKey(message: message, subscriber: subscriber)) {
                unfinished += 1
                if firstUnfinished.count < 5 { firstUnfinished.append(MessageKey(message: message, subscriber: subscriber)) }
            }
        }
        witnesses.append(Witness(
            message: nil, workers: [], events: [],
            text: "\(cause): \(unfinished) message(s) unfinished"
                + (unfinished == 0 ? "" : ", first \(firstUnfinished.map { Names.message($0.message) }.joined(separator: ", "))")))
        // Actor instances (numbered after the processors) are not what the run waited for.
        for (worker, event) in lastEventPerWorker.sorted(by: { $0.key < $1.key }) where worker < processors {
            witnesses.append(Witness(
                message: Names.message(event.message), workers: [Names.worker(worker)], events: [event.index],
                text: "\(Names.worker(worker)) was last at \(event.kind.rawValue) \(event.subject) of \(event.label)"
                    + (event.detail.map { " (\($0))" } ?? "")))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
