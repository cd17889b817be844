/// The values for one execution of a statement.
public struct StatementParameters: Sendable {
    public var message: String
    public var messageNumber: Int
    public var worker: String
    /// The receive number of this copy, from 1.
    public var attempt: Int
    public var copy: Int
    public var subscriber: String
    /// The broker's lease token: unique and increasing over a run, a fencing token.
    public var lease: Int
    public var seed: Seed
    /// Milliseconds of the injected clock since the run's processors started.
    public var nowMillis: Int
    /// An actor's run number, from 1; 0 for a delivery.
    public var tick: Int
    /// What earlier steps of this delivery returned; a column no step has set yet binds NULL.
    public var stepValues: [StepColumn: SQLValue]
    /// The type of the column each kept value came from, where the store gives one: what a
    /// store that types its parameters binds the value as (a NULL too).
    public var stepTypes: [StepColumn: ColumnType] = [:]

    public init(
        message: String, messageNumber: Int? = nil, worker: String, attempt: Int, copy: Int = 1, subscriber: String = "s0",
        lease: Int = 0, seed: Seed, nowMillis: Int = 0, tick: Int = 0, stepValues: [StepColumn: SQLValue] = [:]
    ) {
        self.message = message
        self.messageNumber = messageNumber ?? Names.messageIndex(message) ?? 0
        self.worker = worker
        self.attempt = attempt
        self.copy = copy
        self.subscriber = subscriber
        self.lease = lease
        self.seed = seed
        self.nowMillis = nowMillis
        self.tick = tick
        self.stepValues = stepValues
    }

    public func value(of name: ParameterName) -> SQLValue {
        switch name {
        case .message: .text(message)
        case .messageNumber: .integer(Int64(messageNumber))
        case .worker: .text(worker)
        case .attempt: .integer(Int64(attempt))
        case .copy: .integer(Int64(copy))
        case .subscriber: .text(subscriber)
        case .lease: .integer(Int64(lease))
        case .seed: .text(seed.description)
        case .now: .integer(Int64(nowMillis))
        case .tick: .integer(Int64(tick))
        case .stepValue(let column): stepValues[column] ?? .null
        }
    }

    /// Keeps the first row a step returned (or NULLs, when it returned none) for later steps.
    public mutating func keep(_ result: StatementResult, of step: String) {
        let row = result.rows.first
        let typed = result.columnTypes.count == result.columns.count
        assert(row.map { $0.count == result.columns.count } ?? true, "a result's row holds one value per column")
        for (index, column) in result.columns.enumerated() {
            let key = StepColumn(step: step, column: column)
            stepValues[key] = row.map { $0[index] } ?? .null
            if typed { stepTypes[key] = result.columnTypes[index] }
        }
    }
}
