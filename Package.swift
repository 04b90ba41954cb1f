// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (DESIGN.md): lab → Landscape → Symbolic, Numerics → CGSL.
let package = Package(
    name: "flatlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lab", targets: ["lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "Symbolic"),
        // NUMERICS
        .executableTarget(
            name: "lab",
            dependencies: [
                "Symbolic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SymbolicTests", dependencies: ["Symbolic"]),
        .testTarget(name: "labTests", dependencies: ["lab"]),
    ]
)
