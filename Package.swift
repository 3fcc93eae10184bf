// swift-tools-version:6.0
import PackageDescription

// Modules, each with one job; dependencies point one way:
//   CShims/COpenSSL/CSQLite (system shims) <- HTTPCore (pure HTTP/1.1 parsing) <- TLS <- HTTPServer
//   JSONSchema (pure, general validator) <- Domain (pure)
//   CSQLite + COpenSSL <- Store;  HTTPServer + JSONSchema + Store + Domain (+ COpenSSL for hashes) <- API
//   executables on top.
let package = Package(
    name: "Klagebro",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "klagebro", targets: ["klagebro"]),
        .executable(name: "klagebro-echo", targets: ["klagebro-echo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .target(name: "CShims", dependencies: ["COpenSSL"]),

        // HTTP/1.1 messages, parser and serializer. Pure Swift, no C: fuzzable with plain swiftc.
        .target(name: "HTTPCore"),
        // TLS over the system OpenSSL: context, non-blocking session, peer identity.
        .target(name: "TLS", dependencies: ["COpenSSL", "CShims"]),
        // Sockets, the Dispatch event loop, connections, router, problem responses.
        .target(name: "HTTPServer", dependencies: ["HTTPCore", "TLS", "CShims"]),
        // A general JSON Schema draft 2020-12 validator and the exact JSON reader it needs.
        .target(name: "JSONSchema"),
        // SQLite: connections, statements, migrations, the single writer with group commit;
        // content-addressed document files.
        .target(name: "Store", dependencies: ["CSQLite", "COpenSSL"]),
        // The domain: identifiers, addressing registry, status machine, semantic checks. No I/O.
        .target(name: "Domain", dependencies: ["JSONSchema"], resources: [.copy("Resources")]),

        // The exchange's HTTP API: routes, caller identity, authorisation, audit, OpenAPI.
        .target(name: "API", dependencies: ["COpenSSL", "HTTPCore", "HTTPServer", "JSONSchema", "Store", "Domain"]),

        .executableTarget(
            name: "klagebro",
            dependencies: [
                "HTTPServer", "JSONSchema", "API",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "klagebro-echo",
            dependencies: ["HTTPServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Validation speed of the JSONSchema module (Tests/Scripts/bench-validate.sh).
        .executableTarget(name: "klagebro-bench-validate", dependencies: ["JSONSchema"]),

        // What several test targets share: the throwaway test PKI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "APITests", dependencies: ["API", "HTTPCore", "HTTPServer", "TLS", "JSONSchema"]),
    ]
)
