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
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// The value a pointer designates inside a document.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        var current = document
        for t in tokens {
            switch current {
            case .object(let o):
                guard let v = o[t] else { return nil }
                current = v
            case .array(let a):
                guard let i = Int(t), i >= 0, i < a.count, t == String(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }
}

