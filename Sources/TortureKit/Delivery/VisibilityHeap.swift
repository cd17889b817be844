/// Queue entries by (visible-at, sequence). Entries are never removed from the middle: a changed
/// entry gets a new version and its old heap items are skipped when they surface.
struct VisibilityItem: HeapOrdered {
    var visibleAtNanos: UInt64
    var sequence: Int
    var entry: Int
    var version: Int

    func precedes(_ other: VisibilityItem) -> Bool {
        (visibleAtNanos, sequence) < (other.visibleAtNanos, other.sequence)
    }
}

typealias VisibilityHeap = MinHeap<VisibilityItem>
