import Testing
@testable import TortureKit

/// What PostgreSQL is told each parameter is: the kept column's type (integers and floats
/// widened), else the value's own, else the server's guess.
@Suite struct PostgresParameterTypesTests {
    let read = StepColumn(step: "read", column: "value")

    private func oids(_ sql: String, _ parameters: StatementParameters) throws -> [UInt32] {
        PostgresParameterTypes.oids(of: try SQLTemplate(sql), parameters)
    }

    @Test func builtInNamesAreIntegersOrText() throws {
        let parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        let integers = try oids(":message_number :attempt :copy :lease :now :tick", parameters)
        #expect(integers == Array(repeating: PostgresParameterTypes.int8, count: 6))
        #expect(try oids(":message :worker :subscriber :seed", parameters) == Array(repeating: PostgresParameterTypes.text, count: 4))
    }

    @Test func aKeptColumnsTypeWinsAndIsWidened() throws {
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        #expect(try oids(":read.value", parameters) == [PostgresParameterTypes.unknown], "never kept: the server guesses")
        parameters.stepValues[read] = .integer(5)
        #expect(try oids(":read.value", parameters) == [PostgresParameterTypes.int8], "a value without a column type: its own")
        parameters.stepTypes[read] = ColumnType(id: PostgresParameterTypes.int4)
        parameters.stepValues[read] = .null
        #expect(try oids(":read.value", parameters) == [PostgresParameterTypes.int8], "a NULL of an int4 column")
        parameters.stepTypes[read] = ColumnType(id: 1184)
        #expect(try oids(":read.value", parameters) == [1184], "a timestamptz stays one")
        parameters.stepTypes[read] = ColumnType(id: PostgresParameterTypes.float4)
        #expect(try oids(":read.value", parameters) == [PostgresParameterTypes.float8])
    }

    @Test func aLetsParametersAreTypedWhereverItIsPlaced() throws {
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        parameters.stepValues[read] = .boolean(true)
        let template = try SQLTemplate("SELECT :flag AND :flag, :now", lets: ["flag": "NOT :read.value"])
        #expect(PostgresParameterTypes.oids(of: template, parameters) == [PostgresParameterTypes.bool, PostgresParameterTypes.int8])
    }
}
