/// JSON compares strings by code points, but Swift's `String ==` and `String` hashing use
/// Unicode canonical equivalence ("é" == "e\u{301}"). These helpers compare and hash the UTF-8
/// bytes instead, which is code-point equality.
extension String {
    @inline(__always)
    func isExactlyEqual(to other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        // Identical representations (the same small-string bytes, or the same storage) are equal.
        if unsafeBitCast(self, to: (UInt64, UInt64).self) == unsafeBitCast(other, to: (UInt64, UInt64).self) { return true }
        if let r = a.withContiguousStorageIfAvailable({ pa in
            b.withContiguousStorageIfAvailable { pb in
                pa.count == 0 || memcmpBytes(pa.baseAddress!, pb.baseAddress!, pa.count)
            }
        }), let result = r {
            return result
        }
        return a.elementsEqual(b)
    }

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
