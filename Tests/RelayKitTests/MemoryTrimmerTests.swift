import Foundation
import Testing

@testable import RelayKit

@Suite("Handing memory back after a surge")
struct MemoryTrimmerTests {
    @Test("trims once after requests stop, never while they come, and not again until more came")
    func trimsOnlyWhenQuiet() {
        let trimmer = MemoryTrimmer()
        #expect(!trimmer.isTimeToTrim(), "nothing happened yet")
        trimmer.noteRequest()
        #expect(!trimmer.isTimeToTrim(), "requests came since the last look: busy")
        trimmer.noteRequest()
        #expect(!trimmer.isTimeToTrim(), "still busy")
        #expect(trimmer.isTimeToTrim(), "a quiet interval after requests: trim")
        #expect(!trimmer.isTimeToTrim(), "already trimmed")
        trimmer.noteRequest()
        #expect(!trimmer.isTimeToTrim())
        #expect(trimmer.isTimeToTrim(), "quiet again after more requests: trim again")
    }

    /// The resident size after a surge of small allocations drops once the trimmer runs. Other
    /// tests allocate in this process meanwhile (tens of MiB), so the surge is far larger.
    @Test("a trim returns freed heap memory to the system")
    func trimShrinksResidentMemory() throws {
        func residentKiB() -> Int {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        let trimmer = MemoryTrimmer()
        // 256 MiB in small blocks, touched, then freed: glibc keeps them in its arenas.
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(262_144)
        for _ in 0..<262_144 {
            guard let block = malloc(1_024) else { break }
            memset(block, 1, 1_024)
            blocks.append(block)
        }
        for block in blocks.dropLast() { free(block) }
        let before = residentKiB()
        trimmer.noteRequest()
        _ = trimmer.isTimeToTrim()
        #expect(trimmer.isTimeToTrim())
        MemoryTrimmer.trim()
        let after = residentKiB()
        blocks.last.map { free($0) }
        #expect(before - after > 128 * 1_024, "resident KiB before \(before), after \(after)")
    }
}
