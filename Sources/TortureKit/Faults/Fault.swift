/// What the fault plan decided for one (message, attempt, point).
public enum Fault: Sendable, Equatable, Hashable, Codable {
    case delay(millis: Int)

    public var kind: String {
        switch self {
        case .delay: "delay"
        }
    }

    public var summary: String {
        switch self {
        case .delay(let millis): "delay \(millis) ms"
        }
    }
}

/// A fault that fired during a run, with where it fired: the report lists these.
public struct FiredFault: Sendable, Equatable, Hashable, Codable {
    public var message: Int
    public var attempt: Int
    public var point: InjectionPoint
    public var fault: Fault
    public var worker: Int

    public init(message: Int, attempt: Int, point: InjectionPoint, fault: Fault, worker: Int) {
        self.message = message
        self.attempt = attempt
        self.point = point
        self.fault = fault
        self.worker = worker
    }
}
