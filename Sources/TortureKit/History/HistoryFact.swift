/// What an event establishes, as a value. Checkers, the HTML and the history hash read this,
/// never an event's `detail`: the detail is words for people, and rewording it changes nothing a
/// checker decides or a hash covers.
public enum HistoryFact: Sendable, Hashable, Codable {
    /// The broker took the delivery's acknowledgement (`delivery` ok).
    case acknowledged(Acknowledgement)
    /// The broker refused the acknowledgement: the lease had run out and the entry was received
    /// again (a zombie's ack).
    case ackRefused
    /// A fault of the plan fired at a point.
    case fault(FaultKind, InjectionPoint)
    /// The store refused a statement, or was lost, with its SQLSTATE when the server gave one.
    case storeError(StoreErrorKind, sqlState: SQLState?)

    /// Why the broker took an acknowledgement.
    public enum Acknowledgement: String, Sendable, Codable, CaseIterable {
        /// The handler's work landed.
        case done
        /// The handler recognised a duplicate: someone else did the work.
        case skip
        /// The delivery failed and the protocol acknowledged it anyway (`on-error: ack`).
        case swallowed
    }

    /// `acknowledged skip`, `fault stall@after-claim`, `store-error serialization-failure [40001]`.
    public var text: String {
        switch self {
        case .acknowledged(let why): "acknowledged \(why.rawValue)"
        case .ackRefused: "ack-refused"
        case .fault(let kind, let point): "fault \(kind.rawValue)@\(point.rawValue)"
        case .storeError(let kind, let sqlState): "store-error \(kind.rawValue)" + (sqlState.map { " [\($0)]" } ?? "")
        }
    }

    /// The skip a duplicate's delivery was acknowledged with.
    public var isSkip: Bool { self == .acknowledged(.skip) }

    /// The fact `text` spells; nil for anything else.
    public init?(text: String) {
        let words = text.split(separator: " ").map(String.init)
        switch words.first {
        case "acknowledged" where words.count == 2:
            guard let why = Acknowledgement(rawValue: words[1]) else { return nil }
            self = .acknowledged(why)
        case "ack-refused" where words.count == 1:
            self = .ackRefused
        case "fault" where words.count == 2:
            let parts = words[1].split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]) else { return nil }
            self = .fault(kind, point)
        case "store-error" where words.count == 2 || words.count == 3:
            guard let kind = StoreErrorKind(rawValue: words[1]) else { return nil }
            guard words.count == 3 else {
                self = .storeError(kind, sqlState: nil)
                return
            }
            let code = words[2].dropFirst().dropLast()
            guard words[2].hasPrefix("["), words[2].hasSuffix("]"), code.utf8.count == 5 else { return nil }
            self = .storeError(kind, sqlState: SQLState(rawValue: String(code)))
        default:
            return nil
        }
    }

    /// In JSON a fact is its `text`, as history.jsonl writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let fact = HistoryFact(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "`\(text)` is no history fact")
        }
        self = fact
    }
}

extension HistoryFact {
    private enum Tag: UInt8 {
        case acknowledged = 1, ackRefused, fault, storeError
    }

    /// A tag byte, then per case: the acknowledgement; the fault kind and point; the store error
    /// kind and 0, or 1 and the SQLSTATE's five bytes.
    func append(to bytes: inout [UInt8]) {
        switch self {
        case .acknowledged(let why):
            bytes.append(Tag.acknowledged.rawValue)
            bytes.append(UInt8(Acknowledgement.allCases.firstIndex(of: why)!))
        case .ackRefused:
            bytes.append(Tag.ackRefused.rawValue)
        case .fault(let kind, let point):
            bytes.append(Tag.fault.rawValue)
            bytes.append(UInt8(FaultKind.allCases.firstIndex(of: kind)!))
            bytes.append(UInt8(point.code))
        case .storeError(let kind, let sqlState):
            bytes.append(Tag.storeError.rawValue)
            bytes.append(UInt8(StoreErrorKind.allCases.firstIndex(of: kind)!))
            if let sqlState {
                bytes.append(1)
                bytes.append(contentsOf: sqlState.rawValue.utf8)
            } else {
                bytes.append(0)
            }
        }
    }

    static func read(_ reader: inout ByteReader) -> HistoryFact {
        guard let tag = Tag(rawValue: reader.byte()) else { preconditionFailure("a history record's fact has an unknown tag") }
        switch tag {
        case .acknowledged:
            return .acknowledged(Acknowledgement.allCases[Int(reader.byte())])
        case .ackRefused:
            return .ackRefused
        case .fault:
            let kind = FaultKind.allCases[Int(reader.byte())]
            let code = UInt64(reader.byte())
            guard let point = InjectionPoint.allCases.first(where: { $0.code == code }) else {
                preconditionFailure("a history record's fault names injection point \(code), which does not exist")
            }
            return .fault(kind, point)
        case .storeError:
            let kind = StoreErrorKind.allCases[Int(reader.byte())]
            guard reader.byte() == 1 else { return .storeError(kind, sqlState: nil) }
            return .storeError(kind, sqlState: SQLState(rawValue: reader.text(count: 5)))
        }
    }

    /// What the history hash covers of a fact: its encoding, which names no words.
    func hash(into hash: inout ContentHash) {
        var bytes: [UInt8] = []
        append(to: &bytes)
        hash.add(bytes: bytes)
    }
}
