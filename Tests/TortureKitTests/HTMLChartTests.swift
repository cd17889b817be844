import Foundation
import Histogram
import Testing
@testable import TortureKit

@Suite struct PercentileCurveTests {
    @Test func theCurveClimbsByHalvingsToTheMaximumAtOneInCount() {
        var histogram = LatencyRecorder.makeHistogram()
        for micros in 1...1_000 { _ = histogram.record(UInt64(micros) * 1_000) }
        let curve = PercentileCurve(histogram)
        #expect(curve.points.first?.percentile == 0)
        #expect(curve.points.last?.percentile == 100)
        #expect(abs((curve.points.last?.valueMicros ?? 0) - 1_000) < 1)
        #expect(zip(curve.points, curve.points.dropFirst()).allSatisfy { $0.percentile < $1.percentile && $0.valueMicros <= $1.valueMicros })
        let p90 = curve.points.first { abs($0.percentile - 90) < 1 }
        #expect(p90 == nil || abs(curve.nines(of: p90!) - 1) < 0.05, "90 % sits one nine in")
        #expect(abs(curve.nines(of: curve.points.last!) - 3) < 1e-9, "the maximum of 1000 values sits at 99.9 %")
        #expect(curve.points.count <= PercentileCurve.pointLimit)
        #expect(PercentileCurve(LatencyRecorder.makeHistogram()).points.isEmpty)
    }
}

@Suite struct HTMLChartTests {
    @Test func thePercentilePlotHasALinePerStepAndEndToEndOnANinesAxis() async throws {
        let outcome = try await Outcomes.violated(in: TemporaryDirectory())
        let html = RunHTMLReport.render(outcome)
        let svgs = try HTMLChecks.wellFormedSVGs(html)
        let plot = try #require(svgs.first { $0.contains("aria-label=\"latency by percentile, end to end and per step\"") })
        #expect(plot.components(separatedBy: "<polyline").count - 1 == 1 + outcome.report.latency.steps.count)
        for label in [">0%<", ">90%<", ">99%<"] { #expect(plot.contains(label), "axis label \(label)") }
        for step in outcome.report.latency.steps { #expect(plot.contains("step \(step.step)")) }
    }

    @Test func latencyOverTimeDrawsP50AndP99AndShadesTheFaults() async throws {
        let outcome = try await Outcomes.violated(in: TemporaryDirectory())
        let overTime = LatencyOverTime(outcome.history)
        let processed = Array(outcome.history).filter { $0.subject == HistoryEvent.Subject.processed }.count
        #expect(overTime.windows.count == min(LatencyOverTime.windowLimit, processed / LatencyOverTime.messagesPerWindow))
        #expect(overTime.windows.reduce(0) { $0 + $1.count } == processed)
        let faults = Array(outcome.history).filter { $0.subject == HistoryEvent.Subject.fault }.count
        #expect(faults > 0 && overTime.windows.reduce(0) { $0 + $1.faultsFired } == faults)
        #expect(overTime.windows.allSatisfy { $0.count == 0 || $0.p50Micros <= $0.p99Micros })
        let svg = SVGLatencyOverTime.render(overTime, title: "over time")
        #expect(svg.contains("faults fired</title>"), "windows with faults are shaded, with the count on hover")
        #expect(svg.components(separatedBy: "<polyline").count - 1 >= 2)
    }

    @Test func aHistogramBarOfTenReachesTheTickLabelledTen() throws {
        let distribution = LatencyDistribution(buckets: [
            .init(lowerMicros: 0, upperMicros: 1, count: 1), .init(lowerMicros: 1, upperMicros: 2, count: 10),
            .init(lowerMicros: 2, upperMicros: 4, count: 100), .init(lowerMicros: 4, upperMicros: 8, count: 1_000),
        ])
        var histogram = LatencyRecorder.makeHistogram()
        _ = histogram.record(1_000)
        let svg = SVGLatencyChart.render(distribution, summary: LatencySummary(histogram), title: "bars")
        for count in [1, 10, 100] {
            let tickY = try #require(svg.firstMatch(of: try Regex("<text x=\"[0-9.]+\" y=\"([0-9.]+)\" text-anchor=\"end\">\(count)</text>"))
                .flatMap { Double(String($0.output[1].substring!)) })
            let barTop = try #require(svg.firstMatch(of: try Regex("<rect x=\"[0-9.]+\" y=\"([0-9.]+)\"[^>]*><title>[^<]*: \(count)</title>"))
                .flatMap { Double(String($0.output[1].substring!)) })
            #expect(abs(tickY - 4 - barTop) < 0.11, "count \(count): tick at \(tickY - 4), bar top at \(barTop)")
        }
    }

