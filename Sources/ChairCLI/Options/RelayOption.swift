import ArgumentParser
import ChairStorage
import ChairSync
import Foundation
import Sodium

/// `--relay`, for the commands that talk to the relay: optional once a pull has filled the store,
/// which then remembers the address.
struct RelayOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The relay's address. Needed for the first pull; after it, the one your store was filled from.",
            valueName: "url"))
    var relay: String?

    /// The address typed, normalised, else the one `store` was filled from.
    func address(remembered store: ChairStore) throws(ChairError) -> String {
        if let relay {
            guard let address = RelayAddress.normalise(relay) else {
                throw ChairError(
                    "'\(relay)' is not a web address",
                    hint: "give the relay's address, e.g. --relay https://contact.example.org")
            }
            return address
        }
        let cursor: ChairStore.Cursor?
        do {
            cursor = try store.fetchCursor()
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        guard let remembered = cursor?.relay else {
            throw ChairError(
                "this store has never pulled, so it does not know the relay's address",
                hint:
                    "give it once: chair pull --relay https://contact.example.org (the address the relay's host gave you)"
            )
        }
        return RelayAddress.normalise(remembered) ?? remembered
    }
}

extension RelayClient {
    /// `connect`, with a failure in the chair's words: how every command that talks to the
    /// relay's API begins.
    static func connectForChair(address: String, signer: SigningKeyPair) async throws(ChairError) -> RelayClient {
        do {
            return try await RelayClient.connect(address: address, signer: signer)
        } catch {
            throw ChairError(error)
        }
    }
}
