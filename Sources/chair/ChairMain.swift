import ChairKit

/// The executable only hands over to the library, where the logic and its tests live.
@main
enum ChairMain {
    static func main() async {
        await ChairCommand.main(nil)
    }
}
