/// The broker moved a message past its receives to the DLQ: the participant writes it to the
/// store's DLQ table when the scenario keeps one, then records it.
extension ParticipantMachinery {
    /// The history says `dead-letter` ok only once the entry is where the scenario's DLQ is: a
    /// message the broker dropped but whose DLQ row was never written is lost, not dead-lettered.
    /// A write refused as `busy` or `serialization-failure` (SQLite's busy timeout running out
    /// under load, a PostgreSQL deadlock) is transient: it is tried again, `deadLetterAttempts`
    /// times in all, backing off on the injected clock. One that still fails, or fails otherwise,
    /// is recorded as `dead-letter` fail only, so `no-loss` (and `every-failure-in-dlq`) report
    /// the message instead of the DLQ silently missing it. Throws only when the store is gone.
    nonisolated(nonsending) func deadLetter(_ delivery: Delivery) async throws(StoreError) {
        precondition(delivery.attempt >= 1, "a dead-lettered entry was received at least once")
        let detail = "after \(delivery.attempt) receives"
        let work = WorkItem.delivery(delivery)
        let deadLettered = counts.deadLettered
        defer { assert(counts.deadLettered <= deadLettered + 1, "an entry is dead-lettered at most once") }
        guard let statement = context.deadLetter else {
            counts.deadLettered += 1
            record(.ok, work, subject: HistoryEvent.Subject.deadLetter, detail: detail)
            return
        }
        var attempt = 0
        while true {
            attempt += 1
            assert(attempt <= Self.deadLetterAttempts, "a DLQ write is tried a bounded number of times")
            let parameters = StatementParameters(
                message: Names.message(delivery.message), messageNumber: delivery.message, worker: workerName, attempt: delivery.attempt,
                copy: delivery.copy, subscriber: Names.subscriber(delivery.subscriber), seed: context.seed,
                nowMillis: statement.usesNow ? millisSinceStart(context.clock.nowNanos()) : 0
            )
            do {
                try await storeCall(.execute(statement, parameters))
                counts.deadLettered += 1
                record(.ok, work, subject: HistoryEvent.Subject.deadLetter,
                       detail: attempt == 1 ? detail : "\(detail) (DLQ write took \(attempt) attempts)")
                return
            } catch {
                counts.storeErrors[error.kind, default: 0] += 1
                let fact = HistoryFact.storeError(error.kind, sqlState: error.sqlState)
                if error.isUnavailable {
                    record(.fail, work, subject: HistoryEvent.Subject.deadLetter, detail: error.description, fact: fact)
                    throw error
                }
                let transient = error.isTransient && attempt < Self.deadLetterAttempts
                let pauseMillis = Self.deadLetterBackoffMillis << (attempt - 1)
                guard transient, await pause(millis: pauseMillis) else {
                    record(.fail, work, subject: HistoryEvent.Subject.deadLetter,
                           detail: "DLQ write failed after \(attempt) attempt\(attempt == 1 ? "" : "s"), \(detail): \(error.description)",
                           fact: fact)
                    return
                }
                record(.info, work, subject: HistoryEvent.Subject.deadLetter,
                       detail: "DLQ write attempt \(attempt) refused, trying again in \(pauseMillis) ms: \(error.description)", fact: fact)
            }
        }
    }

    /// How often a DLQ write refused as busy is tried in all, and the first pause between tries
    /// (doubling): with SQLite's 5 s busy timeout per try, a write waits over 25 s before the
    /// history calls the message lost.
    static let deadLetterAttempts = 6
    static let deadLetterBackoffMillis = 10
}
