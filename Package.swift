// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (DESIGN.md): lab → Figures/Experiments → Optimizers → Landscape →
// Symbolic, Numerics → CGSL. Plot knows nothing about problems or optimizers.
let package = Package(
    name: "flatlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lab", targets: ["lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            path: "Sources/CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(name: "Symbolic"),
        .target(name: "Numerics", dependencies: ["CGSL"]),
        .target(
            name: "Landscape",
            dependencies: ["Symbolic", "Numerics", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(name: "Optimizers", dependencies: ["Landscape"]),
        .target(name: "Experiments", dependencies: ["Optimizers", "Landscape"]),
        .target(name: "Plot"),
        .target(name: "Figures", dependencies: ["Plot", "Experiments", "Optimizers", "Landscape"]),
        .executableTarget(
            name: "lab",
            dependencies: [
                "Symbolic",
                "Landscape",
                "Optimizers",
                "Experiments",
                "Figures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SymbolicTests", dependencies: ["Symbolic"]),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "LandscapeTests", dependencies: ["Landscape", "Numerics", "Symbolic"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Landscape"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Optimizers", "Landscape"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Plot", "Experiments", "Optimizers", "Landscape"]),
        .testTarget(name: "labTests", dependencies: ["lab"]),
    ]
)
