import Foundation

// What every section of the bench measures and prints with.

/// The middle of an odd number of rounds: one noisy round moves it least.
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(since began: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - began
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A table column: `text` padded with spaces to `width`.
func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
