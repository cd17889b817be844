/// Sleeping tasks by wake time; equal times wake in the order they slept.
struct TimerHeap {
    struct Timer {
        var wakeNanos: UInt64
        var sequence: Int
        var continuation: UnsafeContinuation<Void, Never>

        func precedes(_ other: Timer) -> Bool {
            (wakeNanos, sequence) < (other.wakeNanos, other.sequence)
        }
    }

    private var items: [Timer] = []
    private var sequence = 0

    var isEmpty: Bool { items.isEmpty }

    mutating func push(wakeNanos: UInt64, _ continuation: UnsafeContinuation<Void, Never>) {
        items.append(Timer(wakeNanos: wakeNanos, sequence: sequence, continuation: continuation))
        sequence += 1
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Timer? {
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
        return top
    }
}
