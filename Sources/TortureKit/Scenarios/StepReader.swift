/// Reads a list of steps — a delivery's, or an actor's tick — into the step machine's steps:
/// names unique and not reserved, each statement's parameters checked against the steps before
/// it, `goto`s resolved to later steps only.
struct StepReader {
    let sql: SQLReader
    /// "a step" or "an actor's step", for messages.
    let place: String
    let builtIn: [ParameterName]
    /// Only an actor's steps may turn rows into publications.
    let allowsPublish: Bool
    /// Where a step's SQL sits, by the step's name.
    let site: (String) -> SQLSite

    static let keys = ["name", "role", "sql", "success", "on-success", "on-failure", "publish"]

    func read(_ reader: YAMLReader) throws(ScenarioError) -> [ProtocolStep] {
        let entries = try reader.sequence()
        guard !entries.isEmpty else { throw reader.error("`\(reader.path)` is empty; expected at least one step") }
        var scoped: [ParameterScope.ScopedStep] = []
        var maps: [YAMLMapping] = []
        for entry in entries {
            let map = try entry.mapping(allowed: Self.keys)
            let nameReader = try map.required("name")
            let name = try nameReader.string()
            guard !HistoryEvent.Subject.all.contains(name) else {
                throw nameReader.error("`\(name)` is reserved for the history; choose another step name")
            }
            guard !scoped.contains(where: { $0.name == name }) else {
                throw nameReader.error("two steps are named `\(name)`; step names must be unique")
            }
            scoped.append(ParameterScope.ScopedStep(name: name, sql: nil))
            maps.append(map)
        }
        var pending: [PendingStep] = []
        for (index, map) in maps.enumerated() {
            let scope = ParameterScope(place: place, builtIn: builtIn, steps: scoped, position: index)
            let step = try readStep(map, name: scoped[index].name, scope: scope)
            scoped[index].sql = step.sql
            pending.append(step)
        }
        return try resolveJumps(pending)
    }

    private func readStep(_ map: YAMLMapping, name: String, scope: ParameterScope) throws(ScenarioError) -> PendingStep {
        let sql = try self.sql.templates(try map.required("sql"), scope: scope, site: site(name))
        var publishColumn: String?
        if let publish = map.optional("publish") {
            guard allowsPublish else {
                throw publish.error("`publish` is for an actor's steps: a worker's delivery does not put messages back into the broker")
            }
            let column = try publish.string().lowercased()
            for (dialect, template) in sql {
                guard let names = ResultColumns(of: template.sqliteText).names, !names.contains(column) else { continue }
                let which = Set(sql.values.map(\.source)).count == 1 ? "" : " (its \(dialect.rawValue) SQL)"
                throw publish.error("`publish: \(column)`: step `\(name)`\(which) returns (\(names.joined(separator: ", "))); publish names the column that holds each row's message (`m-00417` or its number)")
            }
            publishColumn = column
        }
        return PendingStep(
            name: name,
            role: try map.required("role").choice(StepRole.self),
            sql: sql,
            success: try map.required("success").choice(SuccessCondition.self),
            onSuccess: try map.optional("on-success").map { reader throws(ScenarioError) in try readAction(reader) }
                ?? PendingAction(action: .next, target: nil, reader: nil),
            onFailure: try map.optional("on-failure").map { reader throws(ScenarioError) in try readAction(reader) }
                ?? PendingAction(action: .fail, target: nil, reader: nil),
            publishColumn: publishColumn
        )
    }

    /// `next`, `done`, `skip`, `fail`, or `goto STEP`; a goto's target is resolved once every
    /// step is read (`resolveJumps`), and held as a placeholder until then.
    private func readAction(_ reader: YAMLReader) throws(ScenarioError) -> PendingAction {
        let text = try reader.string()
        if let action = StepAction(name: text) { return PendingAction(action: action, target: nil, reader: reader) }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2, words[0] == "goto" else {
            let hint = Suggestion.closest(to: text, among: StepAction.names).map { "; did you mean `\($0)`?" } ?? ""
            throw reader.error("expected one of next, done, skip, fail or `goto STEP` at `\(reader.path)`, got \"\(text)\"\(hint)")
        }
        return PendingAction(action: .next, target: String(words[1]), reader: reader)
    }

    private func resolveJumps(_ pending: [PendingStep]) throws(ScenarioError) -> [ProtocolStep] {
        var steps: [ProtocolStep] = []
        for (index, step) in pending.enumerated() {
            func resolve(_ action: PendingAction) throws(ScenarioError) -> StepAction {
                guard let target = action.target, let reader = action.reader else { return action.action }
                guard let targetIndex = pending.firstIndex(where: { $0.name == target }) else {
                    throw reader.error("`goto \(target)`: no step is named `\(target)`")
                }
                guard targetIndex > index else {
                    throw reader.error("`goto \(target)` jumps back: only later steps can be targets, so no delivery loops")
                }
                return .jump(to: targetIndex)
            }
            steps.append(ProtocolStep(
                name: step.name, role: step.role, sql: step.sql, success: step.success,
                onSuccess: try resolve(step.onSuccess), onFailure: try resolve(step.onFailure), publishColumn: step.publishColumn
            ))
        }
        let referenced = Set(steps.flatMap { $0.sql.values.flatMap(\.stepColumns) }.map(\.step))
        return Self.keeping(referenced, in: steps)
    }

    /// The steps with `keepsValues` set on those named.
    static func keeping(_ names: Set<String>, in steps: [ProtocolStep]) -> [ProtocolStep] {
        steps.map { step in
            var step = step
            if names.contains(step.name) { step.keepsValues = true }
            return step
        }
    }
}

/// A step as read, before its `goto`s are resolved to step indices.
private struct PendingStep {
    var name: String
    var role: StepRole
    var sql: [Dialect: SQLTemplate]
    var success: SuccessCondition
    var onSuccess: PendingAction
    var onFailure: PendingAction
    var publishColumn: String?
}

private struct PendingAction {
    var action: StepAction
    var target: String?
    /// Nil for an action the file left to its default.
    var reader: YAMLReader?
}
