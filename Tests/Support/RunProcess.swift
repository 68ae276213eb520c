import Foundation

/// What a finished process printed and how it exited.
public struct ProcessResult: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything written to standard output.
    public let standardOutput: Data
    /// Everything written to standard error, as text.
    public let standardError: String

    /// Standard output as text.
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// Where the package's executables were built: beside the test bundle.
public let builtProductsDirectory: URL = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    while directory.path != "/"
        && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("chair").path)
    {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}()

/// Runs `executable` to completion with `input` on standard input.
///
/// The waiting happens on a thread of its own: blocking one of Swift's few cooperative threads
/// (two on a 2-core machine) would starve an in-process server that another test is running.
public func runProcess(
    _ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
    workingDirectory: URL? = nil
) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do {
                continuation.resume(
                    returning: try runProcessBlocking(
                        executable, arguments, input: input, environment: environment,
                        workingDirectory: workingDirectory))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

func runProcessBlocking(
    _ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
    workingDirectory: URL? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var mergedEnvironment = ProcessInfo.processInfo.environment
    mergedEnvironment["SWIFT_BACKTRACE"] = "enable=no"
    for (key, value) in environment { mergedEnvironment[key] = value }
    process.environment = mergedEnvironment
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Read both pipes on their own threads so a full pipe cannot stall the child.
    let outputData = ReadAll(stdout.fileHandleForReading)
    let errorData = ReadAll(stderr.fileHandleForReading)
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, standardOutput: outputData.wait(),
        standardError: String(decoding: errorData.wait(), as: UTF8.self))
}

/// Reads a file handle to its end on a background thread.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Runs a package executable by product name.
public func runProduct(
    _ name: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
    workingDirectory: URL? = nil
) async throws -> ProcessResult {
    try await runProcess(
        builtProductsDirectory.appendingPathComponent(name).path, arguments, input: input, environment: environment,
        workingDirectory: workingDirectory)
}
