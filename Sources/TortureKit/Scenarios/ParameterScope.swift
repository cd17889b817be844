/// What a statement in one place of a scenario may bind: some built-in parameters, and the values
/// of the steps before it in the same delivery (or actor tick).
struct ParameterScope {
    /// How messages name the place: "a step", "`protocol.publish`", "an actor's step".
    var place: String
    var builtIn: [ParameterName]
    /// Every step of the machine the statement belongs to, in order, with the SQL read so far.
    var steps: [ScopedStep] = []
    /// The statement's own step: only steps before it may be referred to; nil outside steps
    /// (no step values at all), or `steps.count` for a checker that may refer to any step.
    var position: Int?

    struct ScopedStep {
        var name: String
        /// Nil while the step is not read yet.
        var sql: [Dialect: SQLTemplate]?
    }

    static let publish = ParameterScope(place: "`protocol.publish`", builtIn: [.message, .messageNumber])
    static let deadLetter = ParameterScope(
        place: "`protocol.dead-letter`", builtIn: [.message, .messageNumber, .worker, .attempt, .copy, .subscriber, .seed, .now])
    static let query = ParameterScope(place: "an invariant's query", builtIn: [])
    static let sometimesQuery = ParameterScope(place: "a `sometimes` query", builtIn: [])
    static let untilQuery = ParameterScope(place: "the `until` query", builtIn: [])
    static let workerStepBuiltIns: [ParameterName] = [
        .message, .messageNumber, .worker, .attempt, .copy, .subscriber, .lease, .seed, .now,
    ]
    static let actorStepBuiltIns: [ParameterName] = [.worker, .tick, .seed, .now]

    /// Nil when `name` may be bound here; else what is wrong, in words.
    func problem(with name: ParameterName) -> String? {
        guard let reference = name.stepColumn else {
            guard !builtIn.contains(name) else { return nil }
            return "parameter `\(name)` is not available in \(place); available: \(available)"
        }
        return stepProblem(reference, spelled: "`\(name)`")
    }

    /// Nil when `reference` names a column a step before this place can return.
    func stepProblem(_ reference: StepColumn, spelled: String) -> String? {
        guard let position else {
            return "\(spelled) names a step's value, but \(place) belongs to no delivery; available: \(available)"
        }
        guard let index = steps.firstIndex(where: { $0.name == reference.step }) else {
            let hint = Suggestion.closest(to: reference.step, among: steps.map(\.name)).map { "; did you mean `\($0)`?" } ?? ""
            let identifiers = steps.contains { !$0.name.isPlainIdentifier } ? " (a step referred to must be named with letters, digits and `_`)" : ""
            return "\(spelled): no step is named `\(reference.step)`\(hint)\(identifiers)"
        }
        guard index < position else {
            let which = index == position ? "is this step itself" : "comes later"
            return "\(spelled): step `\(reference.step)` \(which); a statement can use only the values of the steps before it"
        }
        for (dialect, template) in (steps[index].sql ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let columns = ResultColumns(of: template.sqliteText)
            guard let names = columns.names, !names.contains(reference.column) else { continue }
            let qualifier = Set((steps[index].sql ?? [:]).values.map(\.source)).count == 1 ? "" : " (its \(dialect.rawValue) SQL)"
            guard case .list(let listed) = columns else {
                return "\(spelled): step `\(reference.step)`\(qualifier) returns no rows; a write returns values only with RETURNING"
            }
            let shown = listed.map { column -> String in
                switch column {
                case .named(let name): name
                case .unnamed(let text): "\(text) — name it with AS to refer to it"
                }
            }
            let hint = Suggestion.closest(to: reference.column, among: names).map { "; did you mean `\(reference.step).\($0)`?" } ?? ""
            return "\(spelled): step `\(reference.step)`\(qualifier) returns (\(shown.joined(separator: ", "))), not `\(reference.column)`\(hint)"
        }
        return nil
    }

    private var available: String {
        let names = builtIn.map { ":\($0.spelling)" }
        let values = position == nil ? [] : ["the values of earlier steps (:step.column)"]
        let all = names + values
        return all.isEmpty ? "none" : all.joined(separator: ", ")
    }
}
