// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ModelMeter",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "modelmeter", targets: ["modelmeter"]),
        .library(name: "ModelMeter", targets: ["ModelMeter"]),
        .library(name: "DeepSeekOCR", targets: ["DeepSeekOCR"]),
        .library(name: "LiterateReport", targets: ["LiterateReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "Ccmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),

        // MARK: - Libraries (dependencies point one way: down this list)
        .target(name: "CommonMark", dependencies: ["Ccmark"]),
        .target(name: "ModelMeter"),
        .target(name: "DeepSeekOCR", dependencies: ["ModelMeter"]),
        .target(
            name: "LiterateReport",
            dependencies: [
                "ModelMeter", "DeepSeekOCR", "CommonMark",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // MARK: - Command line
        .target(
            name: "ModelMeterCommands",
            dependencies: [
                "ModelMeter", "DeepSeekOCR", "LiterateReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "modelmeter", dependencies: ["ModelMeterCommands"]),

        // MARK: - Tests
        .testTarget(name: "ModelMeterTests", dependencies: ["ModelMeter"]),
        .testTarget(
            name: "DeepSeekOCRTests",
            dependencies: ["DeepSeekOCR", "ModelMeter"]
        ),
        .testTarget(name: "CommonMarkTests", dependencies: ["CommonMark"]),
        .testTarget(
            name: "LiterateReportTests",
            dependencies: ["LiterateReport", "DeepSeekOCR", "ModelMeter", "CommonMark"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "ModelMeterCLITests",
            dependencies: ["ModelMeterCommands", "DeepSeekOCR", "ModelMeter"],
            exclude: ["Golden"]
        ),
    ]
)
