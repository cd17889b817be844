/// A store whose connections can await an answer without blocking their thread (PostgreSQL):
/// its processors share `PollingExecutor`s when the handler never blocks either. A capability
/// the engine asks about, so it names no concrete store.
protocol SocketAnsweringStore: Store {}

/// A connection that sends a request and suspends on its socket until the answer is in.
protocol SocketAnsweringConnection: StoreConnection {
    nonisolated(nonsending) func perform(_ request: StoreRequest, on executor: PollingExecutor) async throws(StoreError) -> StatementResult
}

extension PostgresStore: SocketAnsweringStore {}
extension PostgresConnection: SocketAnsweringConnection {}
