import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// `chair stats`: anonymous counts for meetings and reports.
struct StatsCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts by month, category and kind, and how quickly contact requests were handled.",
        discussion: """
            Small counts are shown as "<5" so the statistics cannot single anyone out.

            Example:
              chair stats
              chair stats --csv > stats.csv
              chair stats --chart report-chart.svg
              chair stats --since 2026-01-01 --until 2026-03-31 --json
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var counting: CountingOptions

    @Flag var format: Statistics.Format = .table

    @Option(
        help: ArgumentHelp("Also write a bar chart of submissions per month to this SVG file.", valueName: "file.svg"))
    var chart: String?

    func execute() throws(ChairError) {
        let statistics = try counting.statistics(store.unlock(options))
        print(statistics.render(as: format), terminator: "")
        if let chart {
            try ChairFiles.create(at: chart, contents: Array(BarChart.render(statistics).utf8))
            printStatus("chair: wrote the chart to \(chart)")
        }
    }
}

/// `--table` (the default), `--csv` or `--json`: ArgumentParser refuses two of them together.
extension Statistics.Format: EnumerableFlag {
    static func help(for value: Self) -> ArgumentHelp? {
        switch value {
        case .table: "Print a table."
        case .csv: "Print comma-separated values."
        case .json: "Print JSON."
        }
    }
}
