/// A strict RFC 8259 JSON reader for untrusted input.
///
/// Policy, chosen for safety and determinism:
/// - invalid UTF-8, unescaped control characters and unpaired surrogate escapes are errors;
/// - a duplicate key in an object is an error (`JSONParseError.Reason.duplicateKey`);
/// - nesting is bounded (`Options.maxDepth`); containers are tracked on a heap stack, not by recursion;
/// - numbers are kept exact (`JSONNumber`), never rounded through `Double`;
/// - errors carry the byte offset, line and column.
public struct JSONParser {
    /// Limits for parsing.
    public struct Options: Sendable {
        /// Maximum nesting of arrays and objects (the top-level value is depth 1).
        public var maxDepth: Int
        public init(maxDepth: Int = 128) { self.maxDepth = maxDepth }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let options: Options
    private var pos = 0
    private var depth = 0
    private var scratch: [UInt8] = []
    /// Members of the arrays and objects being parsed, shared by all levels: each container
    /// copies its own members out once, in one allocation of the exact size.
    private var valueStack: [JSONValue] = []
    private var keyStack: [String] = []

    init(bytes: UnsafeRawBufferPointer, options: Options) {
        self.bytes = bytes.bindMemory(to: UInt8.self)
        self.options = options
        // The stacks start at a size that fits most documents: growing them from empty (1, 2,
        // 4, ... entries, copying each time) was about a quarter of parsing a message. They hold
        // the members of the open containers only, far fewer than the document's values; a
        // larger start measured slower on the bigger example messages.
        let estimate = min(max(bytes.count / 64, 16), 256)
        valueStack.reserveCapacity(estimate)
        keyStack.reserveCapacity(estimate)
    }

