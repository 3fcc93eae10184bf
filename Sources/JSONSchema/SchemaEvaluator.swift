/// One validation pass over an instance.
///
/// In the fast mode (`collecting == false`) it stops at the first failure and keeps no paths.
/// In the collecting mode it keeps the instance path and the keyword path as stacks of
/// components and turns them into JSON Pointers only when it records an error.
struct SchemaEvaluator {
    enum PathComponent {
        case key(String)
        case index(Int)
    }

    let schema: CompiledSchema
    let maxErrors: Int
    private(set) var collecting: Bool
    private(set) var errors: [ValidationError] = []
    private(set) var truncated = false
    private var instancePath: [PathComponent] = []
    private var keywordPath: [String] = []
    private var scope: [SchemaResource] = []
    private var depth = 0

    init(schema: CompiledSchema, collecting: Bool, maxErrors: Int) {
        self.schema = schema
        self.collecting = collecting
        self.maxErrors = maxErrors
    }

    // MARK: Errors

    private mutating func report(_ node: SchemaNode, _ keyword: String, _ message: String) {
        guard errors.count < maxErrors else { truncated = true; return }
        var instance = ""
        for c in instancePath {
            switch c {
            case .key(let k): instance += "/" + JSONPointer.escape(k)
            case .index(let i): instance += "/" + String(i)
            }
        }
        var kw = ""
        for k in keywordPath { kw += "/" + JSONPointer.escape(k) }
        if !keyword.isEmpty { kw += "/" + keyword }
        let absolute = keyword.isEmpty ? node.absoluteLocation : node.absoluteLocation + "/" + keyword
        errors.append(ValidationError(instanceLocation: instance, keywordLocation: kw, absoluteKeywordLocation: absolute,
                                      keyword: keyword.isEmpty ? (node.booleanValue == false ? "false" : "") : keyword,
                                      message: message))
    }

    /// A `false` subschema failed: name the keyword that applied it and the member it refused.
    private mutating func reportFalseSchema(_ node: SchemaNode) {
        let containers: Set<String> = ["properties", "patternProperties", "dependentSchemas", "prefixItems",
                                       "allOf", "anyOf", "oneOf", "$defs"]
        var keyword = "false"
        if let last = keywordPath.last {
            keyword = keywordPath.count >= 2 && containers.contains(keywordPath[keywordPath.count - 2])
                ? keywordPath[keywordPath.count - 2] : last
        }
        let message: String
        switch instancePath.last {
        case .key(let k)?: message = "property \"\(k)\" is not allowed here (\(keyword))"
        case .index(let i)?: message = "item \(i) is not allowed here (\(keyword))"
        case nil: message = "no value is allowed here (schema false)"
        }
        guard errors.count < maxErrors else { truncated = true; return }
        let before = errors.count
        report(node, "", message)
        if errors.count > before {
            let e = errors.removeLast()
            errors.append(ValidationError(instanceLocation: e.instanceLocation, keywordLocation: e.keywordLocation,
                                          absoluteKeywordLocation: e.absoluteKeywordLocation, keyword: keyword, message: message))
        }
    }

    // MARK: Descending

    // The keyword path components below are autoclosures: building them (`String(i)` for an
    // `allOf` or `prefixItems` index) is only needed in the collecting mode, and profiles of the
    // fast mode showed the integer formatting.

    /// Evaluates a subschema against the same instance (an in-place applicator).
    @inline(__always)
    private mutating func inPlace(_ child: SchemaNode, _ value: JSONValue, _ ann: inout Annotations, _ track: Bool,
                                  _ keyword: String, _ index: @autoclosure () -> String? = nil) -> Bool {
        if !collecting { return evaluate(child, value, &ann, track: track) }
        let mark = keywordPath.count
        keywordPath.append(keyword)
        if let index = index() { keywordPath.append(index) }
        let ok = evaluate(child, value, &ann, track: track)
        keywordPath.removeSubrange(mark...)
        return ok
    }

