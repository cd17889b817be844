// swift-tools-version:6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "torture",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "torture", targets: ["torture"]),
        .library(name: "TortureKit", targets: ["TortureKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "TortureKit",
            dependencies: [
                "CSQLite",
                "CLibPQ",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "torture",
            dependencies: [
                "TortureKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "torture-bench",
            dependencies: ["TortureKit", "CSQLite"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TortureKitTests",
            dependencies: ["TortureKit", "CSQLite"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TortureEndToEndTests",
            dependencies: ["TortureKit"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
