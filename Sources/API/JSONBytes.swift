import JSONSchema

/// Compact JSON as UTF-8 bytes, for response bodies and stored records. The same output as
/// `JSONWriter`, written byte by byte: a string with nothing to escape (nearly all of them) is
/// copied whole, which keeps the submit path's receipt off the profile.
enum JSONBytes {
    static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return out
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += [0x6E, 0x75, 0x6C, 0x6C]
        case .bool(let b): out += b ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65]
        case .number(let n): out += n.description.utf8
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                write(v, into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            var first = true
            for (k, v) in o.members {
                if !first { out.append(0x2C) }
                first = false
                writeString(k, into: &out)
                out.append(0x3A)
                write(v, into: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case ..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                default: out.append(b)
                }
            }
        }
        out.append(0x22)
    }
}
