import Foundation
import Testing
@testable import TortureKit

@Suite struct SoakLimitTests {
    @Test func durationsParseWithUnits() {
        #expect(SoakLimit.parseDuration("90s") == 90_000_000_000)
        #expect(SoakLimit.parseDuration("30m") == 1_800_000_000_000)
        #expect(SoakLimit.parseDuration("2h") == 7_200_000_000_000)
        #expect(SoakLimit.parseDuration("500ms") == 500_000_000)
        #expect(SoakLimit.parseDuration("45") == 45_000_000_000)
        for wrong in ["0s", "-5m", "5 m", "m", "1d", ""] { #expect(SoakLimit.parseDuration(wrong) == nil, "\(wrong)") }
    }

    @Test func aLimitRoundTripsThroughJSONAsOneNamedNumber() throws {
        for limit in [SoakLimit.runs(40), .durationNanos(1_800_000_000_000)] {
            let data = try JSONEncoder().encode(limit)
            #expect(try JSONDecoder().decode(SoakLimit.self, from: data) == limit)
        }
        #expect(String(decoding: try JSONEncoder().encode(SoakLimit.runs(40)), as: UTF8.self) == "{\"runs\":40}")
    }
}
