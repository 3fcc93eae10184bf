/// The `format` values this validator can assert. Unknown formats are never asserted.
enum FormatKind: String, Sendable {
    case date, time, dateTime = "date-time", duration
    case email, hostname, ipv4, ipv6, uuid
    case uri, uriReference = "uri-reference"
    case jsonPointer = "json-pointer", relativeJSONPointer = "relative-json-pointer"
    case regex

    func check(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { check(bytes: $0) }
    }

    func check(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = bytes
        switch self {
        case .date: return FormatCheck.date(b[...])
        case .time: return FormatCheck.time(b[...])
        case .dateTime: return FormatCheck.dateTime(b)
        case .duration: return FormatCheck.duration(b)
        case .email: return FormatCheck.email(b)
        case .hostname: return FormatCheck.hostname(b[...])
        case .ipv4: return FormatCheck.ipv4(b[...])
        case .ipv6: return FormatCheck.ipv6(b[...])
        case .uuid: return FormatCheck.uuid(b)
        case .uri: return FormatCheck.uri(b, requireScheme: true)
        case .uriReference: return FormatCheck.uri(b, requireScheme: false)
        case .jsonPointer: return FormatCheck.jsonPointer(b[...])
        case .relativeJSONPointer: return FormatCheck.relativeJSONPointer(b)
        case .regex: return (try? ECMARegex(String(decoding: bytes, as: UTF8.self), automaton: false)) != nil
        }
    }
}

