import HTTPCore

/// RFC 9457 problem details as an `application/problem+json` response. This is the only shape
/// of error body the server sends, for protocol errors as well as for the application's errors.
public enum ProblemResponse {
    public static let mediaType = "application/problem+json"

    /// A problem response. `type` defaults to `about:blank`, whose title is the status phrase;
    /// `extensions` are extra members, already encoded as JSON values.
    public static func make(
        status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        instance: String? = nil, extensions: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponse {
        var json = "{\"type\":" + JSONText.quoted(type)
        json += ",\"title\":" + JSONText.quoted(title ?? status.reasonPhrase)
        json += ",\"status\":\(status.code)"
        if let detail { json += ",\"detail\":" + JSONText.quoted(detail) }
        if let instance { json += ",\"instance\":" + JSONText.quoted(instance) }
        for (name, encodedValue) in extensions { json += "," + JSONText.quoted(name) + ":" + encodedValue }
        json += "}"
        var headers = headers
        headers.set("Content-Type", mediaType)
        return HTTPResponse(status: status, headers: headers, body: .bytes(Array(json.utf8)))
    }
}

/// Minimal JSON text helpers for the few bodies the HTTP layer writes itself.
public enum JSONText {
    /// A JSON string literal for `text`, escaped per RFC 8259.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