    /// Evaluates a subschema against a member of an object.
    @inline(__always)
    private mutating func member(_ child: SchemaNode, _ value: JSONValue, key: String, _ keyword: String,
                                 _ sub: @autoclosure () -> String?) -> Bool {
        var none = Annotations()
        if !collecting { return evaluate(child, value, &none, track: false) }
        let mark = keywordPath.count
        instancePath.append(.key(key))
        keywordPath.append(keyword)
        if let sub = sub() { keywordPath.append(sub) }
        let ok = evaluate(child, value, &none, track: false)
        instancePath.removeLast()
        keywordPath.removeSubrange(mark...)
        return ok
    }

    /// Evaluates a subschema against an item of an array.
    @inline(__always)
    private mutating func item(_ child: SchemaNode, _ value: JSONValue, index: Int, _ keyword: String,
                               _ sub: @autoclosure () -> String?) -> Bool {
        var none = Annotations()
        if !collecting { return evaluate(child, value, &none, track: false) }
        let mark = keywordPath.count
        instancePath.append(.index(index))
        keywordPath.append(keyword)
        if let sub = sub() { keywordPath.append(sub) }
        let ok = evaluate(child, value, &none, track: false)
        instancePath.removeLast()
        keywordPath.removeSubrange(mark...)
        return ok
    }

    /// Evaluates without recording errors (for anyOf, oneOf, not, if, contains).
    private mutating func quietly(_ child: SchemaNode, _ value: JSONValue, _ ann: inout Annotations, _ track: Bool) -> Bool {
        let saved = collecting
        collecting = false
        let ok = evaluate(child, value, &ann, track: track)
        collecting = saved
        return ok
    }

    // MARK: Evaluation

