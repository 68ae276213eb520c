import ArgumentParser
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// Help is wrapped once, by the parser, to the reader's terminal: the source's paragraphs are
/// single lines, so that no line break of ours lands in the middle of the parser's lines.
@Suite("Help text")
struct HelpTextTests {
    static func everyCommand(_ command: any ParsableCommand.Type = ChairCommand.self) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { everyCommand($0) }
    }

    /// Each place where a line of prose runs on into the next: a break made by hand. Examples
    /// are indented, and a line ending in ":" introduces them.
    static func handBreaks(in discussion: String) -> [String] {
        let lines = discussion.split(separator: "\n", omittingEmptySubsequences: false)
        return zip(lines, lines.dropFirst()).filter { line, next in
            !line.isEmpty && !next.isEmpty && !line.hasPrefix(" ") && !next.hasPrefix(" ") && !line.hasSuffix(":")
        }.map { "\($0) / \($1)" }
    }

    @Test("no paragraph of a command's discussion is broken by hand: only examples run over several lines")
    func paragraphsAreSingleLines() {
        let broken = Self.everyCommand().flatMap { command in
            Self.handBreaks(in: command.configuration.discussion).map {
                "\(command.configuration.commandName ?? "chair"): \($0)"
            }
        }
        #expect(broken == [])
    }

    @Test("the check finds a paragraph broken by hand, and passes paragraphs and examples")
    func theCheckCanFail() {
        #expect(Self.handBreaks(in: "A sentence broken\nin the middle.") == ["A sentence broken / in the middle."])
        #expect(Self.handBreaks(in: "One paragraph.\n\nExample:\n  chair list\n  chair read 1") == [])
    }
}
