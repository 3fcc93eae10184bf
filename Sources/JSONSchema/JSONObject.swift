/// A JSON object: members in document order with unique keys.
///
/// Lookup is a linear scan for small objects (the common case in messages, and faster
/// than hashing) and goes through a key index built once for larger ones.
public struct JSONObject: Sendable, Hashable {
    /// Above this many members a key index is built for lookups.
    static let indexThreshold = 12

    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    private var index: [ExactString: Int]?

    /// An empty object.
    public init() {
        keys = []
        values = []
        index = nil
    }

    /// Builds an object from members; a later duplicate key replaces the earlier value.
    public init(_ members: [(String, JSONValue)]) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// Builds from parallel arrays whose keys are known to be unique (the parser checked).
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        if keys.count > Self.indexThreshold {
            var idx = [ExactString: Int](minimumCapacity: keys.count)
            for (i, k) in keys.enumerated() { idx[ExactString(k)] = i }
            index = idx
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of a key in document order.
    public func indexOf(_ key: String) -> Int? {
        if let index { return index[ExactString(key)] }
        for i in keys.indices where keys[i].isExactlyEqual(to: key) { return i }
        return nil
    }

    /// The position of a key, trying `hint` first: keys are usually looked up in document order.
    @inline(__always)
    func indexOf(_ key: String, hint: Int) -> Int? {
        if hint < keys.count && keys[hint].isExactlyEqual(to: key) { return hint }
        return indexOf(key)
    }

    public subscript(key: String) -> JSONValue? {
        get { indexOf(key).map { values[$0] } }
        set {
            if let i = indexOf(key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    rebuildIndex()
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if index != nil {
                    index![ExactString(key)] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private mutating func rebuildIndex() {
        guard keys.count > Self.indexThreshold else { index = nil; return }
        var idx = [ExactString: Int](minimumCapacity: keys.count)
        for (i, k) in keys.enumerated() { idx[ExactString(k)] = i }
        index = idx
    }

    /// Members in document order.
    public var members: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    /// Objects are equal when they have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in lhs.keys.indices {
            guard let j = rhs.indexOf(lhs.keys[i]), rhs.values[j] == lhs.values[i] else { return false }
        }
        return true
    }

    /// Order-independent hash, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for i in keys.indices {
            var h = Hasher()
            keys[i].hashExactly(into: &h)
            h.combine(values[i])
            combined ^= h.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}