    static func typeMatches(_ mask: UInt8, _ value: JSONValue) -> Bool {
        switch value {
        case .null: return mask & TypeBits.null != 0
        case .bool: return mask & TypeBits.boolean != 0
        case .string: return mask & TypeBits.string != 0
        case .object: return mask & TypeBits.object != 0
        case .array: return mask & TypeBits.array != 0
        case .number(let n): return mask & TypeBits.number != 0 || (mask & TypeBits.integer != 0 && n.isInteger)
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        if case .number(let n) = value, n.isInteger { return "integer" }
        return value.typeName
    }

    /// Evaluates `node` against `value`. With `track`, on success the evaluated properties and
    /// items are added to `ann` (for an enclosing `unevaluated*`).
    @inline(__always)
    mutating func evaluate(_ node: SchemaNode, _ value: JSONValue, _ ann: inout Annotations, track: Bool) -> Bool {
        if node.isPureReference && !collecting && !schema.usesDynamicScope {
            return evaluateReferenced(node, value, &ann, track: track)
        }
        return evaluateKeywords(node, value, &ann, track: track)
    }

    /// A schema that is only a `$ref` needs no evaluation of its own: in the fast mode, go
    /// straight to the target (a bounded number of hops, so a `$ref` cycle still ends below).
    /// Kept apart from `evaluateKeywords` so that its node stays a borrowed parameter; the hops
    /// go through `Unmanaged` references, which a local `var node: SchemaNode` would retain.
    @inline(never)
    private mutating func evaluateReferenced(_ start: SchemaNode, _ value: JSONValue, _ ann: inout Annotations,
                                             track: Bool) -> Bool {
        var node = Unmanaged.passUnretained(start)
        var hops = 0
        while hops < 16, let target = node._withUnsafeGuaranteedRef({ $0.isPureReference ? $0.ref : nil }) {
            node = target
            hops += 1
        }
        return node._withUnsafeGuaranteedRef { evaluateKeywords($0, value, &ann, track: track) }
    }

    private mutating func evaluateKeywords(_ node: SchemaNode, _ value: borrowing JSONValue, _ ann: inout Annotations,
                                           track: Bool) -> Bool {
        if node.isLeaf && !collecting && !schema.usesDynamicScope {
            // The same depth limit as below, without the bookkeeping: a leaf evaluates nothing deeper.
            if depth >= schema.options.maxEvaluationDepth { return false }
            return leafPasses(node, value)
        }
        if let b = node.booleanValue {
            if b { return true }
            if collecting { reportFalseSchema(node) }
            return false
        }
        depth += 1
        defer { depth -= 1 }
        if depth > schema.options.maxEvaluationDepth {
            if collecting { report(node, "", "schema evaluation nested deeper than \(schema.options.maxEvaluationDepth) levels") }
            return false
        }
        var pushedScope = false
        if schema.usesDynamicScope, let r = node.owner, scope.last !== r {
            scope.append(r)
            pushedScope = true
        }
        defer { if pushedScope { scope.removeLast() } }

        let local = track || node.needsAnnotations
        var mine = Annotations()
        var valid = true

        if node.typeMask != 0 && !Self.typeMatches(node.typeMask, value) {
            if !collecting { return false }
            valid = false
            let names = TypeBits.names(node.typeMask)
            report(node, "type", "expected \(names.isEmpty ? "nothing" : names.joined(separator: " or ")), got \(Self.typeName(value))")
        }
        if node.hasValueKeywords {
            if let set = node.enumSet {
                if !set.contains(value) {
                    if !collecting { return false }
                    valid = false
                    report(node, "enum", "value is not one of the allowed values")
                }
            } else if let values = node.enumValues {
                if !values.contains(value) {
                    if !collecting { return false }
                    valid = false
                    report(node, "enum", "value is not one of the allowed values")
                }
            }
            if let c = node.constValue, c != value {
                if !collecting { return false }
                valid = false
                report(node, "const", "value must be \(JSONWriter.string(c, limit: 80))")
            }
        }

        // A `switch` on the borrowed value borrows the payload; an `if case` binding copied it
        // (a retain and a release per node visited, in profiles).
        switch value {
        case .number(let n) where node.hasNumberKeywords:
            if !checkNumber(node, n) { if !collecting { return false }; valid = false }
        case .string(let s) where node.hasStringKeywords:
            if !checkString(node, s) { if !collecting { return false }; valid = false }
        case .array(let a) where node.hasArrayKeywords:
            if !checkArray(node, a, &mine, local) { if !collecting { return false }; valid = false }
        case .object(let o) where node.hasObjectKeywords:
            if !checkObject(node, o, &mine, local) { if !collecting { return false }; valid = false }
        default:
            break
        }

        if node.hasInPlaceApplicators {
            if !checkApplicators(node, value, &mine, local) { if !collecting { return false }; valid = false }
        }

        // Only `unevaluated*` nodes read these (and pay for the optional references).
        if node.needsAnnotations {
            if let unevaluated = node.unevaluatedProperties, case .object(let o) = copy value {
                let keys = o.keys
                let values = o.values
                for i in 0..<keys.count where !mine.isPropertyEvaluated(i) {
                    if !member(unevaluated, values[i], key: keys[i], "unevaluatedProperties", nil) {
                        if !collecting { return false }
                        valid = false
                    }
                    if local { mine.markProperty(i, count: keys.count) }
                }
            }
            if let unevaluated = node.unevaluatedItems, case .array(let a) = copy value {
                for i in 0..<a.count where !mine.isItemEvaluated(i) {
                    if !item(unevaluated, a[i], index: i, "unevaluatedItems", nil) {
                        if !collecting { return false }
                        valid = false
                    }
                }
                mine.allItems = true
            }
        }

        if track && valid { ann.merge(mine) }
        return valid
    }

    /// The fast mode for a leaf node (`SchemaNode.isLeaf`): its keywords need no annotations,
    /// no scope and no subschemas, and a leaf has no annotations to report. This form reads a
    /// member in place: a string member (the common case) is checked without copying the whole
    /// JSONValue out of the object first.
    @inline(__always)
    private mutating func leafPasses(_ node: SchemaNode, at p: UnsafePointer<JSONValue>) -> Bool {
        if !node.hasValueKeywords || node.allowedStrings != nil, case .string(let s) = p.pointee {
            if node.typeMask != 0 && node.typeMask & TypeBits.string == 0 { return false }
            if node.hasValueKeywords, let allowed = node.allowedStrings,
               !allowed.contains(where: { $0.isExactlyEqual(to: s) }) {
                return false
            }
            return !node.hasStringKeywords || checkString(node, s)
        }
        return leafPasses(node, p.pointee)
    }

    private mutating func leafPasses(_ node: SchemaNode, _ value: JSONValue) -> Bool {
        if node.typeMask != 0 && !Self.typeMatches(node.typeMask, value) { return false }
        if node.hasValueKeywords {
            if let set = node.enumSet {
                if !set.contains(value) { return false }
            } else if let values = node.enumValues, !values.contains(value) {
                return false
            }
            if let c = node.constValue, c != value { return false }
        }
        if node.hasNumberKeywords, case .number(let n) = value, !checkNumber(node, n) { return false }
        if node.hasStringKeywords, case .string(let s) = value, !checkString(node, s) { return false }
        return true
    }

    private mutating func checkNumber(_ node: SchemaNode, _ n: JSONNumber) -> Bool {
        var valid = true
        if let m = node.minimum, JSONNumber.compare(n, m) < 0 {
            if !collecting { return false }
            valid = false
            report(node, "minimum", "\(n) is less than the minimum \(m)")
        }
        if let m = node.maximum, JSONNumber.compare(n, m) > 0 {
            if !collecting { return false }
            valid = false
            report(node, "maximum", "\(n) is greater than the maximum \(m)")
        }
        if let m = node.exclusiveMinimum, JSONNumber.compare(n, m) <= 0 {
            if !collecting { return false }
            valid = false
            report(node, "exclusiveMinimum", "\(n) must be greater than \(m)")
        }
        if let m = node.exclusiveMaximum, JSONNumber.compare(n, m) >= 0 {
            if !collecting { return false }
            valid = false
            report(node, "exclusiveMaximum", "\(n) must be less than \(m)")
        }
        if let m = node.multipleOf, !n.isMultiple(of: m) {
            if !collecting { return false }
            valid = false
            report(node, "multipleOf", "\(n) is not a multiple of \(m)")
        }
        return valid
    }

    private mutating func checkString(_ node: SchemaNode, _ s: String) -> Bool {
        // Reaching a String's bytes has a fixed cost per call (profiles showed a few hundred
        // instructions): when only yes or no is asked, every keyword shares one access.
        if !collecting, let decided = s.utf8.withContiguousStorageIfAvailable({ Self.stringPasses(node, $0) }),
           let passes = decided {
            return passes
        }
        var valid = true
        if node.minLength != nil || node.maxLength != nil {
            let bytes = s.utf8.count
            // A code point takes 1 to 4 UTF-8 bytes: count code points only when bytes do not decide.
            if let max = node.maxLength, bytes > max, Self.codePoints(s) > max {
                if !collecting { return false }
                valid = false
                report(node, "maxLength", "string is longer than \(max) characters")
            }
            if let min = node.minLength, min > 0, bytes < min || (bytes < 4 * min && Self.codePoints(s) < min) {
                if !collecting { return false }
                valid = false
                report(node, "minLength", "string is shorter than \(min) characters")
            }
        }
        if let p = node.pattern, !p.matches(s) {
            if !collecting { return false }
            valid = false
            report(node, "pattern", "string does not match the pattern \(p.pattern)")
        }
        if let f = node.format, !f.check(s) {
            if !collecting { return false }
            valid = false
            report(node, "format", "string is not a valid \(node.formatName ?? f.rawValue)")
        }
        return valid
    }

    /// The string keywords on UTF-8 bytes; nil when a pattern is left undecided (it has no
    /// automaton, or the automaton declined non-ASCII input) and `checkString` must go on.
    static func stringPasses(_ node: SchemaNode, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        let count = bytes.count
        if let max = node.maxLength, count > max, codePoints(bytes) > max { return false }
        if let min = node.minLength, min > 0, count < min || (count < 4 * min && codePoints(bytes) < min) { return false }
        if let f = node.format, !f.check(bytes: bytes) { return false }
        if node.patternNeedsMachine { return nil }
        if let dfa = node.patternAutomaton {
            guard let matched = dfa.matches(bytes) else { return nil }
            return matched
        }
        return true
    }

    static func codePoints(_ buf: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in buf where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Code points in a string (UTF-8 bytes that are not continuation bytes).
    static func codePoints(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { buf in
            var n = 0
            for b in buf where b & 0xC0 != 0x80 { n += 1 }
            return n
        }
    }

    private mutating func checkArray(_ node: SchemaNode, _ a: [JSONValue], _ mine: inout Annotations, _ local: Bool) -> Bool {
        var valid = true
        if let min = node.minItems, a.count < min {
            if !collecting { return false }
            valid = false
            report(node, "minItems", "array has fewer than \(min) items")
        }
        if let max = node.maxItems, a.count > max {
            if !collecting { return false }
            valid = false
            report(node, "maxItems", "array has more than \(max) items")
        }
        if node.uniqueItems && a.count > 1, let (i, j) = Self.firstDuplicate(a) {
            if !collecting { return false }
            valid = false
            report(node, "uniqueItems", "items \(i) and \(j) are equal")
        }
        let prefixCount = min(a.count, node.prefixItems.count)
        for i in 0..<prefixCount {
            if !item(node.prefixItems[i], a[i], index: i, "prefixItems", String(i)) {
                if !collecting { return false }
                valid = false
            }
        }
        if local { mine.itemPrefix = max(mine.itemPrefix, prefixCount) }
        if let items = node.items {
            if a.count > node.prefixItems.count {
                for i in node.prefixItems.count..<a.count {
                    if !item(items, a[i], index: i, "items", nil) {
                        if !collecting { return false }
                        valid = false
                    }
                }
            }
            if local { mine.allItems = true }
        }
        if let contains = node.contains {
            var matches = 0
            let needed = node.minContains ?? 1
            for i in 0..<a.count {
                var none = Annotations()
                if quietly(contains, a[i], &none, false) {
                    matches += 1
                    if local { mine.markItem(i, count: a.count) }
                    // Without annotations or an upper bound, enough matches settle it.
                    else if node.maxContains == nil && matches >= needed { break }
                }
            }
            if matches < needed {
                if !collecting { return false }
                valid = false
                if node.minContains == nil {
                    report(node, "contains", "no item matches the contains schema")
                } else {
                    report(node, "minContains", "fewer than \(needed) items match the contains schema")
                }
            }
            if let max = node.maxContains, matches > max {
                if !collecting { return false }
                valid = false
                report(node, "maxContains", "more than \(max) items match the contains schema")
            }
        }
        return valid
    }

    static func firstDuplicate(_ a: [JSONValue]) -> (Int, Int)? {
        if a.count <= 16 {
            for i in 0..<a.count {
                for j in (i + 1)..<a.count where a[i] == a[j] { return (i, j) }
            }
            return nil
        }
        var seen = [JSONValue: Int](minimumCapacity: a.count)
        for (j, v) in a.enumerated() {
            if let i = seen.updateValue(j, forKey: v) { return (i, j) }
        }
        return nil
    }

    /// The position of a key in a node's `propertyTable` (-1 when absent), by a linear scan that
    /// tries the entry after the last match first: messages usually list members in schema order.
    @inline(__always)
    static func propertyPosition(_ table: UnsafeMutableBufferPointer<PropertyEntry>, _ key: String, hint: inout Int) -> Int {
        if hint < table.count && table[hint].name.isExactlyEqual(to: key) {
            hint += 1
            return hint - 1
        }
        for i in 0..<table.count where table[i].name.isExactlyEqual(to: key) {
            hint = i + 1
            return i
        }
        return -1
    }

    /// One member against its `properties` subschema. A leaf (or a pure `$ref` to one) is checked
    /// in place, without copying the member out of the object.
    @inline(__always)
    private mutating func propertyPasses(_ child: SchemaNode, _ value: UnsafePointer<JSONValue>, key: String) -> Bool {
        if !collecting && !schema.usesDynamicScope && depth < schema.options.maxEvaluationDepth {
            if child.isLeaf { return leafPasses(child, at: value) }
            if child.isPureReference, let target = child.ref, target._withUnsafeGuaranteedRef({ $0.isLeaf }) {
                return target._withUnsafeGuaranteedRef { leafPasses($0, at: value) }
            }
        }
        return member(child, value.pointee, key: key, "properties", key)
    }

    /// The fast-mode `properties` pass driven by the schema: for each property, look the member
    /// up (and mark it evaluated when annotations are tracked). Used when nothing else needs every
    /// member (no `patternProperties` or `additionalProperties`) and the schema names fewer
    /// properties than the object has members: an `if` that tests one member of a large object is
    /// the common case, also under an `unevaluatedProperties`.
    /// Returns the members found as bits of `propertyTable` positions, or nil on a failure.
    private mutating func propertiesBySchema(_ table: UnsafeMutableBufferPointer<PropertyEntry>, _ o: JSONObject,
                                             _ mine: inout Annotations, mark: Bool) -> UInt64? {
        var seen: UInt64 = 0
        var hint = 0
        let ok = o.values.withUnsafeBufferPointer { values -> Bool in
            for p in 0..<table.count {
                guard let i = o.indexOf(table[p].name, hint: hint) else { continue }
                hint = i + 1
                if p < 64 { seen |= 1 << UInt64(p) }
                if mark { mine.markProperty(i, count: values.count) }
                var none = Annotations()
                let passes = table[p].node._withUnsafeGuaranteedRef { evaluate($0, values[i], &none, track: false) }
                if !passes { return false }
            }
            return true
        }
        return ok ? seen : nil
    }

    private mutating func checkObject(_ node: SchemaNode, _ o: JSONObject, _ mine: inout Annotations, _ local: Bool) -> Bool {
        var valid = true
        let keywords = node.keywords
        if keywords.contains(.minMaxProperties) {
        if let min = node.minProperties, o.count < min {
            if !collecting { return false }
            valid = false
            report(node, "minProperties", "object has fewer than \(min) properties")
        }
        if let max = node.maxProperties, o.count > max {
            if !collecting { return false }
            valid = false
            report(node, "maxProperties", "object has more than \(max) properties")
        }
        }
        // In the fast mode, `required` names that are all properties are checked by the
        // property pass below (`seen`), which finds those members anyway.
        let requiredByProperties = !collecting && node.requiredByProperties
        var seen: UInt64 = 0
        var hint = 0
        if !requiredByProperties && keywords.contains(.required) {
            for name in node.required {
                if let i = o.indexOf(name, hint: hint) {
                    hint = i + 1
                    continue
                }
                if !collecting { return false }
                valid = false
                report(node, "required", "missing required property \"\(name)\"")
            }
        }
        if keywords.contains(.dependentRequired) {
            for (key, names) in node.dependentRequired where o.indexOf(key) != nil {
                for name in names where o.indexOf(name) == nil {
                    if !collecting { return false }
                    valid = false
                    report(node, "dependentRequired", "property \"\(name)\" is required when \"\(key)\" is present")
                }
            }
        }
        if keywords.contains(.propertyNames), let names = node.propertyNames {
            for key in o.keys {
                if !member(names, .string(key), key: key, "propertyNames", nil) {
                    if !collecting { return false }
                    valid = false
                }
            }
        }
        let hasProperties = keywords.contains(.properties)
        let hasPatterns = keywords.contains(.patternProperties)
        let hasAdditional = keywords.contains(.additionalProperties)
        if hasProperties && !hasPatterns && !collecting && !hasAdditional
            && node.propertyTable.count > 0 && node.propertyTable.count < o.count {
            guard let found = propertiesBySchema(node.propertyTable, o, &mine, mark: local) else { return false }
            seen = found
        } else if hasProperties || hasPatterns || hasAdditional {
            var hint = 0
            // Members are borrowed from the buffers: `values[i]` of the array copies the JSONValue
            // (an outlined copy plus a retain of its payload, then a destroy), and `keys[i]` a
            // String, which profiles showed per member. Keys and values have the same count.
            let table = node.propertyTable
            let allValid = o.keys.withUnsafeBufferPointer { keys -> Bool in
            o.values.withUnsafeBufferPointer { values -> Bool in
            precondition(keys.count == values.count)
            for i in values.indices {
                let key = keys[i]
                var matched = false
                if hasProperties && table.count > 0 {
                    let position = Self.propertyPosition(table, key, hint: &hint)
                    if position >= 0 {
                        matched = true
                        if position < 64 { seen |= 1 << UInt64(position) }
                        let passes = table[position].node._withUnsafeGuaranteedRef {
                            propertyPasses($0, values.baseAddress! + i, key: key)
                        }
                        if !passes {
                            if !collecting { return false }
                            valid = false
                        }
                    }
                } else if hasProperties, let child = node.properties[ExactString(key)] {
                    matched = true
                    if !propertyPasses(child, values.baseAddress! + i, key: key) {
                        if !collecting { return false }
                        valid = false
                    }
                }
                if hasPatterns {
                    for (regex, source, child) in node.patternProperties where regex.matches(key) {
                        matched = true
                        if !member(child, values[i], key: key, "patternProperties", source) {
                            if !collecting { return false }
                            valid = false
                        }
                    }
                }
                if !matched && hasAdditional, let additional = node.additionalProperties {
                    matched = true
                    if !member(additional, values[i], key: key, "additionalProperties", nil) {
                        if !collecting { return false }
                        valid = false
                    }
                }
                if local && matched { mine.markProperty(i, count: keys.count) }
            }
            return true
            }
            }
            if !allValid { return false }
        }
        if requiredByProperties && seen & node.requiredPropertyBits != node.requiredPropertyBits { return false }
        if keywords.contains(.dependentSchemas) {
            for (key, child) in node.dependentSchemas where o.indexOf(key) != nil {
                if !inPlace(child, .object(o), &mine, local, "dependentSchemas", key) {
                    if !collecting { return false }
                    valid = false
                }
            }
        }
        return valid
    }

    private mutating func checkApplicators(_ node: SchemaNode, _ value: JSONValue, _ mine: inout Annotations, _ local: Bool) -> Bool {
        var valid = true
        let keywords = node.keywords
        if keywords.contains(.ref), let target = node.ref {
            if !target._withUnsafeGuaranteedRef({ inPlace($0, value, &mine, local, "$ref") }) {
                if !collecting { return false }
                valid = false
            }
        }
        if keywords.contains(.dynamicRef), let dynamic = node.dynamicRef {
            var target = dynamic.target
            if let anchor = dynamic.anchor {
                for resource in scope {
                    if let found = resource.dynamicAnchors[anchor] { target = found.node; break }
                }
            }
            if !inPlace(target, value, &mine, local, "$dynamicRef") {
                if !collecting { return false }
                valid = false
            }
        }
        if keywords.contains(.allOf) {
            for (i, child) in node.allOf.enumerated() {
                if !inPlace(child, value, &mine, local, "allOf", String(i)) {
                    if !collecting { return false }
                    valid = false
                }
            }
        }
        if keywords.contains(.anyOf) {
            var any = false
            for child in node.anyOf {
                if quietly(child, value, &mine, local) {
                    any = true
                    if !local { break }
                }
            }
            if !any {
                if !collecting { return false }
                valid = false
                report(node, "anyOf", "value matches none of the anyOf schemas")
            }
        }
        if keywords.contains(.oneOf) {
            var passing: [Int] = []
            var branch = Annotations()
            for (i, child) in node.oneOf.enumerated() {
                var candidate = Annotations()
                if quietly(child, value, &candidate, local) {
                    passing.append(i)
                    branch = candidate
                    if passing.count > 1 { break }
                }
            }
            if passing.count != 1 {
                if !collecting { return false }
                valid = false
                if passing.isEmpty {
                    report(node, "oneOf", "value matches none of the oneOf schemas")
                } else {
                    report(node, "oneOf", "value matches more than one oneOf schema (\(passing[0]) and \(passing[1]))")
                }
            } else if local {
                mine.merge(branch)
            }
        }
        if keywords.contains(.not), let negated = node.not {
            var none = Annotations()
            if quietly(negated, value, &none, false) {
                if !collecting { return false }
                valid = false
                report(node, "not", "value must not match the not schema")
            }
        }
        if keywords.contains(.ifThenElse), let condition = node.ifSchema {
            if quietly(condition, value, &mine, local) {
                if let then = node.thenSchema, !inPlace(then, value, &mine, local, "then") {
                    if !collecting { return false }
                    valid = false
                }
            } else if let otherwise = node.elseSchema, !inPlace(otherwise, value, &mine, local, "else") {
                if !collecting { return false }
                valid = false
            }
        }
        return valid
    }
}