    @Test func throughputBucketsHoldEnoughDeliveriesAndRoundWidths() {
        let ms: UInt64 = 1_000_000
        #expect(ThroughputSeries.bucketWidthNanos(spanNanos: 284 * ms, count: 1_200) == 20 * ms)
        #expect(ThroughputSeries.bucketWidthNanos(spanNanos: 284 * ms, count: 300) == 50 * ms)
        #expect(ThroughputSeries.bucketWidthNanos(spanNanos: 600_000 * ms, count: 10_000_000) == 10_000 * ms)
        #expect(ThroughputSeries.bucketWidthNanos(spanNanos: 0, count: 0) == 20 * ms)
    }

    @Test func theThroughputChartFillsItsCard() {
        var series = ThroughputSeries(initialBucketWidthNanos: 20_000_000)
        for index in 0..<100 { series.add(elapsedNanos: UInt64(index) * 5_000_000) }
        let svg = SVGThroughputChart.render(series, title: "t", unit: "deliveries")
        #expect(svg.hasPrefix("<svg class=\"fluid\" viewBox="))
        #expect(svg.contains("in buckets of 20.0 ms"))
    }
}

@Suite struct WitnessTimelineMarkTests {
    /// Two deliveries of m-00000: w-01's claim finds the row taken and skips; w-02's claim errors and fails.
    static let events: [HistoryEvent] = {
        let skipped = Delivery(message: 0, copy: 1, attempt: 1)
        let failed = Delivery(message: 0, copy: 2, attempt: 1)
        return Array(History(merging: [[
            HistoryEvent(timeNanos: 1_000, worker: 1, delivery: skipped, kind: .invoke, subject: "delivery"),
            HistoryEvent(timeNanos: 2_000, worker: 1, delivery: skipped, kind: .invoke, subject: "claim", role: .claim),
            HistoryEvent(timeNanos: 3_000, worker: 1, delivery: skipped, kind: .fail, subject: "claim", role: .claim, rowsReturned: 0, rowsAffected: 0),
            HistoryEvent(timeNanos: 4_000, worker: 1, delivery: skipped, kind: .ok, subject: "delivery", detail: "skip", fact: .acknowledged(.skip)),
        ], [
            HistoryEvent(timeNanos: 1_500, worker: 2, delivery: failed, kind: .invoke, subject: "delivery"),
            HistoryEvent(timeNanos: 2_500, worker: 2, delivery: failed, kind: .invoke, subject: "claim", role: .claim),
            HistoryEvent(timeNanos: 3_500, worker: 2, delivery: failed, kind: .fail, subject: "claim", role: .claim, detail: "busy: database is locked"),
            HistoryEvent(timeNanos: 4_500, worker: 2, delivery: failed, kind: .fail, subject: "delivery", detail: "claim: busy"),
        ]]))
    }()

    @Test func aRecognisedDuplicateAndAFailedStepAreMarkedApart() throws {
        let svg = SVGWitnessTimeline.render(message: 0, events: Self.events, runOriginNanos: 0)
        _ = try HTMLChecks.wellFormedSVGs(svg)
        let skipMark = try #require(svg.split(separator: "\n").first { $0.contains("recognised a duplicate, skipped") })
        let failMark = try #require(svg.split(separator: "\n").first { $0.contains("claim failed: busy") })
        #expect(skipMark.contains("stroke=\"#7b4fa8\"") && !skipMark.contains("#c62828"))
        #expect(failMark.contains("stroke=\"#c62828\""))
        #expect(svg.contains(">w-01 c1 r1<") && svg.contains(">w-02 c2 r1<"), "lanes say worker, copy and receive")
    }

    @Test func everyMarkIsInTheTableUnderTheChart() {
        let table = SVGWitnessTimeline.table(message: 0, events: Self.events, runOriginNanos: 0)
        #expect(table.contains("<td>w-01 c1 r1</td><td><span style=\"color:#7b4fa8\">○</span> claim did not hold (rows returned 0, affected 0): recognised a duplicate, skipped</td>"))
        #expect(table.contains("<td>w-02 c2 r1</td><td><span style=\"color:#c62828\">✕</span> claim failed: busy: database is locked</td>"))
        #expect(table.contains("handed over; skipped as a duplicate at 4 µs"))
        #expect(SVGWitnessTimeline.legend.contains("receive number"), "the legend explains the lane labels")
    }
}
