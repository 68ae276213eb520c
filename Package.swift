// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "blind-relay",
    // Linux only: glibc calls (malloc_trim, mallopt, prctl) are unconditional, so no Apple
    // platform is named here (README, "Linux only").
    products: [
        .executable(name: "chair", targets: ["chair"]),
        .executable(name: "relay", targets: ["relay"]),
        .library(name: "Envelope", targets: ["Envelope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
    ],
    targets: [
        // libsodium from the system (Debian: libsodium-dev); the only source of cryptography.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // glibc and Linux calls Swift's Glibc module lacks: malloc_trim, mallopt, prctl.
        .systemLibrary(name: "CLinux"),
        // A small safe Swift layer over the libsodium calls we use.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        // The envelope format v1 (docs/FORMAT.md): pure, bytes in and bytes out.
        .target(name: "Envelope", dependencies: ["Sodium"]),
        // What the relay and the chair agree on: request signatures, the hash chain, API bodies.
        .target(name: "RelayProtocol", dependencies: ["Sodium"]),
        // The strict decoder of the public form's bodies: pure, so it can be fuzzed on its own.
        .target(name: "FormDecoding"),
        // The police-hosted service: form intake, ciphertext store, chair API.
        .target(
            name: "RelayKit",
            dependencies: [
                "Envelope", "Sodium", "RelayProtocol", "FormDecoding", "CLinux",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/Catalogues"), .copy("Resources/Assets")]
        ),
        .executableTarget(
            name: "relay",
            dependencies: [
                "RelayKit", "RelayProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The chair's side, in layers that depend one way (README, "Where things are"):
        // storage <- core <- sync <- command line. Only ChairCLI imports ArgumentParser or writes
        // to the terminal; the layers below return values and typed failures, which it words.
        // The chair's store: its file, cipher, rows, migrations and pull lock, and the models a
        // row holds. The one owner of the database.
        .target(
            name: "ChairStorage",
            dependencies: ["Envelope", "Sodium", "RelayProtocol", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The chair's rules and operations without a relay or a terminal: identity, private
        // files, trust in recipients sets, workflow rules, statistics, backup and handover files.
        .target(name: "ChairCore", dependencies: ["ChairStorage", "Envelope", "Sodium", "RelayProtocol"]),
        // Everything said to a relay: the connection behind a protocol, the pull as named steps
        // that report events, the canary and the audit of the public pages.
        .target(
            name: "ChairSync",
            dependencies: [
                "ChairCore", "ChairStorage", "Envelope", "Sodium", "RelayProtocol",
                // The relay's answers read with backpressure, a deadline and no redirect
                // (Connection/BoundedTransfer.swift says why not URLSession).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The command line: commands, options, terminal tables, and every sentence a chair reads.
        .target(
            name: "ChairCLI",
            dependencies: [
                "ChairSync", "ChairCore", "ChairStorage", "Envelope", "Sodium", "RelayProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "chair", dependencies: ["ChairCLI"]),
        // Measures the limits the relay is compared with: crypto, storage; fills a store (`make bench`).
        .executableTarget(
            name: "relay-bench",
            dependencies: [
                "Envelope", "Sodium", "RelayKit", "RelayProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Regenerates Tests/EnvelopeTests/Vectors with fixed randomness (`make vectors`).
        .executableTarget(name: "envelope-vectors", dependencies: ["Envelope", "Sodium"]),
        // Helpers the test targets share: temporary folders, running a built executable.
        // relay_launcher.py is the Python harnesses' copy of RelayProcess.swift.
        .target(
            name: "TestSupport", path: "Tests/Support", exclude: ["relay_launcher.py", "contact-details-cases.json"]),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium", "CSodium"]),
        .testTarget(name: "FormDecodingTests", dependencies: ["FormDecoding"]),
        // Replays every input in Tests/Fuzz/Regressions through the fuzzed parsers.
        .testTarget(
            name: "FuzzRegressionTests", dependencies: ["Envelope", "Sodium", "FormDecoding", "RelayProtocol"],
            path: "Tests/Fuzz",
            exclude: [
                "EnvelopeFuzzer.swift", "FormFuzzer.swift", "APIFuzzer.swift", "AnswerFuzzer.swift", "Regressions",
            ]
        ),
        .testTarget(
            name: "EnvelopeTests",
            dependencies: ["Envelope", "Sodium", "TestSupport"],
            exclude: ["Vectors", "Interop"]
        ),
        .testTarget(
            name: "ChairTests",
            dependencies: [
                "ChairCLI", "ChairSync", "ChairCore", "ChairStorage", "Envelope", "Sodium", "RelayProtocol",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "RelayKitTests",
            dependencies: [
                "RelayKit", "RelayProtocol", "Envelope", "Sodium", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The whole path, live: the relay and chair executables as people run them.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Envelope", "Sodium", "RelayProtocol", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
