import Foundation

extension EnvelopeStore {
    /// The store's file in the data folder: the one place its name is written.
    static let fileName = "envelopes.sqlite"

    /// The store's path in `configuration`'s data folder.
    static func path(in configuration: RelayConfiguration) -> String {
        (configuration.dataDirectory as NSString).appendingPathComponent(fileName)
    }

    /// Opens the store in the data folder, creating the folder (mode 0700) if needed.
    static func open(_ configuration: RelayConfiguration, recipients: [[UInt8]]) throws -> EnvelopeStore {
        let directory = configuration.dataDirectory
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw RelayConfiguration.Problem(
                    description:
                        "cannot create the data folder \(directory); create it and let the relay's user write to it")
            }
        }
        do {
            return try EnvelopeStore(
                path: path(in: configuration),
                maximumEnvelopes: configuration.maximumStoredEnvelopes, maximumBytes: configuration.maximumStoredBytes,
                recipients: recipients, keepsReserve: true, remembersHighWater: true)
        } catch let foreign as EnvelopeStore.ForeignStore {
            throw RelayConfiguration.Problem(description: foreign.description)
        } catch {
            throw RelayConfiguration.Problem(
                description:
                    "cannot open the store in \(directory): \(error); check the folder's permissions and free space")
        }
    }
}
