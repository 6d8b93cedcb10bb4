/// The Redis Cluster slot of a key: CRC16 (XMODEM) of the key, or of its hash tag, the
/// part between the first `{` and the next `}` when that part is not empty, modulo 16384.
/// Keys with the same tag share a slot, so one script may touch all of them.
public struct HashSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let count = 16_384

    public let value: Int

    public init(_ value: Int) {
        precondition((0..<Self.count).contains(value), "a hash slot is from 0 to 16383")
        self.value = value
    }

    public init(key: String) {
        self.init(key: Array(key.utf8))
    }

    public init(key: [UInt8]) {
        self.init(Int(Self.crc16(Self.hashed(key)) % UInt16(Self.count)))
    }

    public static func < (lhs: HashSlot, rhs: HashSlot) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }

    /// The bytes that decide the slot: the hash tag if there is one, else the whole key.
    private static func hashed(_ key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")),
              let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
              close > open + 1
        else { return key[...] }
        return key[(open + 1)..<close]
    }

    private static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    /// CRC16-CCITT (polynomial 0x1021) of each byte value.
    private static let table: [UInt16] = (0...255).map { value in
        var crc = UInt16(value) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
