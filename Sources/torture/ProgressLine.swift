import TortureKit

/// A live line on stderr while a run goes, for a person at a terminal; never when stderr is a
/// file or pipe, so CI logs hold only the final lines.
enum ProgressLine {
    static func make(scenario: String, progress: RunProgress) -> LiveLine {
        LiveLine(every: .milliseconds(200)) { seconds in
            guard progress.deliveriesTotal > 0 else { return "\(scenario)  setting up the store…" }
            let done = progress.deliveriesFinished
            let total = progress.deliveriesTotal
            let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
            return "\(scenario)  \(done)/\(total) deliveries  \(100 * done / total)%  "
                + "\(rate)/s  failed \(progress.deliveriesFailed)  \(Formatting.decimal(seconds, places: 1)) s"
        }
    }
}
