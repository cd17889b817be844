/// The messages of the handler protocol (docs/handler-protocol.md), written and read.
enum HandlerProtocol {
    static let version = 1

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func initMessage(_ facts: HandlerRunFacts, worker: String, database: String, timeoutMillis: Int) -> JSONValue {
        .object([
            ("type", .string("init")), ("protocol", .integer(Int64(version))), ("worker", .string(worker)),
            ("seed", .string(facts.seed.description)), ("scenario", .string(facts.scenario)),
            ("dialect", .string(facts.dialect.rawValue)), ("database", .string(database)),
            ("timeout_millis", .integer(Int64(timeoutMillis))),
        ])
    }

    static let shutdownMessage = JSONValue.object([("type", .string("shutdown"))])

    static func readInitAnswer(_ line: String) -> Result<Void, Problem> {
        let message: JSONValue
        do {
            message = try JSONParser.parse(line)
        } catch {
            return .failure(Problem(description: "the handler answered `init` with non-JSON (\(error)): \(quoted(line))"))
        }
        guard message["type"]?.string == "init_ok" else {
            if message["type"]?.string == "error" {
                return .failure(Problem(description: "the handler refused `init`: \(message["text"]?.string ?? quoted(line))"))
            }
            return .failure(Problem(description: "the handler answered `init` with \(quoted(line)); expected {\"type\":\"init_ok\",\"protocol\":\(version)}"))
        }
        guard let spoken = message["protocol"]?.integer else {
            return .failure(Problem(description: "the handler's `init_ok` names no protocol version; torture speaks \(version)"))
        }
        guard spoken == Int64(version) else {
            return .failure(Problem(description: "the handler speaks protocol \(spoken); torture speaks \(version)"))
        }
        return .success(())
    }

    static func deliverMessage(id: Int, parameters: StatementParameters, delivery: Delivery, subscribers: Int,
                               deadlineMillis: Int, nowMillis: Int64, randomSeed: Int64, body: JSONValue, event: JSONValue) -> JSONValue {
        .object([
            ("type", .string("deliver")), ("id", .integer(Int64(id))), ("message", .string(parameters.message)),
            ("message_number", .integer(Int64(parameters.messageNumber))), ("copy", .integer(Int64(delivery.copy))),
            ("attempt", .integer(Int64(delivery.attempt))), ("receive_count", .integer(Int64(delivery.attempt))),
            ("subscriber", subscribers > 1 ? .string(parameters.subscriber) : .null), ("lease", .integer(Int64(parameters.lease))),
            ("deadline_millis", .integer(Int64(deadlineMillis))), ("now_millis", .integer(nowMillis)),
            ("random_seed", .integer(randomSeed)), ("body", body), ("event", event),
        ])
    }

    /// The seed a delivery's randomness comes from: the run's seed and the delivery, as a
    /// non-negative 63-bit number (exact in any JSON reader that keeps integers).
    static func randomSeed(_ seed: Seed, _ delivery: Delivery) -> Int64 {
        Int64(bitPattern: Mix.combine(seed.value, 0x2A4D_0A17, UInt64(delivery.message), UInt64(delivery.copy),
                                      UInt64(delivery.attempt), UInt64(delivery.subscriber)) >> 1)
    }

    static func go(id: Int, nowMillis: Int64) -> JSONValue {
        .object([("type", .string("go")), ("id", .integer(Int64(id))), ("now_millis", .integer(nowMillis))])
    }

    static func raise(id: Int, error: String, kind: String) -> JSONValue {
        .object([("type", .string("raise")), ("id", .integer(Int64(id))), ("error", .string(error)), ("kind", .string(kind))])
    }

    /// What a child says during a delivery.
    enum ChildMessage {
        case step(name: String, role: StepRole?, status: HistoryEvent.Kind, rows: Int?, values: StepValues?, error: String?)
        case point(InjectionPoint)
        case result(DeliveryDecision)
    }

    /// Reads one line of a child's about delivery `id`.
    static func read(_ line: String, id: Int) -> Result<ChildMessage, Problem> {
        let message: JSONValue
        do {
            message = try JSONParser.parse(line)
        } catch {
            return .failure(Problem(description: "the handler wrote non-JSON on stdout (\(error)): \(quoted(line))"))
        }
        guard case .object = message, let type = message["type"]?.string else {
            return .failure(Problem(description: "the handler wrote a line without a `type`: \(quoted(line))"))
        }
        guard let lineId = message["id"]?.integer else {
            return .failure(Problem(description: "the handler's `\(type)` has no `id` (delivery \(id) is open): \(quoted(line))"))
        }
        guard lineId == Int64(id) else {
            return .failure(Problem(description: "the handler's `\(type)` is about delivery \(lineId), but delivery \(id) is the open one: \(quoted(line))"))
        }
        switch type {
        case "result":
            switch message["outcome"]?.string {
            case "done": return .success(.result(.done))
            case "skip": return .success(.result(.skip))
            case "fail": return .success(.result(.fail("handler: " + (message["reason"]?.string ?? "failed"))))
            default: return .failure(Problem(description: "the handler's `result` needs `outcome` done, skip or fail: \(quoted(line))"))
            }
        case "point":
            guard let name = message["name"]?.string, let point = InjectionPoint(rawValue: name), point != .beforeAck else {
                let names = InjectionPoint.allCases.filter { $0 != .beforeAck }.map(\.rawValue).joined(separator: ", ")
                return .failure(Problem(description: "the handler's `point` needs a `name` among \(names): \(quoted(line))"))
            }
            return .success(.point(point))
        case "step":
            guard let name = message["name"]?.string, !name.isEmpty else {
                return .failure(Problem(description: "the handler's `step` has no `name`: \(quoted(line))"))
            }
            var role: StepRole?
            if let text = message["role"]?.string {
                guard let known = StepRole(rawValue: text) else {
                    return .failure(Problem(description: "the handler's step `\(name)` has role `\(text)`; expected read, claim, submit or write"))
                }
                role = known
            }
            let status: HistoryEvent.Kind
            switch message["status"]?.string {
            case "invoke": status = .invoke
            case "ok": status = .ok
            case "fail": status = .fail
            default: return .failure(Problem(description: "the handler's step `\(name)` needs `status` invoke, ok or fail: \(quoted(line))"))
            }
            let rows = message["rows"]?.integer.map { Int(clamping: $0) }
            var values: StepValues?
            if case .object(let members) = message["values"] ?? .null, !members.isEmpty {
                values = StepValues(columns: members.map(\.0), values: members.map { Self.sqlValue($0.1) })
            }
            return .success(.step(name: name, role: role, status: status, rows: rows, values: values, error: message["error"]?.string))
        default:
            return .failure(Problem(description: "the handler wrote an unknown message type `\(type)`: \(quoted(line))"))
        }
    }

    private static func sqlValue(_ value: JSONValue) -> SQLValue {
        switch value {
        case .null: .null
        case .bool(let flag): .boolean(flag)
        case .integer(let number): .integer(number)
        case .number(let number): .real(number)
        case .string(let text): .text(text)
        case .array, .object: .text(value.encoded)
        }
    }

    /// A line as a message quotes it: at most 200 characters.
    static func quoted(_ line: String) -> String {
        let shown = line.count > 200 ? line.prefix(200) + "…" : Substring(line)
        return "`\(shown)`"
    }
}
