/// A JSON object: members in document order with unique keys.
///
/// The members live in one immutable reference-counted storage, so passing an object around
/// (or matching `.object(let o)`) costs a single retain. Lookup is a linear scan for small
/// objects (the common case in messages, and faster than hashing) and goes through a key index,
/// built once, for larger ones.
public struct JSONObject: Sendable, Hashable {
    /// Above this many members a key index is built for lookups.
    static let indexThreshold = 32

    final class Storage: Sendable {
        let keys: [String]
        let values: [JSONValue]
        let index: [ExactString: Int]?

        init(keys: [String], values: [JSONValue]) {
            self.keys = keys
            self.values = values
            if keys.count > JSONObject.indexThreshold {
                var idx = [ExactString: Int](minimumCapacity: keys.count)
                for (i, k) in keys.enumerated() { idx[ExactString(k)] = i }
                index = idx
            } else {
                index = nil
            }
        }

        static let empty = Storage(keys: [], values: [])
    }

    private var storage: Storage

    /// An empty object.
    public init() {
        storage = .empty
    }

    /// Builds an object from members; a later duplicate key replaces the earlier value.
    public init(_ members: [(String, JSONValue)]) {
        var keys: [String] = []
        var values: [JSONValue] = []
        keys.reserveCapacity(members.count)
        values.reserveCapacity(members.count)
        for (k, v) in members {
            if let i = keys.firstIndex(where: { $0.isExactlyEqual(to: k) }) {
                values[i] = v
            } else {
                keys.append(k)
                values.append(v)
            }
        }
        storage = Storage(keys: keys, values: values)
    }

    /// Builds from parallel arrays whose keys are known to be unique (the parser checked).
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        storage = Storage(keys: keys, values: values)
    }

    /// Keys in document order.
    public var keys: [String] { storage.keys }
    /// Values in document order.
    public var values: [JSONValue] { storage.values }
    public var count: Int { storage.keys.count }
    public var isEmpty: Bool { storage.keys.isEmpty }

    /// The position of a key in document order.
    public func indexOf(_ key: String) -> Int? {
        if let index = storage.index { return index[ExactString(key)] }
        let keys = storage.keys
        for i in keys.indices where keys[i].isExactlyEqual(to: key) { return i }
        return nil
    }

    /// The position of a key, trying `hint` first: keys are usually looked up in document order.
    @inline(__always)
    func indexOf(_ key: String, hint: Int) -> Int? {
        let keys = storage.keys
        if hint < keys.count && keys[hint].isExactlyEqual(to: key) { return hint }
        return indexOf(key)
    }

    /// The value for a key. Setting replaces or appends (nil removes); each change copies the members.
    public subscript(key: String) -> JSONValue? {
        get { indexOf(key).map { storage.values[$0] } }
        set {
            var keys = storage.keys
            var values = storage.values
            if let i = indexOf(key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            } else {
                return
            }
            storage = Storage(keys: keys, values: values)
        }
    }

    /// Members in document order.
    public var members: Zip2Sequence<[String], [JSONValue]> { zip(storage.keys, storage.values) }

    /// Objects are equal when they have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        if lhs.storage === rhs.storage { return true }
        guard lhs.count == rhs.count else { return false }
        let keys = lhs.storage.keys
        let values = lhs.storage.values
        for i in keys.indices {
            guard let j = rhs.indexOf(keys[i]), rhs.storage.values[j] == values[i] else { return false }
        }
        return true
    }

    /// Order-independent hash, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        let keys = storage.keys
        let values = storage.values
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
