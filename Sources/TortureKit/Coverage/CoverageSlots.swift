/// Counter names numbered once, so the pass adds to an array slot instead of hashing a name for
/// every event.
struct CoverageSlots {
    private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    /// The name's slot, numbered now if it has none yet.
    mutating func slot(_ name: String) -> Int {
        if let number = numbers[name] { return number }
        numbers[name] = names.count
        names.append(name)
        assert(names.count == numbers.count, "every name has one slot")
        return names.count - 1
    }
}
