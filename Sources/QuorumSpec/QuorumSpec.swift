import QuorumKit
