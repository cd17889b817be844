/// The one lifecycle every command's stores go through (`run`, `soak`, `replay`, `shrink`, the
/// determinism check): a fresh store for each run, removed after it unless it is kept, and
/// whatever the provider made for its runs removed when the command ends.
public protocol StoreProvider: Sendable {
    var dialect: Dialect { get }
    /// What `--store` must say to reach the same kind of store again (for the repro line).
    var commandLineValue: String { get }
    func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store
    /// After a run (and after its report took a snapshot): removes what the run made, unless the
    /// store is one to keep (a file the user named; a schema the engine kept for a post-mortem).
    func discard(_ store: any Store)
    /// Once, when the command ends: removes whatever the provider made for its runs.
    func finish()
}
