import ArgumentParser
import TortureKit

/// Shell completion of scenario names: what `torture list` would show from the folder the command
/// line names with --scenarios (else ./scenarios and the built-in catalogue).
enum ScenarioCompletion {
    static let kind = CompletionKind.custom { words, _, prefix in names(words: words, prefix: prefix) }

    static func names(words: [String], prefix: String) -> [String] {
        let folder = words.firstIndex(of: "--scenarios").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
        let files = (try? ScenarioCatalogue.resolving(explicitDirectory: folder).files()) ?? []
        return files.map(ScenarioCatalogue.name(ofPath:)).filter { $0.hasPrefix(prefix) }
    }
}

/// A first word that is no subcommand gets the nearest one named, instead of argument-parser's
/// "unexpected argument".
enum SubcommandSuggestion {
    static func message(for arguments: [String], subcommands: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !subcommands.contains(word), word != "help" else { return nil }
        let hint = Suggestion.closest(to: word, among: subcommands).map { "; did you mean `torture \($0)`?" } ?? ""
        return "error: `\(word)` is not a torture command\(hint) (commands: \(subcommands.joined(separator: ", ")); torture --help)"
    }
}
