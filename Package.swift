// swift-tools-version:6.0
import PackageDescription

/// Products that several targets use, named once.
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
/// What runs the seat map on Redis and SQLite: the command line, and the sanitizer's edge check.
/// Debug builds have the crash tests' kill points in the booking; release builds have none.
let crashPoints: [SwiftSetting] = [.define("CINEBOOK_CRASH_POINTS", .when(configuration: .debug))]
let seatMapOnRedis: [Target.Dependency] = [
    "CinebookSupport", "CinebookModel", "CinebookWire", "SeatLocking", "SeatRecords", "RedisClient", "SeatMapUI", logging,
]

let package = Package(
    name: "cinebook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cinebook", targets: ["cinebook"]),
        .executable(name: "cinebook-server", targets: ["CinebookServer"]),
        .executable(name: "edge-check", targets: ["EdgeCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW"),
        // Process spawning, echo-safe text, loopback ports, time units: no Redis in them.
        .target(name: "CinebookSupport"),
        // The domain every front end shares: seat codes, showtimes, results, errors in words,
        // the `SeatOperations` port and the lock policy. No Redis, no database, no HTTP.
        .target(name: "CinebookModel", dependencies: ["CinebookSupport"]),
        // The JSON bodies of the API and of the command line's --json, and the status ETag.
        .target(name: "CinebookWire", dependencies: ["CinebookSupport", "CinebookModel"]),
        .target(
            name: "RedisClient",
            dependencies: [
                "CHiredis",
                "CinebookSupport",
            ]
        ),
        .target(
            name: "SeatRecords",
            dependencies: [
                "CinebookSupport",
                "CinebookModel",
                grdb,
            ]
        ),
        .target(
            name: "SeatRecordsPostgres",
            dependencies: [
                "CinebookSupport",
                "CinebookModel",
                "SeatRecords",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                logging,
            ]
        ),
        .target(
            name: "SeatLocking",
            dependencies: [
                "CinebookSupport",
                "CinebookModel",
                "RedisClient",
                "SeatRecords",
                .product(name: "Crypto", package: "swift-crypto"),
                coreMetrics,
                logging,
            ],
            swiftSettings: crashPoints
        ),
        .target(
            name: "SeatMapUI",
            dependencies: [
                "CinebookSupport",
                "CinebookModel",
                "CNCursesW",
                logging,
            ]
        ),
        .target(
            name: "SeatAPI",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "SeatLocking",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                httpTypes,
                .product(name: "Prometheus", package: "swift-prometheus"),
                coreMetrics,
                logging,
            ],
            exclude: ["openapi.yaml"],
            // The seat map for browsers: plain HTML, CSS and JavaScript modules, served as they are.
            resources: [.copy("Web")]
        ),
        .target(
            name: "SeatAPIClient",
            dependencies: [
                "CinebookSupport",
                "CinebookModel",
                "CinebookWire",
                asyncHTTPClient,
                nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
        .target(
            name: "SeatBench",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "SeatLocking",
                "SeatRecords",
                "RedisClient",
                "SeatAPIClient",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                logging,
                nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "EdgeCheck",
            dependencies: seatMapOnRedis
        ),
        .target(
            name: "CinebookCommands",
            dependencies: seatMapOnRedis + [argumentParser],
            swiftSettings: crashPoints
        ),
        .target(
            name: "CinebookServerCommands",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "CinebookCommands",
                "SeatLocking",
                "SeatRecords",
                "SeatRecordsPostgres",
                "RedisClient",
                "SeatMapUI",
                "SeatAPI",
                "SeatAPIClient",
                "SeatBench",
                argumentParser,
                logging,
            ]
        ),
        // The seat map and the commands on Redis and SQLite: no SwiftNIO, no TLS stack.
        .executableTarget(
            name: "cinebook",
            dependencies: [
                "CinebookCommands",
                argumentParser,
            ]
        ),
        // Everything, the server, the load tool and PostgreSQL too; `cinebook` hands over to it.
        .executableTarget(
            name: "CinebookServer",
            dependencies: [
                "CinebookCommands",
                "CinebookServerCommands",
                argumentParser,
            ],
            path: "Sources/cinebook-server"
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "RedisClient", "SeatLocking", "SeatRecords", "SeatRecordsPostgres",
                grdb,
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "CinebookSupportTests", dependencies: ["CinebookSupport"]),
        .testTarget(
            name: "CinebookModelTests",
            dependencies: ["CinebookSupport", "CinebookModel", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "CinebookWireTests", dependencies: ["CinebookSupport", "CinebookModel", "CinebookWire", "TestSupport"]),
        .testTarget(name: "SeatRecordsTests", dependencies: ["CinebookSupport", "CinebookModel", "SeatRecords", "SeatLocking", "TestSupport", grdb]),
        .testTarget(name: "SeatBenchTests", dependencies: ["CinebookSupport", "CinebookModel", "SeatBench", "SeatLocking", "SeatRecords"]),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["CinebookSupport", "CinebookModel", "CinebookWire", "RedisClient", "TestSupport"]
        ),
        .testTarget(
            name: "SeatLockingTests",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "SeatLocking", "SeatRecords", "SeatRecordsPostgres", "RedisClient", "SeatBench", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                grdb,
            ]
        ),
        .testTarget(
            name: "CinebookCLITests",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire", "CinebookCommands", "SeatLocking", "SeatRecords", "RedisClient", "TestSupport", logging,
            ]
        ),
        .testTarget(
            name: "SeatMapUITests",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire", "SeatMapUI", "SeatLocking", "SeatRecords", "RedisClient", "TestSupport",
                asyncHTTPClient,
            ]
        ),
        .testTarget(
            name: "SeatAPITests",
            dependencies: [
                "CinebookSupport", "CinebookModel", "CinebookWire",
                "SeatAPI", "SeatAPIClient", "SeatLocking", "SeatRecords", "SeatRecordsPostgres", "RedisClient", "SeatBench", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                httpTypes,
                asyncHTTPClient,
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
