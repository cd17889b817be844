/// How much of a scenario file the loader reads before it refuses it. Scenario files come from pull
/// requests and are checked by CI (`torture validate`): a hostile one must be refused in
/// milliseconds and a few megabytes, never by the machine running out of memory. The built-in
/// catalogue's largest file is 4 KB, about 400 nodes, 7 levels deep, its longest text 1 KB; each
/// limit leaves a hand-written file room to grow by two orders of magnitude.
public enum ScenarioInputLimits {
    /// Bytes in one file. Everything after this check is linear in the file's size.
    public static let fileBytes = 1 << 20
    /// Nodes (scalars, mappings, lists) in one file's YAML: each costs a few hundred bytes once
    /// composed, so 50 000 stay near 20 MB however short the file writes them.
    public static let nodes = 50_000
    /// Mappings and lists inside one another: the composer and the readers recurse.
    public static let depth = 32
    /// Bytes in one scalar: a description, a schema, a statement.
    public static let scalarBytes = 64 << 10
    /// Entries in one list (steps, actors, invariants): each is checked against those before it.
    public static let listEntries = 256
    /// Scenarios in one `extends:` chain, the file itself included.
    public static let extendsChain = 8
}