/// Byte-level checks for the formats of RFC 3339, RFC 5321, RFC 1123, RFC 4122, RFC 3986 and RFC 6901.
enum FormatCheck {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>
    typealias Buffer = UnsafeBufferPointer<UInt8>

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }

    static func number(_ b: Bytes, _ from: Int, _ count: Int) -> Int? {
        var v = 0
        for i in from..<(from + count) {
            guard i < b.endIndex, isDigit(b[i]) else { return nil }
            v = v * 10 + Int(b[i] - 0x30)
        }
        return v
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// full-date: YYYY-MM-DD.
    static func date(_ b: Bytes) -> Bool {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == 0x2D, b[s + 7] == 0x2D,
              let y = number(b, s, 4), let m = number(b, s + 5, 2), let d = number(b, s + 8, 2) else { return false }
        return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(month: m, year: y)
    }

    /// full-time: HH:MM:SS[.frac](Z|±HH:MM); a leap second only at 23:59:60 UTC.
    static func time(_ b: Bytes) -> Bool {
        let s = b.startIndex
        guard b.count >= 9, b[s + 2] == 0x3A, b[s + 5] == 0x3A,
              let h = number(b, s, 2), let m = number(b, s + 3, 2), let sec = number(b, s + 6, 2) else { return false }
        var i = s + 8
        if i < b.endIndex && b[i] == 0x2E {
            i += 1
            let start = i
            while i < b.endIndex && isDigit(b[i]) { i += 1 }
            if i == start { return false }
        }
        guard i < b.endIndex else { return false }
        var offsetMinutes = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let sign = b[i] == 0x2D ? -1 : 1
            guard b.endIndex - i == 6, b[i + 3] == 0x3A, let oh = number(b, i + 1, 2), let om = number(b, i + 4, 2),
                  oh <= 23, om <= 59 else { return false }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else {
            return false
        }
        guard i == b.endIndex, h <= 23, m <= 59, sec <= 60 else { return false }
        if sec == 60 {
            let utc = ((h * 60 + m - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func dateTime(_ b: Buffer) -> Bool {
        guard b.count > 11, b[10] == 0x54 || b[10] == 0x74 else { return false }
        return date(b[0..<10]) && time(b[11...])
    }

    /// ISO 8601 duration as in RFC 3339 appendix A.
    static func duration(_ b: Buffer) -> Bool {
        guard b.count >= 3, b[0] == 0x50 else { return false }
        var i = 1
        var inTime = false
        var sawAny = false
        var sawWeek = false
        var order = "YMD"[...]
        var timeOrder = "HMS"[...]
        while i < b.count {
            if b[i] == 0x54 {
                if inTime { return false }
                inTime = true
                i += 1
                if i == b.count { return false }
                continue
            }
            let start = i
            while i < b.count && isDigit(b[i]) { i += 1 }
            guard i > start, i < b.count else { return false }
            let unit = Character(Unicode.Scalar(b[i]))
            i += 1
            sawAny = true
            if unit == "W" {
                if inTime || sawWeek || start != 1 || i != b.count { return false }
                sawWeek = true
                continue
            }
            if inTime {
                guard let idx = timeOrder.firstIndex(of: unit) else { return false }
                timeOrder = timeOrder[timeOrder.index(after: idx)...]
            } else {
                guard let idx = order.firstIndex(of: unit) else { return false }
                order = order[order.index(after: idx)...]
            }
        }
        if inTime && timeOrder.count == 3 { return false }
        return sawAny
    }

    static func ipv4(_ b: Bytes) -> Bool {
        var parts = 0
        var i = b.startIndex
        while true {
            let start = i
            var v = 0
            while i < b.endIndex && isDigit(b[i]) {
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
                if i - start > 3 { return false }
            }
            let len = i - start
            if len == 0 || v > 255 || (len > 1 && b[start] == 0x30) { return false }
            parts += 1
            if i == b.endIndex { return parts == 4 }
            if b[i] != 0x2E || parts == 4 { return false }
            i += 1
        }
    }

    static func ipv6(_ b: Bytes) -> Bool {
        guard !b.isEmpty else { return false }
        var groups = 0
        var compressed = false
        var i = b.startIndex
        if b.count >= 2 && b[i] == 0x3A {
            guard b[i + 1] == 0x3A else { return false }
            compressed = true
            i += 2
            if i == b.endIndex { return true }
        }
        while i < b.endIndex {
            let start = i
            while i < b.endIndex && isHex(b[i]) { i += 1 }
            if i < b.endIndex && b[i] == 0x2E {
                // Embedded IPv4 at the end.
                guard ipv4(b[start...]) else { return false }
                groups += 2
                i = b.endIndex
                break
            }
            let len = i - start
            guard len >= 1 && len <= 4 else { return false }
            groups += 1
            if i == b.endIndex { break }
            guard b[i] == 0x3A else { return false }
            i += 1
            if i < b.endIndex && b[i] == 0x3A {
                if compressed { return false }
                compressed = true
                i += 1
                if i == b.endIndex { break }
            } else if i == b.endIndex {
                return false
            }
        }
        return compressed ? groups <= 7 : groups == 8
    }

    static func hostname(_ b: Bytes) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        for c in b {
            if c == 0x2E {
                if labelLength == 0 || previous == 0x2D { return false }
                labelLength = 0
            } else if isAlpha(c) || isDigit(c) || c == 0x2D {
                if labelLength == 0 && c == 0x2D { return false }
                labelLength += 1
                if labelLength > 63 { return false }
            } else {
                return false
            }
            previous = c
        }
        return previous != 0x2D && previous != 0x2E
    }

    /// A 256-entry membership table for a set of ASCII bytes. Built once: the format checks used
    /// to build a `Set<UInt8>` on every call, which showed up in validation profiles.
    static func byteTable(_ members: String) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        for c in members.utf8 { table[Int(c)] = true }
        return table
    }

    static let emailLocalSymbols = byteTable("!#$%&'*+-/=?^_`{|}~")
    static let uriUnreservedMarks = byteTable("-._~")
    static let uriSubDelims = byteTable("!$&'()*+,;=")

    static func email(_ b: Buffer) -> Bool {
        guard let at = b.lastIndex(of: 0x40), at > 0, at < b.count - 1 else { return false }
        let local = b[..<at]
        let domain = b[(at + 1)...]
        if local.first == 0x22 {
            guard local.count >= 2, local.last == 0x22 else { return false }
        } else {
            let allowed = emailLocalSymbols
            var previous: UInt8 = 0x2E
            for c in local {
                if c == 0x2E { if previous == 0x2E { return false } }
                else if !(isAlpha(c) || isDigit(c) || allowed[Int(c)] || c >= 0x80) { return false }
                previous = c
            }
            if previous == 0x2E { return false }
        }
        if domain.first == 0x5B {
            guard domain.last == 0x5D else { return false }
            let inner = domain.dropFirst().dropLast()
            if inner.starts(with: Array("IPv6:".utf8)) { return ipv6(inner.dropFirst(5)) }
            return ipv4(inner)
        }
        return hostname(domain)
    }

    static func uuid(_ b: Buffer) -> Bool {
        guard b.count == 36, let p = b.baseAddress, p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else {
            return false
        }
        // The five groups of hex digits, read through the base pointer (36 bytes, checked
        // above): messages carry several UUIDs, and the generic per-byte loop with its position
        // tests showed in profiles.
        return hexRun(p, 0, 8) && hexRun(p, 9, 13) && hexRun(p, 14, 18) && hexRun(p, 19, 23) && hexRun(p, 24, 36)
    }

    @inline(__always)
    private static func hexRun(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            let c = p[i]
            if c &- 0x30 >= 10 && (c | 0x20) &- 0x61 >= 6 { return false }
            i &+= 1
        }
        return true
    }

    static func jsonPointer(_ b: Bytes) -> Bool {
        if b.isEmpty { return true }
        guard b.first == 0x2F else { return false }
        var i = b.startIndex
        while i < b.endIndex {
            if b[i] == 0x7E {
                guard i + 1 < b.endIndex, b[i + 1] == 0x30 || b[i + 1] == 0x31 else { return false }
                i += 1
            }
            i += 1
        }
        return true
    }

    static func relativeJSONPointer(_ b: Buffer) -> Bool {
        var i = 0
        while i < b.count && isDigit(b[i]) { i += 1 }
        guard i > 0, !(i > 1 && b[0] == 0x30) else { return false }
        if i == b.count { return true }
        if b[i] == 0x23 { return i + 1 == b.count }
        return jsonPointer(b[i...])
    }

    /// RFC 3986 URI (with a scheme) or URI reference, ASCII only.
    static func uri(_ b: Buffer, requireScheme: Bool) -> Bool {
        let unreserved = uriUnreservedMarks
        let subDelims = uriSubDelims
        // `slash`/`question`: "/" and "?" are allowed too (path, query, fragment).
        func pchar(_ c: UInt8, slash: Bool, question: Bool) -> Bool {
            isAlpha(c) || isDigit(c) || unreserved[Int(c)] || subDelims[Int(c)] || c == 0x3A || c == 0x40
                || (slash && c == 0x2F) || (question && c == 0x3F)
        }
        func validPart(_ part: Bytes, slash: Bool, question: Bool) -> Bool {
            var i = part.startIndex
            while i < part.endIndex {
                if part[i] == 0x25 {
                    guard i + 2 < part.endIndex, isHex(part[i + 1]), isHex(part[i + 2]) else { return false }
                    i += 3
                    continue
                }
                if !pchar(part[i], slash: slash, question: question) { return false }
                i += 1
            }
            return true
        }
        var rest = b[...]
        var fragment: Bytes?
        var query: Bytes?
        if let h = rest.firstIndex(of: 0x23) { fragment = rest[(h + 1)...]; rest = rest[..<h] }
        if let q = rest.firstIndex(of: 0x3F) { query = rest[(q + 1)...]; rest = rest[..<q] }
        var hasScheme = false
        if let colon = rest.firstIndex(of: 0x3A), let slash = Optional(rest.firstIndex(of: 0x2F) ?? rest.endIndex), colon < slash {
            let scheme = rest[..<colon]
            guard let first = scheme.first, isAlpha(first),
                  scheme.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else { return false }
            hasScheme = true
            rest = rest[(colon + 1)...]
        }
        if requireScheme && !hasScheme { return false }
        if let f = fragment, !validPart(f, slash: true, question: true) { return false }
        if let q = query, !validPart(q, slash: true, question: true) { return false }
        var path = rest
        if rest.starts(with: [0x2F, 0x2F]) {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: 0x2F) ?? afterSlashes.endIndex
            var authority = afterSlashes[..<end]
            path = afterSlashes[end...]
            if let at = authority.firstIndex(of: 0x40) {
                guard validPart(authority[..<at], slash: false, question: false) else { return false }
                authority = authority[(at + 1)...]
            }
            if authority.first == 0x5B {
                guard let close = authority.firstIndex(of: 0x5D), ipv6(authority[(authority.startIndex + 1)..<close]) else { return false }
                let after = authority[(close + 1)...]
                if !after.isEmpty {
                    guard after.first == 0x3A, after.dropFirst().allSatisfy(isDigit) else { return false }
                }
            } else {
                var host = authority
                if let colon = authority.lastIndex(of: 0x3A) {
                    guard authority[(colon + 1)...].allSatisfy(isDigit) else { return false }
                    host = authority[..<colon]
                }
                var i = host.startIndex
                while i < host.endIndex {
                    let c = host[i]
                    if c == 0x25 {
                        guard i + 2 < host.endIndex, isHex(host[i + 1]), isHex(host[i + 2]) else { return false }
                        i += 3
                        continue
                    }
                    guard isAlpha(c) || isDigit(c) || unreserved[Int(c)] || subDelims[Int(c)] else { return false }
                    i += 1
                }
            }
        }
        return validPart(path, slash: true, question: false)
    }
}
