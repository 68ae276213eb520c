import CLinux
import Foundation

/// What the relay does to its own process before it reads a single request, so that a person's
/// words (held in memory for the moment it takes to seal them, when JavaScript is off) do not
/// outlive the request there or reach a core file.
///
/// Swift's strings, NIO's buffers and Foundation's data all live in glibc's heap, and a freed
/// block keeps its bytes until something reuses it. So the allocator itself is told to
/// overwrite every block it frees (`glibc.malloc.perturb`), and to keep no per-thread cache of
/// freed small blocks (`glibc.malloc.tcache_count=0`), which perturb does not reach. glibc
/// reads these tunables only when a process starts, so the relay starts itself again, once,
/// with them set.
public enum ProcessHardening {
    /// The byte freed memory is overwritten with (glibc fills new blocks with its complement).
    static let perturbByte: Int32 = 0xA5
    /// The allocator settings, in glibc's `GLIBC_TUNABLES` syntax.
    public static let allocatorTunables = "glibc.malloc.perturb=\(perturbByte):glibc.malloc.tcache_count=0"

    /// Why the process could not be hardened.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Set in the restarted process's environment, so that it never restarts again. (glibc
    /// rewrites `GLIBC_TUNABLES` in place while it parses it, so that variable cannot tell.)
    static let restartedVariable = "BLIND_RELAY_ALLOCATOR_HARDENED"

    /// Whether this process is the restarted one, started with the allocator settings.
    public static var allocatorIsHardened: Bool {
        getenv(restartedVariable) != nil
    }

    /// Replaces this process with a fresh start of the same program, arguments and environment
    /// plus the allocator settings. Returns only when that is impossible (no `/proc/self/exe`),
    /// with the reason; the caller then falls back to `perturbFreedMemory()`.
    public static func restartWithHardenedAllocator() -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = [environment["GLIBC_TUNABLES"], allocatorTunables]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        environment[restartedVariable] = "1"
        let entries = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for entry in entries { free(entry) } }
        let result = entries.withUnsafeBufferPointer { environmentPointers in
            execve("/proc/self/exe", CommandLine.unsafeArgv, environmentPointers.baseAddress)
        }
        return "could not restart with the hardened allocator (execve returned \(result), errno \(errno))"
    }

    /// The part of the allocator settings that can be made at run time: freed blocks outside
    /// the per-thread cache are overwritten.
    public static func perturbFreedMemory() -> Bool {
        mallopt(M_PERTURB, perturbByte) == 1
    }

    /// No core file, and no ptrace or `/proc/PID/mem` for anyone but root, for this process.
    public static func forbidCoreDumps() throws(Problem) {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        guard setrlimit(Int32(RLIMIT_CORE.rawValue), &none) == 0 else {
            throw Problem(description: "could not turn core dumps off (setrlimit RLIMIT_CORE: errno \(errno))")
        }
        guard clinux_set_dumpable(0) == 0 else {
            throw Problem(description: "could not make the process undumpable (prctl PR_SET_DUMPABLE: errno \(errno))")
        }
    }

    /// Whether core dumps are off for this process, as the kernel sees it.
    public static var coreDumpsAreForbidden: Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0 else { return false }
        return limit.rlim_cur == 0 && limit.rlim_max == 0 && clinux_get_dumpable() == 0
    }
}
