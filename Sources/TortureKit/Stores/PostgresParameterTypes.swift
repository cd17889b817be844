/// The types PostgreSQL is told a statement's parameters have when it is prepared. Untyped, a
/// parameter's type is guessed from where it stands, and `$1 + $2` or `$1 IS NULL` cannot be
/// guessed; typed, a step value means what it meant in the row it came from.
enum PostgresParameterTypes {
    /// Lets the server infer the type, as it did for every parameter before types were sent.
    static let unknown: UInt32 = 0
    static let bool: UInt32 = 16
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701

    /// One type per slot of `statement`: a step value as the column it came from (integers and
    /// floats widened, as `SQLValue` holds them: a sum of two int4 balances must not overflow
    /// where it would not on SQLite), else as the value's own type; a NULL from no typed column is
    /// left to the server; a built-in name is an integer or text.
    static func oids(of statement: SQLTemplate, _ parameters: StatementParameters) -> [UInt32] {
        statement.parameters.map { name in
            if let column = name.stepColumn, let declared = parameters.stepTypes[column] {
                return widened(declared.id)
            }
            return oid(of: parameters.value(of: name))
        }
    }

    static func oid(of value: SQLValue) -> UInt32 {
        switch value {
        case .null: unknown
        case .integer: int8
        case .real: float8
        case .text: text
        case .boolean: bool
        }
    }

    private static func widened(_ oid: UInt32) -> UInt32 {
        switch oid {
        case int2, int4: int8
        case float4: float8
        default: oid
        }
    }

    /// How messages name a type: its SQL name where it is one of these, else its OID.
    static func name(of oid: UInt32) -> String {
        switch oid {
        case unknown: "unknown (the server's guess)"
        case bool: "bool"
        case int8: "int8"
        case text: "text"
        case float8: "float8"
        default: "type \(oid)"
        }
    }
}
