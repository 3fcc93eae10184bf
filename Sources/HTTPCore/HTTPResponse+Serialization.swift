extension HTTPResponse {
    /// Writes the status line and header section (with the final empty line) into `buffer`.
    /// `date` is the preformatted IMF-fixdate; `contentLength` nil means chunked framing, and
    /// `connectionHeader` is "close", "keep-alive" or nil for none.
    public func serializeHead(
        into buffer: inout [UInt8], version: HTTPVersion, date: [UInt8],
        contentLength: Int?, chunked: Bool, connectionHeader: String?
    ) {
        buffer.append(contentsOf: version == .http10 ? http10Prefix : http11Prefix)
        appendDecimal(status.code, to: &buffer)
        buffer.append(0x20)
        buffer.append(contentsOf: status.reasonPhrase.utf8)
        buffer.append(contentsOf: crlf)
        buffer.append(contentsOf: dateFieldPrefix)
        buffer.append(contentsOf: date)
        buffer.append(contentsOf: crlf)
        for field in headers where !isServerManaged(field.name) {
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(0x3A)
            buffer.append(0x20)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: crlf)
        }
        if let contentLength {
            buffer.append(contentsOf: contentLengthPrefix)
            appendDecimal(contentLength, to: &buffer)
            buffer.append(contentsOf: crlf)
        } else if chunked {
            buffer.append(contentsOf: chunkedField)
        }
        if let connectionHeader {
            buffer.append(contentsOf: connectionPrefix)
            buffer.append(contentsOf: connectionHeader.utf8)
            buffer.append(contentsOf: crlf)
        }
        buffer.append(contentsOf: crlf)
    }
}

/// Framing and connection fields are the server's alone: a handler's copy would contradict the
/// framing actually used (two Content-Length values, say), so it is never written.
private func isServerManaged(_ name: String) -> Bool {
    switch name.utf8.count {
    case 4: name.equalsASCIICaseInsensitive("Date")
    case 10: name.equalsASCIICaseInsensitive("Connection")
    case 14: name.equalsASCIICaseInsensitive("Content-Length")
    case 17: name.equalsASCIICaseInsensitive("Transfer-Encoding")
    default: false
    }
}

/// Appends the decimal digits of a non-negative integer without going through String.
public func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
    precondition(value >= 0)
    var divisor = 1
    while divisor <= value / 10 { divisor *= 10 }
    var rest = value
    repeat {
        buffer.append(UInt8(48 + rest / divisor))
        rest %= divisor
        divisor /= 10
    } while divisor > 0
}

/// Appends a chunk-size line (hex digits and CRLF) for chunked response framing.
public func appendChunkSize(_ value: Int, to buffer: inout [UInt8]) {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var digits: [UInt8] = []
    var rest = value
    repeat {
        digits.append(hex[rest & 0xF])
        rest >>= 4
    } while rest > 0
    buffer.append(contentsOf: digits.reversed())
    buffer.append(contentsOf: crlf)
}

let http11Prefix: [UInt8] = Array("HTTP/1.1 ".utf8)
let http10Prefix: [UInt8] = Array("HTTP/1.0 ".utf8)
let crlf: [UInt8] = [0x0D, 0x0A]
let dateFieldPrefix: [UInt8] = Array("Date: ".utf8)
let contentLengthPrefix: [UInt8] = Array("Content-Length: ".utf8)
let chunkedField: [UInt8] = Array("Transfer-Encoding: chunked\r\n".utf8)
let connectionPrefix: [UInt8] = Array("Connection: ".utf8)
