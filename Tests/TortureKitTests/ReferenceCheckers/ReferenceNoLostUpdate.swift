@testable import TortureKit

// The no-lost-update checker as it was before it streamed (every read-modify-write of the run
// held to the end), kept only here as the reference `NoLostUpdateChecker` must match.

/// No two deliveries that landed read the same value of the same key while both were in flight:
/// the application read a value, computed a new one from it and wrote it back, and when two do
/// so from the same reading one of their writes is lost (`count = read(); write(count + 1)`).
/// Reads the values the history keeps for the named steps; "in flight" is from the read until
/// the delivery's work landed, so a later delivery that legitimately reads the same value again
/// (a counter that went down and up) is not blamed.
struct ReferenceNoLostUpdate {
    let read: StepColumn
    let wrote: StepColumn?
    let key: StepColumn?
    let invariant = "no-lost-update"

    init(read: StepColumn, wrote: StepColumn? = nil, key: StepColumn? = nil) {
        self.read = read
        self.wrote = wrote
        self.key = key
    }

    private struct ReadModifyWrite {
        var worker: Int
        var delivery: Delivery
        var readValue: SQLValue?
        var readNanos: UInt64 = 0
        var readEvent = 0
        var wroteValue: SQLValue?
        var key: SQLValue?
        var landedNanos: UInt64?
        var landedEvent = 0
    }

    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        var flights: [Delivery: ReadModifyWrite] = [:]
        for event in input.events where event.isAboutDelivery && (event.kind == .ok || event.kind == .fail) {
            let delivery = event.delivery
            if event.subject == HistoryEvent.Subject.processed {
                flights[delivery]?.landedNanos = event.timeNanos
                flights[delivery]?.landedEvent = event.index
                continue
            }
            guard let values = event.values else { continue }
            if event.subject == read.step, let value = values[read.column] {
                flights[delivery] = ReadModifyWrite(worker: event.worker, delivery: delivery, readValue: value,
                                                    readNanos: event.timeNanos, readEvent: event.index)
            }
            if event.subject == key?.step, let column = key?.column { flights[delivery]?.key = values[column] }
            if event.subject == wrote?.step, let column = wrote?.column { flights[delivery]?.wroteValue = values[column] }
        }
        var groups: [String: [ReadModifyWrite]] = [:]
        for flight in flights.values where flight.landedNanos != nil {
            guard let value = flight.readValue else { continue }
            groups["\(flight.key?.tagged ?? "")\u{1}\(value.tagged)", default: []].append(flight)
        }
        var witnesses: [Witness] = []
        for group in groups.values where group.count > 1 {
            let ordered = group.sorted { ($0.readNanos, $0.readEvent) < ($1.readNanos, $1.readEvent) }
            // A reading made after every earlier one of the same value had landed saw their writes.
            var cluster: [ReadModifyWrite] = []
            var clusterLandedNanos: UInt64 = 0
            for flight in ordered {
                if !cluster.isEmpty, flight.readNanos < clusterLandedNanos {
                    cluster.append(flight)
                    clusterLandedNanos = max(clusterLandedNanos, flight.landedNanos!)
                    continue
                }
                if cluster.count > 1 { witnesses.append(witness(cluster)) }
                cluster = [flight]
                clusterLandedNanos = flight.landedNanos!
            }
            if cluster.count > 1 { witnesses.append(witness(cluster)) }
        }
        witnesses.sort { ($0.events.first ?? 0) < ($1.events.first ?? 0) }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    /// Names the first few read-modify-writes of a cluster; the rest are counted.
    private func witness(_ flights: [ReadModifyWrite]) -> Witness {
        let named = flights.prefix(Self.namedPerWitness).map { flight -> String in
            let wrote = flight.wroteValue.map { " and wrote \($0.description)" } ?? ""
            return "\(Names.worker(flight.worker)) read \(flight.readValue!.description)\(wrote) (\(flight.delivery.label))"
        }
        let more = flights.count > Self.namedPerWitness ? ["\(flights.count - Self.namedPerWitness) more read it too"] : []
        let subject = flights[0].key.map { "\(key!.column) = \($0.description): " } ?? ""
        let lost = flights.count == 2 ? "one update is lost" : "\(flights.count - 1) updates are lost"
        return Witness(
            message: Names.message(flights[0].delivery.message),
            workers: flights.map { Names.worker($0.worker) },
            events: flights.flatMap { [$0.readEvent, $0.landedEvent] }.sorted(),
            text: "\(subject)\(WorkerList.words(named + more)), each read-modify-write landed: \(lost)")
    }

    static let namedPerWitness = 3
}
