/// A min-heap of queue entries by (visible-at, sequence). Entries are never removed from the
/// middle: a changed entry gets a new version and its old heap items are skipped when they surface.
struct VisibilityHeap {
    struct Item {
        var visibleAtNanos: UInt64
        var sequence: Int
        var entry: Int
        var version: Int

        func precedes(_ other: Item) -> Bool {
            (visibleAtNanos, sequence) < (other.visibleAtNanos, other.sequence)
        }
    }

    private var items: [Item] = []

    var isEmpty: Bool { items.isEmpty }
    var first: Item? { items.first }

    mutating func push(_ item: Item) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popFirst() -> Item? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left].precedes(items[smallest]) { smallest = left }
            if right < items.count, items[right].precedes(items[smallest]) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
