/// Why and where a JSON text was refused.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        case emptyInput
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case invalidEscape
        case loneSurrogate
        case controlCharacterInString
        case invalidUTF8
        case duplicateKey(String)
        case tooDeep(limit: Int)
        case trailingData
    }

    public let reason: Reason
    /// Byte offset (0-based) of the offending byte.
    public let offset: Int
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int

    public var message: String {
        switch reason {
        case .emptyInput: return "empty input"
        case .unexpectedEnd: return "unexpected end of input"
        case .unexpectedByte(let b):
            if b >= 0x20 && b < 0x7F { return "unexpected character '\(Character(Unicode.Scalar(b)))'" }
            return "unexpected byte 0x\(String(b, radix: 16, uppercase: true))"
        case .invalidNumber: return "invalid number"
        case .invalidEscape: return "invalid escape sequence in string"
        case .loneSurrogate: return "unpaired UTF-16 surrogate escape in string"
        case .controlCharacterInString: return "unescaped control character in string"
        case .invalidUTF8: return "invalid UTF-8"
        case .duplicateKey(let k): return "duplicate object key \"\(k)\""
        case .tooDeep(let limit): return "nesting deeper than \(limit) levels"
        case .trailingData: return "data after the JSON value"
        }
    }

    public var description: String { "\(message) at line \(line), column \(column) (byte \(offset))" }
}
