import ArgumentParser
import ChairCore
import ChairStorage

// What the command line takes as an argument, parsed by the model's own parser.

extension RetentionPeriod: ExpressibleByArgument {
    package init?(argument: String) { self.init(typed: argument) }
}

extension CalendarDay: ExpressibleByArgument {
    package init?(argument: String) { self.init(typed: argument) }
}
