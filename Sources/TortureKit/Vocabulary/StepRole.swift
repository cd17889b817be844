/// What a step means to the checkers and where its injection points are.
public enum StepRole: String, Sendable, Codable, CaseIterable {
    /// Reads state; `after-read` fires after it.
    case read
    /// Takes ownership of the message; `before-claim` and `after-claim` surround it.
    case claim
    /// Writes the message's one submission; surrounded by the claim points too.
    case submit
    /// Any other write.
    case write
}
