/// An environment value for a handler, with placeholders for the run's own store:
/// `${torture.database}`, `${torture.dialect}`, `${torture.worker}`, `${torture.seed}`, and
/// `${env.NAME}` for torture's own environment.
public struct EnvironmentTemplate: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case database, dialect, worker, seed
        case environment(String)
    }

    let pieces: [Piece]

    /// Why `text` is not a template: an unknown or unclosed placeholder.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws(Failure) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw Failure(description: "`${` without its `}` in \"\(text)\"")
            }
            let name = String(rest[start.upperBound..<end])
            switch name {
            case "torture.database": pieces.append(.database)
            case "torture.dialect": pieces.append(.dialect)
            case "torture.worker": pieces.append(.worker)
            case "torture.seed": pieces.append(.seed)
            case _ where name.hasPrefix("env.") && name.count > 4
                && name.dropFirst(4).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }):
                pieces.append(.environment(String(name.dropFirst(4))))
            default:
                let known = ["torture.database", "torture.dialect", "torture.worker", "torture.seed", "env.NAME"]
                let hint = Suggestion.closest(to: name, among: known).map { "; did you mean `${\($0)}`?" } ?? ""
                throw Failure(description: "unknown placeholder `${\(name)}`\(hint) (known: \(known.map { "${\($0)}" }.joined(separator: ", ")))")
            }
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// Whether the value holds the run's connection string (which may carry a password).
    var namesDatabase: Bool { pieces.contains(.database) }

    /// `database`: the worker's own (through its port of the proxy, where there is one).
    func rendered(_ run: HandlerRunFacts, worker: String, database: String, environment: [String: String]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .database: database
            case .dialect: run.dialect.rawValue
            case .worker: worker
            case .seed: run.seed.description
            case .environment(let name): environment[name] ?? ""
            }
        }.joined()
    }
}
