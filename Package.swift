// swift-tools-version: 6.0
import PackageDescription

// Dependency direction (DESIGN.md): the CLI calls the engines, the engines call the pure core.
// QuorumKit (the core) imports neither Z3 nor any parser: it is the reference the SMT engine is
// tested against.
let package = Package(
  name: "bqs-verify",
  products: [
    .executable(name: "bqs-verify", targets: ["bqs-verify"]),
    .library(name: "QuorumKit", targets: ["QuorumKit"]),
    .library(name: "Z3Kit", targets: ["Z3Kit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
  ],
  targets: [
    // Z3 from Debian's libz3-dev, found through pkg-config "z3".
    .systemLibrary(
      name: "CZ3",
      pkgConfig: "z3",
      providers: [.apt(["libz3-dev"])]
    ),
    // A small, reference-counted Swift layer over the Z3 C API.
    .target(name: "Z3Kit", dependencies: ["CZ3"]),
    // Pure Swift: server sets, fail-prone systems, quorum systems, properties, criteria.
    .target(name: "QuorumKit"),
    // Spec files (YAML or JSON) into QuorumKit values, with file:line diagnostics.
    .target(
      name: "QuorumSpec",
      dependencies: ["QuorumKit", .product(name: "Yams", package: "Yams")]
    ),
    // Z3 encoders: the family reduction, threshold arithmetic, cover searches.
    .target(name: "QuorumSMT", dependencies: ["QuorumKit", "Z3Kit"]),
    // Exact load (Definition 3.1) by linear programming in exact rationals, with the dual
    // certificate; pure Swift (no Z3).
    .target(
      name: "QuorumLoad",
      dependencies: ["QuorumKit", .product(name: "BigInt", package: "BigInt")]
    ),
    // Protocol models (the read/write protocols of Sections 3-5, later Section 6) and the
    // explicit-state BFS checker; pure Swift.
    .target(name: "ProtocolKit", dependencies: ["QuorumKit", "CPrefetch"]),
    // A cache prefetch hint for the checker's hash table (header-only C; changes no result).
    .target(name: "CPrefetch"),
    // Bounded protocol runs as SMT (bmc): symbolic runs of up to K steps, decoded and replayed
    // through the ProtocolKit models.
    .target(name: "ProtocolSMT", dependencies: ["ProtocolKit", "QuorumKit", "Z3Kit"]),
    // Regression proof obligations (Proofs/): file format, parametric LIA proofs, the runner.
    .target(
      name: "ProofKit",
      dependencies: [
        "QuorumKit", "QuorumSMT", "QuorumSpec", "QuorumLoad", "ProtocolKit", "ProtocolSMT",
        "Z3Kit", .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "bqs-verify",
      dependencies: [
        "QuorumKit", "QuorumSpec", "QuorumSMT", "QuorumLoad", "ProofKit", "ProtocolKit",
        "ProtocolSMT", "Z3Kit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "Z3KitTests", dependencies: ["Z3Kit"]),
    .testTarget(name: "QuorumKitTests", dependencies: ["QuorumKit"]),
    .testTarget(name: "QuorumSpecTests", dependencies: ["QuorumSpec", "QuorumKit"]),
    .testTarget(name: "QuorumSMTTests", dependencies: ["QuorumSMT", "QuorumKit", "Z3Kit"]),
    .testTarget(name: "QuorumLoadTests", dependencies: ["QuorumLoad", "QuorumKit"]),
    .testTarget(name: "ProofKitTests", dependencies: ["ProofKit", "QuorumKit", "Z3Kit"]),
    .testTarget(name: "ProtocolKitTests", dependencies: ["ProtocolKit", "QuorumKit"]),
    .testTarget(
      name: "ProtocolSMTTests", dependencies: ["ProtocolSMT", "ProtocolKit", "QuorumKit", "Z3Kit"]),
    .testTarget(name: "BQSVerifyTests", dependencies: ["bqs-verify"]),
  ],
  swiftLanguageModes: [.v5]
)
