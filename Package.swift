// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "blind-relay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chair", targets: ["chair"]),
        .library(name: "Envelope", targets: ["Envelope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2")
    ],
    targets: [
        // libsodium from the system (Debian: libsodium-dev); the only source of cryptography.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // A small safe Swift layer over the libsodium calls we use.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        // The envelope format v1 (docs/FORMAT.md): pure, bytes in and bytes out.
        .target(name: "Envelope", dependencies: ["Sodium"]),
        // Everything the chair's command does; the executable only calls into it.
        .target(
            name: "ChairKit",
            dependencies: [
                "Envelope", "Sodium",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "chair", dependencies: ["ChairKit"]),
        // Regenerates Tests/EnvelopeTests/Vectors with fixed randomness (`make vectors`).
        .executableTarget(name: "envelope-vectors", dependencies: ["Envelope", "Sodium"]),
        // Helpers the test targets share: temporary folders, running a built executable.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"]),
        .testTarget(
            name: "EnvelopeTests",
            dependencies: ["Envelope", "Sodium", "TestSupport"],
            exclude: ["Vectors", "Interop"]
        ),
        .testTarget(name: "ChairKitTests", dependencies: ["ChairKit", "Envelope", "Sodium", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
