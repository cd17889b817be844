/// What a processor does with a delivery that failed (a step said fail, a store error, an
/// injected error or timeout).
public enum ErrorHandling: String, Sendable, Codable, CaseIterable {
    /// Raise: the broker redelivers it and, past its receives, dead-letters it.
    case nack
    /// Swallow: acknowledge as if it had worked. The message is gone.
    case ack
}
