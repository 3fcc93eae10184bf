/// Serialises `JSONValue`s as compact JSON text (for messages and machine-readable output).
public enum JSONWriter {
    /// Compact JSON text; with `limit`, longer output is cut and ends in "…".
    public static func string(_ value: JSONValue, limit: Int? = nil) -> String {
        var out = ""
        write(value, into: &out)
        if let limit, out.count > limit { return String(out.prefix(limit)) + "…" }
        return out
    }

    /// Writes compact JSON text for `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.description
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, (k, v)) in o.members.enumerated() {
                if i > 0 { out += "," }
                writeString(k, into: &out)
                out += ":"
                write(v, into: &out)
            }
            out += "}"
        }
    }

    /// Writes a JSON string literal with the required escapes.
    ///
    /// Only ASCII bytes (controls, `"` and `\`) need escaping, and a UTF-8 byte below 0x80 is
    /// always a whole scalar, so the text between them is appended in runs rather than scalar by
    /// scalar (this showed up in the request path's profile).
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = runStart
        while i != utf8.endIndex {
            let b = utf8[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else {
                i = utf8.index(after: i)
                continue
            }
            if runStart != i { out += Substring(utf8[runStart..<i]) }
            switch b {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            default:
                let hex = String(b, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            i = utf8.index(after: i)
            runStart = i
        }
        if runStart != utf8.endIndex { out += Substring(utf8[runStart..<utf8.endIndex]) }
        out += "\""
    }
}
