import ChairCLI

#if canImport(Glibc)
    import Glibc
#endif

/// The executable only hands over to the library, where the logic and its tests live.
@main
enum ChairMain {
    static func main() async {
        // Everything the chair's tool writes (the store and its WAL, records, charts) is private
        // unless a command says otherwise.
        umask(0o077)
        await ChairCommand.main(nil)
    }
}
