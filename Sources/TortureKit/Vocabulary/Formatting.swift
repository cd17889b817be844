/// Numbers as a person reads them in a terminal or a summary.
public enum Formatting {
    /// 850 µs, 1.23 ms, 4.5 s.
    public static func duration(micros: Double) -> String {
        if micros < 1_000 { return "\(Int(micros.rounded())) µs" }
        if micros < 1_000_000 { return decimal(micros / 1_000, places: micros < 10_000 ? 2 : 1) + " ms" }
        return decimal(micros / 1_000_000, places: 2) + " s"
    }

    /// A power of ten of microseconds as an axis tick: 10 µs, 1 ms, 100 ms, 10 s.
    static func durationTick(micros: Double) -> String {
        if micros < 1_000 { return "\(Int(micros.rounded())) µs" }
        if micros < 1_000_000 { return "\(Int((micros / 1_000).rounded())) ms" }
        return "\(Int((micros / 1_000_000).rounded())) s"
    }

    public static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: scale))
        guard places > 0 else { return String(whole) }
        let digits = String(fraction)
        let sign = value < 0 && whole == 0 ? "-" : ""
        return sign + String(whole) + "." + String(repeating: "0", count: places - digits.count) + digits
    }

    static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
