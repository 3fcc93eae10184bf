/// JSON Pointer (RFC 6901) helpers.
public enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    public static func escape(_ token: String) -> String {
        guard token.contains(where: { $0 == "~" || $0 == "/" }) else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// Splits a pointer into unescaped tokens; nil if it is not a valid pointer.
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        let utf8 = pointer.utf8
        // In ASCII text every byte is a Character of its own, so splitting and unescaping bytes
        // gives exactly what the Character-level code below gives, without its cost (the
        // server resolves pointers on every request). Other text keeps the Character rules,
        // under which a "/" or "~" followed by a combining mark is not a separator or escape.
        if utf8.allSatisfy({ $0 < 0x80 }) {
            guard utf8.first == UInt8(ascii: "/") else { return nil }
            var result: [String] = []
            var start = utf8.index(after: utf8.startIndex)
            var i = start
            var hasTilde = false
            while true {
                if i == utf8.endIndex || utf8[i] == UInt8(ascii: "/") {
                    let token = Substring(utf8[start..<i])
                    result.append(hasTilde ? unescape(String(token)) : String(token))
                    if i == utf8.endIndex { break }
                    i = utf8.index(after: i)
                    start = i
                    hasTilde = false
                    continue
                }
                if utf8[i] == UInt8(ascii: "~") { hasTilde = true }
                i = utf8.index(after: i)
            }
            return result
        }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.contains("~") ? unescape(String($0)) : String($0)
        }
    }

    /// `~1` → `/`, then `~0` → `~` (in this order, so `~01` becomes `~1`).
    private static func unescape(_ token: String) -> String {
        token.replacing("~1", with: "/").replacing("~0", with: "~")
    }

    /// The value a pointer designates inside a document.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        // ASCII pointers without escapes (nearly all; the server reads dozens per message) are walked
        // segment by segment in place, without building the token list first.
        let utf8 = pointer.utf8
        if utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "~") }) {
            guard let slash = utf8.first else { return document }
            guard slash == UInt8(ascii: "/") else { return nil }
            var current = document
            var rest = utf8[utf8.index(after: utf8.startIndex)...]
            while true {
                let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
                guard let next = step(into: current, String(Substring(rest[..<end]))) else { return nil }
                current = next
                guard end != rest.endIndex else { return current }
                rest = rest[rest.index(after: end)...]
            }
        }
        guard let tokens = tokens(pointer) else { return nil }
        var current = document
        for t in tokens {
            guard let next = step(into: current, t) else { return nil }
            current = next
        }
        return current
    }

    /// The member or item a reference token names.
    private static func step(into value: JSONValue, _ token: String) -> JSONValue? {
        switch value {
        case .object(let o):
            return o[token]
        case .array(let a):
            guard let i = Int(token), i >= 0, i < a.count, token == String(i) else { return nil }
            return a[i]
        default:
            return nil
        }
    }
}
