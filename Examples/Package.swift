// swift-tools-version:6.0
// A protocol written in Swift against TortureKit, as a user outside the project writes one: it
// depends on the library by path and sees only its public API (no @testable import).
import PackageDescription

let package = Package(
    name: "torture-examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "torture", path: ".."),
    ],
    targets: [
        .target(
            name: "SeedZeroProtocols",
            dependencies: [.product(name: "TortureKit", package: "torture")]
        ),
        .testTarget(
            name: "SeedZeroProtocolsTests",
            dependencies: ["SeedZeroProtocols", .product(name: "TortureKit", package: "torture")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
