/// An ordered list of header fields as received or to be sent. Names compare case-insensitively
/// (RFC 9110 §5.1); order and duplicates are kept because some fields may repeat.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [Field]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of the named field, or nil.
    public subscript(name: String) -> String? {
        for field in fields where field.name.equalsASCIICaseInsensitive(name) { return field.value }
        return nil
    }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.equalsASCIICaseInsensitive(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field of that name with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsASCIICaseInsensitive(name) }
    }

    /// True when a comma-separated list field (such as Connection) holds the token, ignoring case.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where field.name.equalsASCIICaseInsensitive(name) {
            for element in field.value.split(separator: ",") {
                if element.trimmingASCIIWhitespace().equalsASCIICaseInsensitive(token) { return true }
            }
        }
        return false
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, which is what HTTP field names and tokens use.
    @inlinable
    public func equalsASCIICaseInsensitive<Other: StringProtocol>(_ other: Other) -> Bool {
        var left = self.utf8.makeIterator()
        var right = other.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (a?, b?):
                if a == b { continue }
                let la = (a >= 65 && a <= 90) ? a | 0x20 : a
                let lb = (b >= 65 && b <= 90) ? b | 0x20 : b
                if la != lb { return false }
            default: return false
            }
        }
    }

    func trimmingASCIIWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}

extension HTTPHeaders: Equatable {
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
