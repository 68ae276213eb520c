import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// `chair report`: the statistics for a meeting, as one printable HTML file.
struct ReportCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the statistics for a meeting as one printable web page.",
        discussion: """
            The page holds counts only, with small ones hidden as in 'chair stats', and no message \
            text or contact details. It loads nothing from anywhere: it can be emailed or printed.

            Example:
              chair report --since 2026-01-01 --until 2026-03-31 --output report-q1.html
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var counting: CountingOptions

    @Option(help: ArgumentHelp("The web page to write (it must not exist yet).", valueName: "file.html"))
    var output: String

    func execute() throws(ChairError) {
        let statistics = try counting.statistics(store.unlock(options))
        try ChairFiles.create(at: output, contents: Array(ReportPage.render(statistics, made: Date()).utf8))
        printStatus("chair: wrote the report for \(statistics.period.words) to \(output)")
    }
}

/// What `stats` and `report` count: the days, and below what a count is hidden.
struct CountingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Count messages from this day on (YYYY-MM-DD).", valueName: "day"))
    var since: CalendarDay?

    @Option(help: ArgumentHelp("Count messages up to and including this day (YYYY-MM-DD).", valueName: "day"))
    var until: CalendarDay?

    @Option(help: "Show counts below this number as \"<N\". 1 shows every count.")
    var threshold = 5

    func validate() throws {
        if threshold < 1 { throw ValidationError("--threshold must be at least 1") }
        if let since, let until, until < since {
            throw ValidationError("--until \(until) is before --since \(since): give the earlier day first")
        }
    }

    /// The statistics of the unlocked `store`'s messages, and of those deleted from it.
    func statistics(_ store: ChairStore) throws(ChairError) -> Statistics {
        Statistics(
            messages: try store.fetchMessagesForChair(), kept: try store.fetchKeptCountsForChair().messages,
            threshold: threshold,
            period: ReportPeriod(since: since, until: until))
    }
}
