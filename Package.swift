// swift-tools-version: 6.0
// entk: an interactive console and scripting language for empirical-NTK analysis.
// Module layering (arrows point down only; see Documentation/Architecture.md):
//   C libs <- LinearAlgebra <- Tensors <- Networks <- Kernels   (CKernels, entk's own C, <- Networks)
//   Language (no numeric imports);  Library -> Language + domain;  Console -> Library;  entk -> Console
import PackageDescription

let package = Package(
    name: "entk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "entk", targets: ["entk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (each behind one wrapper module; see Documentation/Architecture.md).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // Domain modules.
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CLAPACKE"], exclude: ["README.md"]),
        .target(name: "Tensors", dependencies: ["LinearAlgebra"], exclude: ["README.md"]),
        .target(name: "CKernels"),
        .target(name: "Networks", dependencies: ["Tensors", "LinearAlgebra", "CKernels"], exclude: ["README.md"]),
        .target(name: "Kernels", dependencies: ["Networks", "Tensors", "LinearAlgebra"], exclude: ["README.md"]),
        .target(name: "Plots", dependencies: ["Tensors"], exclude: ["README.md"]),

        // The language, its bindings, the console and the executable.
        .target(name: "Language", exclude: ["README.md"]),
        .target(name: "Library", dependencies: ["Language", "Tensors", "Networks", "Kernels", "Plots", "LinearAlgebra"], exclude: ["README.md"]),
        .target(name: "Console", dependencies: ["Language", "Library", "Tensors", "CEditLine"], exclude: ["README.md"]),
        .executableTarget(name: "entk", dependencies: [
            "Console", "LinearAlgebra",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "EntkBench", dependencies: ["LinearAlgebra", "Tensors", "Networks", "Kernels", "Library", "Console", "Language"]),

        // Tests: one target per module plus shared support.
        .target(name: "TestSupport", dependencies: ["Tensors", "LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "CKernels", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "TestSupport"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "Networks", "TestSupport"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "TestSupport"]),
        .testTarget(name: "LibraryTests", dependencies: ["Library", "Language", "TestSupport"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Library", "Language", "TestSupport"]),
    ]
)