    /// Parses one JSON document from raw bytes.
    public static func parse(bytes: UnsafeRawBufferPointer, options: Options = .init()) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, options: options)
        return try parser.parseDocument()
    }

    /// Parses one JSON document from a byte array.
    public static func parse(bytes: [UInt8], options: Options = .init()) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            do throws(JSONParseError) { return .success(try parse(bytes: raw, options: options)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one JSON document from text.
    public static func parse(text: String, options: Options = .init()) throws(JSONParseError) -> JSONValue {
        try parse(bytes: Array(text.utf8), options: options)
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if pos >= bytes.count { throw error(bytes.isEmpty ? .emptyInput : .unexpectedEnd, at: pos) }
        let value = try parseValue()
        skipWhitespace()
        if pos < bytes.count { throw error(.trailingData, at: pos) }
        return value
    }

    // MARK: Errors

    private func error(_ reason: JSONParseError.Reason, at offset: Int) -> JSONParseError {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: offset - lineStart + 1)
    }

    private func unexpected(at p: Int) -> JSONParseError {
        p >= bytes.count ? error(.unexpectedEnd, at: p) : error(.unexpectedByte(bytes[p]), at: p)
    }

    // MARK: Values

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { return }
        }
    }

    /// An open array or object. Containers are kept on a heap stack rather than the call stack,
    /// so nesting costs no stack frames whatever the build mode.
    private struct Container {
        let isObject: Bool
        let keyBase: Int
        let valueBase: Int
        /// Keys seen so far, once the object is large enough for hashing to pay.
        var seen: Set<ExactString>?
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        var containers: [Container] = []
        containers.reserveCapacity(16)
        while true {
            // A value starts here: a scalar, or the opening of a container.
            skipWhitespace()
            guard pos < bytes.count else { throw error(.unexpectedEnd, at: pos) }
            var current: JSONValue
            switch bytes[pos] {
            case 0x22: current = .string(try parseString())
            case 0x74: try expectLiteral("true"); current = .bool(true)
            case 0x66: try expectLiteral("false"); current = .bool(false)
            case 0x6E: try expectLiteral("null"); current = .null
            case 0x2D, 0x30...0x39: current = .number(try parseNumber())
            case 0x5B:
                try enter()
                pos += 1
                skipWhitespace()
                if pos < bytes.count && bytes[pos] == 0x5D {
                    pos += 1
                    depth -= 1
                    current = .array([])
                } else {
                    containers.append(Container(isObject: false, keyBase: keyStack.count, valueBase: valueStack.count, seen: nil))
                    continue
                }
            case 0x7B:
                try enter()
                pos += 1
                skipWhitespace()
                if pos < bytes.count && bytes[pos] == 0x7D {
                    pos += 1
                    depth -= 1
                    current = .object(JSONObject())
                } else {
                    containers.append(Container(isObject: true, keyBase: keyStack.count, valueBase: valueStack.count, seen: nil))
                    try parseMemberName(&containers[containers.count - 1])
                    continue
                }
            default:
                throw unexpected(at: pos)
            }
            // A value is complete: add it to the open container, closing containers as they end.
            while let top = containers.last {
                valueStack.append(current)
                skipWhitespace()
                guard pos < bytes.count else { throw error(.unexpectedEnd, at: pos) }
                let b = bytes[pos]
                pos += 1
                if b == 0x2C {
                    if top.isObject { try parseMemberName(&containers[containers.count - 1]) }
                    break
                }
                if top.isObject ? b != 0x7D : b != 0x5D { throw error(.unexpectedByte(b), at: pos - 1) }
                containers.removeLast()
                depth -= 1
                let values = Array(valueStack[top.valueBase...])
                valueStack.removeSubrange(top.valueBase...)
                if top.isObject {
                    let keys = Array(keyStack[top.keyBase...])
                    keyStack.removeSubrange(top.keyBase...)
                    current = .object(JSONObject(uniqueKeys: keys, values: values))
                } else {
                    current = .array(values)
                }
            }
            if containers.isEmpty { return current }
        }
    }

    /// Reads `"name" :` of an object member, refusing a duplicate name.
    private mutating func parseMemberName(_ container: inout Container) throws(JSONParseError) {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == 0x22 else { throw unexpected(at: pos) }
        let keyOffset = pos
        let key = try parseString()
        if container.seen != nil {
            if !container.seen!.insert(ExactString(key)).inserted { throw error(.duplicateKey(key), at: keyOffset) }
        } else {
            if Self.contains(key, in: keyStack, from: container.keyBase) {
                throw error(.duplicateKey(key), at: keyOffset)
            }
            // Many members: switch to hashing, so duplicate checks stay linear overall.
            if keyStack.count - container.keyBase >= JSONObject.indexThreshold {
                container.seen = Set((keyStack[container.keyBase...] + [key]).map(ExactString.init))
            }
        }
        keyStack.append(key)
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == 0x3A else { throw unexpected(at: pos) }
        pos += 1
    }

    /// Is `key` among `keys[start...]`? The duplicate-key check, run for every member name.
    ///
    /// It reads each earlier key's two words in place instead of copying the String (a retain
    /// and a release each, per pair of keys, in profiles): identical words are the same string,
    /// and two inline (small) strings with different words differ, as in `isExactlyEqual`, which
    /// decides the remaining pairs. The layout is the one `isExactlyEqual` relies on.
    private static func contains(_ key: String, in keys: [String], from start: Int) -> Bool {
        let k = unsafeBitCast(key, to: (UInt64, UInt64).self)
        let keyIsSmall = String.smallFlagIsKnown && k.1 & String.smallFlag != 0
        return keys.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress, start < buffer.count else { return false }
            let raw = UnsafeRawPointer(base)
            for i in start..<buffer.count {
                let word0 = raw.load(fromByteOffset: i &* MemoryLayout<String>.stride, as: UInt64.self)
                let word1 = raw.load(fromByteOffset: i &* MemoryLayout<String>.stride &+ 8, as: UInt64.self)
                if word0 == k.0 && word1 == k.1 { return true }
                if keyIsSmall && word1 & String.smallFlag != 0 { continue }
                if buffer[i].isExactlyEqual(to: key) { return true }
            }
            return false
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let n = literal.utf8CodeUnitCount
        let p = literal.utf8Start
        for i in 0..<n {
            guard pos + i < bytes.count, bytes[pos + i] == p[i] else { throw unexpected(at: pos + i) }
        }
        pos += n
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > options.maxDepth { throw error(.tooDeep(limit: options.maxDepth), at: pos) }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        var negative = false
        if bytes[pos] == 0x2D { negative = true; pos += 1 }
        let intStart = pos
        guard pos < bytes.count, bytes[pos] >= 0x30 && bytes[pos] <= 0x39 else { throw error(.invalidNumber, at: start) }
        if bytes[pos] == 0x30 {
            pos += 1
        } else {
            while pos < bytes.count && bytes[pos] >= 0x30 && bytes[pos] <= 0x39 { pos += 1 }
        }
        let intEnd = pos
        var fracStart = pos
        var fracEnd = pos
        if pos < bytes.count && bytes[pos] == 0x2E {
            pos += 1
            fracStart = pos
            while pos < bytes.count && bytes[pos] >= 0x30 && bytes[pos] <= 0x39 { pos += 1 }
            fracEnd = pos
            if fracEnd == fracStart { throw error(.invalidNumber, at: start) }
        }
        var exponent = 0
        if pos < bytes.count && (bytes[pos] == 0x65 || bytes[pos] == 0x45) {
            pos += 1
            var expNegative = false
            if pos < bytes.count && (bytes[pos] == 0x2B || bytes[pos] == 0x2D) {
                expNegative = bytes[pos] == 0x2D
                pos += 1
            }
            let expStart = pos
            while pos < bytes.count && bytes[pos] >= 0x30 && bytes[pos] <= 0x39 {
                // Saturate far beyond JSONNumber.exponentLimit, which then clamps the value.
                if exponent < 1_000_000_000_000 { exponent = exponent * 10 + Int(bytes[pos] - 0x30) }
                pos += 1
            }
            if pos == expStart { throw error(.invalidNumber, at: start) }
            if expNegative { exponent = -exponent }
        }
        // Fast path: a plain integer of up to 18 digits.
        if fracEnd == fracStart && exponent == 0 && intEnd - intStart <= 18 {
            var m: UInt64 = 0
            for i in intStart..<intEnd { m = m &* 10 &+ UInt64(bytes[i] &- 0x30) }
            return JSONNumber(magnitude: m, negative: negative)
        }
        if fracEnd == fracStart {
            return JSONNumber(negative: negative, digits: UnsafeBufferPointer(rebasing: bytes[intStart..<intEnd]), exponent: exponent)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[intStart..<intEnd])
        scratch.append(contentsOf: bytes[fracStart..<fracEnd])
        let fracDigits = fracEnd - fracStart
        return scratch.withUnsafeBufferPointer {
            JSONNumber(negative: negative, digits: $0, exponent: exponent - fracDigits)
        }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes. ASCII needs no UTF-8 check; anything else is checked once here,
        // so the String is built without the standard library validating again.
        var seen: UInt8 = 0
        // Eight bytes at a time while none of them is a quote, a backslash, a control character
        // or non-ASCII: most of a message is string content, and this loop was its biggest cost.
        // Unaligned loads from the caller's buffer, always within its bounds.
        // Non-ASCII bytes do not stop it (Norwegian text has some in most sentences): they are
        // only noted, for the UTF-8 check below.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var high: UInt64 = 0
            while pos &+ 8 <= bytes.count {
                let w = raw.loadUnaligned(fromByteOffset: pos, as: UInt64.self)
                let special = Self.specialBytes(w)
                if special != 0 {
                    // Step to the first flagged byte (it is exact, see `specialBytes`): the byte
                    // loop below then starts at the closing quote of most strings, instead of
                    // reading their last few bytes one at a time.
                    #if _endian(little)
                    let skipped = special.trailingZeroBitCount >> 3
                    #else
                    let skipped = 0
                    #endif
                    high |= w & ((1 &<< UInt64(skipped &* 8)) &- 1)
                    pos &+= skipped
                    break
                }
                high |= w
                pos &+= 8
            }
            if high & 0x8080_8080_8080_8080 != 0 { seen = 0x80 }
        }
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x22 {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if seen & 0x80 != 0 {
                    let bad = Self.firstInvalidUTF8(slice)
                    if bad != slice.count { throw error(.invalidUTF8, at: start + bad) }
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if b == 0x5C { break }
            if b < 0x20 { throw error(.controlCharacterInString, at: pos) }
            seen |= b
            pos += 1
        }
        guard pos < bytes.count else { throw error(.unexpectedEnd, at: pos) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[start..<pos])
        var scratchStartOffsets = start  // input offset of scratch[0], for UTF-8 error reporting
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x22 {
                pos += 1
                let valid = scratch.withUnsafeBufferPointer { Self.firstInvalidUTF8($0) == $0.count }
                if valid { return String(decoding: scratch, as: UTF8.self) }
                // Report the first bad byte of the raw input for a precise location.
                let raw = UnsafeBufferPointer(rebasing: bytes[scratchStartOffsets..<(pos - 1)])
                scratchStartOffsets += Self.firstInvalidUTF8(raw)
                throw error(.invalidUTF8, at: scratchStartOffsets)
            }
            if b < 0x20 { throw error(.controlCharacterInString, at: pos) }
            if b != 0x5C {
                scratch.append(b)
                pos += 1
                continue
            }
            let escapeStart = pos
            pos += 1
            guard pos < bytes.count else { throw error(.unexpectedEnd, at: pos) }
            let e = bytes[pos]
            pos += 1
            switch e {
            case 0x22: scratch.append(0x22)
            case 0x5C: scratch.append(0x5C)
            case 0x2F: scratch.append(0x2F)
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var code = try parseHex4(escapeStart)
                if code >= 0xD800 && code < 0xDC00 {
                    guard pos + 1 < bytes.count, bytes[pos] == 0x5C, bytes[pos + 1] == 0x75 else {
                        throw error(.loneSurrogate, at: escapeStart)
                    }
                    pos += 2
                    let low = try parseHex4(escapeStart)
                    guard low >= 0xDC00 && low < 0xE000 else { throw error(.loneSurrogate, at: escapeStart) }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if code >= 0xDC00 && code < 0xE000 {
                    throw error(.loneSurrogate, at: escapeStart)
                }
                appendUTF8(code)
            default:
                throw error(.invalidEscape, at: escapeStart)
            }
        }
        throw error(.unexpectedEnd, at: pos)
    }

    /// True when a byte of `w` is `"`, `\\` or below 0x20 (SWAR: a zero byte of `w ^ c` is a match
    /// of `c`; `(x - 0x01…) & ~x & 0x80…` flags zero bytes, exact for the first). Bytes from 0x80
    /// on are never flagged themselves (`~x` clears their high bit); a borrow out of a flagged
    /// byte may flag a later one too, which only ends the fast scan early.
    @inline(__always)
    static func hasSpecialByte(_ w: UInt64) -> Bool { specialBytes(w) != 0 }

    /// The high bits of the bytes `hasSpecialByte` flags; the lowest one (first in memory on
    /// this little-endian layout) is always a real quote, backslash or control byte.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        // A byte below 0x20: subtracting 0x20 leaves its high bit set, and `~w` keeps it.
        let hasControl = (w &- ones &* 0x20) & ~w
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    private mutating func parseHex4(_ escapeStart: Int) throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error(.invalidEscape, at: escapeStart) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error(.invalidEscape, at: escapeStart)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    private mutating func appendUTF8(_ code: UInt32) {
        switch code {
        case 0..<0x80:
            scratch.append(UInt8(code))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (code >> 6)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (code >> 12)))
            scratch.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (code >> 18)))
            scratch.append(UInt8(0x80 | ((code >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        }
    }

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence.
    static func firstInvalidUTF8(_ s: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < s.count {
            let b = s[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            for k in 1...need {
                guard i + k < s.count else { return i }
                let c = s[i + k]
                if k == 1 { if c < lo || c > hi { return i } } else if c < 0x80 || c > 0xBF { return i }
            }
            i += need + 1
        }
        return i
    }
}
