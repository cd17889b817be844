/// `--memory-budget`'s spelling: a whole number with a binary unit (K, M, G, T, optionally
/// followed by B, any case), or bare bytes.
enum MemorySize {
    static func bytes(_ text: String) -> Int? {
        var digits = Substring(text.uppercased())
        if digits.hasSuffix("B") { digits = digits.dropLast() }
        let shift: Int
        switch digits.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        case "T": shift = 40
        default: shift = 0
        }
        if shift > 0 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0, value <= Int.max >> shift else { return nil }
        return value << shift
    }
}
