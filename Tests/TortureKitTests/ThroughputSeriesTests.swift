import Testing
@testable import TortureKit

@Suite struct ThroughputSeriesTests {
    @Test func aThroughputSeriesStaysWithinItsCapacity() {
        var series = ThroughputSeries(initialBucketWidthNanos: 1_000, capacity: 10)
        for nanos in stride(from: UInt64(0), to: 1_000_000, by: 100) { series.add(elapsedNanos: nanos) }
        #expect(series.counts.count <= 10)
        #expect(series.total == 10_000)
        #expect(series.bucketWidthNanos >= 100_000)
    }

    @Test func anIntervalIsSpreadOverTheBucketsItCovers() {
        var series = ThroughputSeries(initialBucketWidthNanos: 1_000, capacity: 10)
        series.add(fromNanos: 500, toNanos: 3_500, count: 300)
        #expect(series.counts == [50, 100, 100, 50])
        series.add(fromNanos: 3_600, toNanos: 3_700, count: 7)
        #expect(series.counts == [50, 100, 100, 57])
    }
}
