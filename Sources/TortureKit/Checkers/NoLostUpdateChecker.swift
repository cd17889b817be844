/// No two deliveries that landed read the same value of the same key while both were in flight:
/// the application read a value, computed a new one from it and wrote it back, and when two do
/// so from the same reading one of their writes is lost (`count = read(); write(count + 1)`).
/// Reads the values the history keeps for the named steps; "in flight" is from the read until
/// the delivery's work landed, so a later delivery that legitimately reads the same value again
/// (a counter that went down and up) is not blamed.
///
/// Streams. Read-modify-writes of the same key and value are taken in the order of their reads;
/// one joins the cluster before it when it read before every earlier one had landed, and a
/// cluster of two or more is a witness. What it keeps:
/// - each delivery's read-modify-write from its read until the delivery ends (its worker's next
///   delivery): where it lands and its key are known only then — one per worker;
/// - finished ones that landed, waiting for every earlier read to finish too, since a cluster is
///   built in read order: as many as finish while the oldest unfinished one is still going
///   (a stalled delivery holds back those read after it);
/// - per key and value, the open cluster, closed (and dropped) once no later read can join it;
/// - the witnesses.
/// Deliveries that never land are dropped when they end.
public struct NoLostUpdateChecker: StreamingChecker {
    public let read: StepColumn
    public let wrote: StepColumn?
    public let key: StepColumn?
    public let invariant = "no-lost-update"

    public init(read: StepColumn, wrote: StepColumn? = nil, key: StepColumn? = nil) {
        self.read = read
        self.wrote = wrote
        self.key = key
    }

    public func makeObserver(messages: Int, policy: DeliveryPolicy) -> any CheckingObserver {
        Observer(checker: self)
    }

    struct ReadModifyWrite {
        var worker: Int
        var delivery: Delivery
        var readValue: SQLValue
        var readNanos: UInt64
        var readEvent: Int
        var wroteValue: SQLValue?
        var key: SQLValue?
        var landedNanos: UInt64?
        var landedEvent = 0
        /// Its delivery ended: nothing more will be said about it.
        var finished = false

        var group: String { "\(key?.tagged ?? "")\u{1}\(readValue.tagged)" }
    }

    /// Read-modify-writes of one key and value whose reads overlapped the earlier ones' flights.
    struct Cluster {
        var members: [ReadModifyWrite] = []
        var landedNanos: UInt64 = 0
    }

    final class Observer: CheckingObserver {
        let checker: NoLostUpdateChecker
        private var inFlight = DeliveriesInFlight()
        /// By read number (the order of the reads).
        private var flights: [Int: ReadModifyWrite] = [:]
        /// Read numbers in read order, from `head` on not yet taken into a cluster.
        private var order: [Int] = []
        private var head = 0
        private var nextNumber = 0
        /// The read-modify-write of each delivery not yet ended.
        private var open: [Delivery: Int] = [:]
        private var clusters: [String: Cluster] = [:]
        private var pruneAt = Observer.pruneFloor
        private var nowNanos: UInt64 = 0
        private var witnesses: [Witness] = []

        static let pruneFloor = 64

        init(checker: NoLostUpdateChecker) {
            self.checker = checker
        }

        func observe(_ event: HistoryEvent) {
            nowNanos = event.timeNanos
            if let ended = inFlight.observe(event) { finish(ended) }
            guard event.kind == .ok || event.kind == .fail else { return }
            let delivery = event.delivery
            if event.subject == HistoryEvent.Subject.processed {
                if let number = open[delivery] {
                    flights[number]!.landedNanos = event.timeNanos
                    flights[number]!.landedEvent = event.index
                }
                return
            }
            guard let values = event.values else { return }
            if event.subject == checker.read.step, let value = values[checker.read.column] {
                // A second reading in one delivery replaces the first.
                if let replaced = open[delivery] { flights[replaced] = nil }
                flights[nextNumber] = ReadModifyWrite(worker: event.worker, delivery: delivery, readValue: value,
                                                      readNanos: event.timeNanos, readEvent: event.index)
                open[delivery] = nextNumber
                order.append(nextNumber)
                nextNumber += 1
                advance()
            }
            guard let number = open[delivery] else { return }
            if event.subject == checker.key?.step, let column = checker.key?.column { flights[number]!.key = values[column] }
            if event.subject == checker.wrote?.step, let column = checker.wrote?.column { flights[number]!.wroteValue = values[column] }
        }

        private func finish(_ delivery: Delivery) {
            guard let number = open.removeValue(forKey: delivery) else { return }
            if flights[number]!.landedNanos == nil {
                flights[number] = nil
            } else {
                flights[number]!.finished = true
            }
            advance()
        }

        /// Takes finished read-modify-writes into clusters in read order, up to the first unfinished one.
        private func advance() {
            while head < order.count {
                guard let flight = flights[order[head]] else {
                    head += 1
                    continue
                }
                guard flight.finished else { break }
                flights[order[head]] = nil
                head += 1
                join(flight)
            }
            if head > 1_024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }

        private func join(_ flight: ReadModifyWrite) {
            assert(flight.finished && flight.landedNanos != nil, "only a finished read-modify-write that landed joins a cluster")
            let group = flight.group
            var cluster = clusters[group] ?? Cluster()
            if !cluster.members.isEmpty, flight.readNanos < cluster.landedNanos {
                cluster.members.append(flight)
                cluster.landedNanos = max(cluster.landedNanos, flight.landedNanos!)
            } else {
                close(cluster)
                cluster = Cluster(members: [flight], landedNanos: flight.landedNanos!)
            }
            clusters[group] = cluster
            if clusters.count >= pruneAt { prune() }
        }

        /// Closes the clusters no later read can join: every read not yet taken is at or after
        /// the oldest one waiting (or now), and joining takes a read before the cluster's last landing.
        private func prune() {
            let frontier = order[head...].lazy.compactMap { self.flights[$0]?.readNanos }.first ?? nowNanos
            for (group, cluster) in clusters where cluster.landedNanos <= frontier {
                close(cluster)
                clusters[group] = nil
            }
            pruneAt = max(Self.pruneFloor, clusters.count * 2)
        }

        private func close(_ cluster: Cluster) {
            if cluster.members.count > 1 { witnesses.append(checker.witness(cluster.members)) }
        }

        func verdict(_ input: CheckInput) throws(StoreError) -> Verdict {
            for delivery in Array(open.keys) { finish(delivery) }
            assert(open.isEmpty && flights.isEmpty && head == order.count,
                   "once every delivery ended, each read-modify-write was taken into a cluster or dropped")
            for cluster in clusters.values { close(cluster) }
            clusters = [:]
            return Verdict(invariant: checker.invariant, witnesses: witnesses.sorted { ($0.events.first ?? 0) < ($1.events.first ?? 0) })
        }
    }

    /// Names the first few read-modify-writes of a cluster; the rest are counted.
    func witness(_ flights: [ReadModifyWrite]) -> Witness {
        let named = flights.prefix(Self.namedPerWitness).map { flight -> String in
            let wrote = flight.wroteValue.map { " and wrote \($0.description)" } ?? ""
            return "\(Names.worker(flight.worker)) read \(flight.readValue.description)\(wrote) (\(flight.delivery.label))"
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
