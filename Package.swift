// swift-tools-version:6.0
import PackageDescription

// The numeric core is optimised even in debug builds: the tests run exact ZOF/FOF solves, whole
// optimizer runs and basin maps, which an unoptimised build makes ten times slower (`make test`
// keeps its tests to about a minute on two cores), while the modules above stay quick to rebuild and debug.
let optimisedCore: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// Dependencies point one way (docs/ARCHITECTURE.md): lab → Figures → Reports → Experiments →
// Optimizers → Landscape → Symbolic, Numerics → CGSL. Plot knows nothing about problems or
// optimizers.
let package = Package(
    name: "flatlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lab", targets: ["lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        // lab serve: a small HTTP server with no SwiftNIO under it (builds in about 25 s, where
        // Hummingbird takes minutes on two cores).
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        // lab serve's lesson pages: markdown to HTML.
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            path: "Sources/CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // librsvg and Cairo: flatlab's SVG drawn onto PDF and PNG surfaces (Render), opened with
        // dlopen on the first PDF or PNG, so no other process start pays for their libraries.
        .target(name: "CRsvg", path: "Sources/CRsvg"),
        // The tape interpreter and the optimizers' lane arithmetic in C: compiled for plain x86-64,
        // AVX2 and AVX-512, the one to run chosen at start (target_clones); no fused multiply-add,
        // so each gives the same bits, and optimised in every build. The math kernels are SLEEF's deterministic ones (Debian's
        // libsleef-dev, which `make deps` installs), the same bits in every vector form.
        .target(name: "CTape", path: "Sources/CTape", exclude: ["README.md"],
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"])],
                linkerSettings: [.linkedLibrary("sleef")]),
        .target(name: "Symbolic", dependencies: ["CTape"], exclude: ["README.md"], swiftSettings: optimisedCore),
        .target(name: "Numerics", dependencies: ["CGSL"], exclude: ["README.md"], swiftSettings: optimisedCore),
        .target(
            name: "Landscape",
            dependencies: ["Symbolic", "Numerics", .product(name: "TOMLKit", package: "TOMLKit")],
            exclude: ["README.md"],
            swiftSettings: optimisedCore
        ),
        .target(name: "Optimizers", dependencies: ["Landscape", "Symbolic", "CTape"], exclude: ["README.md"], swiftSettings: optimisedCore),
        .target(name: "Experiments", dependencies: ["Optimizers", "Landscape", "Symbolic"], exclude: ["README.md"], swiftSettings: optimisedCore),
        .target(name: "Reports", dependencies: ["Experiments", "Optimizers", "Landscape"], exclude: ["README.md"]),
        .target(name: "Plot", exclude: ["README.md"]),
        .target(name: "Notebook", exclude: ["README.md"]),
        .target(name: "Render", dependencies: ["CRsvg"], exclude: ["README.md"]),
        .target(name: "Figures", dependencies: ["Plot", "Render", "Reports", "Experiments", "Optimizers", "Landscape", "Symbolic"], exclude: ["README.md"]),
        .executableTarget(
            name: "lab",
            dependencies: [
                "Symbolic",
                "Numerics",
                "Landscape",
                "Optimizers",
                "Experiments",
                "Reports",
                "Figures",
                "Plot",
                "Notebook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Ink", package: "Ink"),
            ],
            exclude: ["README.md"]
        ),
        // `make bench`: tapes against hand-written Swift, batch against scalar evaluation, lanes
        // against a scalar loop, whole lab processes, lab basins beside JAX and lab compare on a
        // small network beside PyTorch.
        .executableTarget(name: "bench", dependencies: ["Symbolic", "Landscape", "Optimizers", "Experiments", "Figures", "Plot"], path: "bench",
                          exclude: ["jax_basins.py", "mpl_compare.py", "basins-workload.toml", "torch_mlp.py", "mlp-workload.toml", "mlp100-workload.toml",
                                    "mlp-train.csv", "mlp-test.csv", "sleef_kernels.c", "browser_clicks.py"]),
        // isa-driver.c is built by the tests themselves, once per instruction set.
        .testTarget(name: "SymbolicTests", dependencies: ["Symbolic"], exclude: ["isa-driver.c"]),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "LandscapeTests", dependencies: ["Landscape", "Numerics", "Symbolic"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Landscape", "Symbolic"]),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: ["Experiments", "Optimizers", "Landscape"],
            // Read from the source tree by the tests; regenerated by the script with PyTorch.
            exclude: ["Reference"]
        ),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Experiments", "Optimizers", "Landscape"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Plot", "Render", "Experiments", "Optimizers", "Landscape"]),
        .testTarget(name: "labTests", dependencies: ["lab", "Optimizers"]),
        .testTarget(name: "FuzzTests", dependencies: ["Symbolic", "Landscape", "Optimizers", "Notebook"]),
    ]
)
