/// What the columns of a protocol's kept steps are on one store, found before the run by
/// describing each step as it will be prepared: a step that binds another step's values is
/// described with those typed first. What a statement is prepared with at set-up, so a step
/// value is typed then as it will be when it runs.
struct StepColumnTypes {
    private let statements: [String: SQLTemplate]
    private let connection: any StoreConnection
    private var described: [String: [DescribedColumn]?] = [:]
    /// Steps being described: a step that binds its own (or a later, circling) step's values
    /// takes those untyped, as the server guesses them.
    private var describing: Set<String> = []

    /// `statements`: each step of one protocol or actor by name, in the store's dialect.
    init(statements: [String: SQLTemplate], on connection: any StoreConnection) {
        self.statements = statements
        self.connection = connection
    }

    /// The types of the step values `statement` binds, where the steps they come from type them.
    mutating func stepTypes(for statement: SQLTemplate) throws(StoreError) -> [StepColumn: ColumnType] {
        var types: [StepColumn: ColumnType] = [:]
        for column in statement.stepColumns where types[column] == nil {
            let returned = try columns(ofStep: column.step)
            if let type = returned?.first(where: { $0.name.lowercased() == column.column })?.type { types[column] = type }
        }
        return types
    }

    /// What step `name` returns, as the store describes it; nil when it cannot tell or there is
    /// no such step.
    mutating func columns(ofStep name: String) throws(StoreError) -> [DescribedColumn]? {
        if let known = described[name] { return known }
        guard let statement = statements[name], !describing.contains(name) else { return nil }
        describing.insert(name)
        defer { describing.remove(name) }
        let columns = try connection.describe(statement, stepTypes: try stepTypes(for: statement))
        described[name] = columns
        return columns
    }
}
