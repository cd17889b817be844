/// What a `MinHeap` orders by.
protocol HeapOrdered {
    func precedes(_ other: Self) -> Bool
}

/// A binary min-heap: the broker's entries by visibility time, the simulation's timers by wake time.
struct MinHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }
    var first: Element? { items.first }

    mutating func push(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
        assert(child == 0 || !items[child].precedes(items[(child - 1) / 2]), "a pushed item settles below no item it precedes")
    }

    @discardableResult
    mutating func popFirst() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < items.count, items[left].precedes(items[first]) { first = left }
            if right < items.count, items[right].precedes(items[first]) { first = right }
            guard first != parent else { break }
            items.swapAt(parent, first)
            parent = first
        }
        assert(items.isEmpty || !items[0].precedes(top), "a heap pops its least item first")
        return top
    }
}
