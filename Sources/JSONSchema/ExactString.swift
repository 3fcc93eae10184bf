/// JSON compares strings by code points, but Swift's `String ==` and `String` hashing use
/// Unicode canonical equivalence ("é" == "e\u{301}"). These helpers compare and hash the UTF-8
/// bytes instead, which is code-point equality.
extension String {
    @inline(__always)
    func isExactlyEqual(to other: String) -> Bool {
        let x = unsafeBitCast(self, to: (UInt64, UInt64).self)
        let y = unsafeBitCast(other, to: (UInt64, UInt64).self)
        // Identical representations (the same small-string bytes, or the same storage) are equal.
        if x == y { return true }
        // Two small strings (up to 15 UTF-8 bytes stored inline, which is what the parser makes of
        // short keys) with different bits differ: the inline form has one representation per
        // content. Property lookups compare keys against schema names all the time, and this
        // skips the byte comparison (profiles showed it per member). Bit 61 of the second word
        // is the standard library's small-string flag on 64-bit platforms; a test checks it.
        if String.smallFlagIsKnown && x.1 & y.1 & String.smallFlag != 0 { return false }
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        if let r = a.withContiguousStorageIfAvailable({ pa in
            b.withContiguousStorageIfAvailable { pb in
                pa.count == 0 || memcmpBytes(pa.baseAddress!, pb.baseAddress!, pa.count)
            }
        }), let result = r {
            return result
        }
        return a.elementsEqual(b)
    }

    #if arch(x86_64) || arch(arm64)
    static var smallFlagIsKnown: Bool { true }
    #else
    static var smallFlagIsKnown: Bool { false }
    #endif
    static var smallFlag: UInt64 { 1 << 61 }

    /// True when the string is stored inline (small); exposed for the layout test.
    var isStoredInline: Bool { unsafeBitCast(self, to: (UInt64, UInt64).self).1 & String.smallFlag != 0 }

    @inline(__always)
    func hashExactly(into hasher: inout Hasher) {
        let done: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { for b in utf8 { hasher.combine(b) } }
        hasher.combine(0xFF as UInt8)  // terminator: UTF-8 never contains 0xFF
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        if x != y { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// A string key with code-point equality, for dictionaries and sets.
struct ExactString: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool { lhs.string.isExactlyEqual(to: rhs.string) }

    func hash(into hasher: inout Hasher) { string.hashExactly(into: &hasher) }
}
