/// Turns registered JSON documents into a graph of `SchemaNode`s.
///
/// First each reachable document is indexed: the base URI of every schema object, the schema
/// resources (`$id`) and the anchors (`$anchor`, `$dynamicAnchor`). Then nodes are compiled on
/// demand from the root, each location once, so `$ref` cycles become graph cycles.
final class SchemaCompiler {
    struct Location: Hashable {
        let document: String
        let pointer: String
        var key: String { document + "#" + pointer }
    }

    /// Which vocabularies a resource's meta-schema turns on.
    struct Dialect {
        var validation = true
        var formatAssertion = false
    }

    private let documents: [String: JSONValue]
    private let options: SchemaOptions
    private var indexedDocuments: Set<String> = []
    private var resourceRoots: [String: Location] = [:]
    private var anchors: [String: Location] = [:]
    private var dynamicAnchorsByResource: [String: [String: Location]] = [:]
    private var baseOf: [String: String] = [:]
    private var nodes: [String: SchemaNode] = [:]
    private var allNodes: [SchemaNode] = []
    private var resources: [String: SchemaResource] = [:]
    private var dialects: [String: Dialect] = [:]
    private var pendingResources: [String] = []
    private var usesDynamicRef = false

    static let objectOfSchemas: Set<String> = ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas"]
    static let singleSchema: Set<String> = ["items", "additionalProperties", "unevaluatedItems", "unevaluatedProperties",
                                            "propertyNames", "contains", "not", "if", "then", "else", "additionalItems"]
    static let arrayOfSchemas: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]

    init(documents: [String: JSONValue], options: SchemaOptions) {
        self.documents = documents
        self.options = options
    }

    // MARK: Indexing

    private func indexDocument(_ uri: String) {
        guard !indexedDocuments.contains(uri), let doc = documents[uri] else { return }
        indexedDocuments.insert(uri)
        resourceRoots[uri] = resourceRoots[uri] ?? Location(document: uri, pointer: "")
        index(doc, document: uri, pointer: "", base: uri)
    }

    private func index(_ value: JSONValue, document: String, pointer: String, base inherited: String) {
        guard case .object(let object) = value else {
            baseOf[document + "#" + pointer] = inherited
            return
        }
        var base = inherited
        let here = Location(document: document, pointer: pointer)
        if let id = object["$id"]?.stringValue {
            base = URIReference.splitFragment(URIReference.resolve(id, against: inherited)).base
            if resourceRoots[base] == nil || pointer.isEmpty { resourceRoots[base] = here }
        }
        baseOf[here.key] = base
        if let anchor = object["$anchor"]?.stringValue {
            anchors[base + "#" + anchor] = here
        }
        if let anchor = object["$dynamicAnchor"]?.stringValue {
            anchors[base + "#" + anchor] = anchors[base + "#" + anchor] ?? here
            dynamicAnchorsByResource[base, default: [:]][anchor] = here
        }
        for (key, child) in object.members {
            let childPointer = pointer + "/" + JSONPointer.escape(key)
            if Self.objectOfSchemas.contains(key), case .object(let inner) = child {
                for (name, sub) in inner.members {
                    index(sub, document: document, pointer: childPointer + "/" + JSONPointer.escape(name), base: base)
                }
            } else if Self.singleSchema.contains(key) {
                if case .array(let list) = child {
                    for (i, sub) in list.enumerated() { index(sub, document: document, pointer: childPointer + "/\(i)", base: base) }
                } else {
                    index(child, document: document, pointer: childPointer, base: base)
                }
            } else if Self.arrayOfSchemas.contains(key), case .array(let list) = child {
                for (i, sub) in list.enumerated() { index(sub, document: document, pointer: childPointer + "/\(i)", base: base) }
            }
        }
    }

    /// The base URI in effect at a location (nearest indexed ancestor).
    private func base(for location: Location) -> String {
        var pointer = location.pointer
        while true {
            if let b = baseOf[location.document + "#" + pointer] { return b }
            guard let slash = pointer.lastIndex(of: "/") else { return location.document }
            pointer = String(pointer[..<slash])
        }
    }

    /// Where a reference (already resolved to an absolute URI) points.
    private func locate(_ absolute: String) -> Location? {
        let (uri, fragment) = URIReference.splitFragment(absolute)
        if resourceRoots[uri] == nil { indexDocument(uri) }
        guard let root = resourceRoots[uri] else { return nil }
        if fragment.isEmpty { return root }
        if fragment.hasPrefix("/") { return Location(document: root.document, pointer: root.pointer + fragment) }
        return anchors[uri + "#" + fragment]
    }

    // MARK: Compiling

    func compileRoot(uri: String) throws(SchemaError) -> CompiledSchema {
        let absolute = URIReference.resolve(uri, against: SchemaRegistry.anonymousBaseURI)
        indexDocument(URIReference.splitFragment(absolute).base)
        guard let location = locate(absolute) else {
            throw SchemaError(location: uri, message: "no registered schema at this URI")
        }
        let root = try compile(location)
        // Every resource that may be in a dynamic scope needs its dynamic anchors compiled.
        while let resourceURI = pendingResources.popLast() {
            guard let resource = resources[resourceURI], let anchorsHere = dynamicAnchorsByResource[resourceURI] else { continue }
            for (name, loc) in anchorsHere {
                resource.dynamicAnchors[name] = UnownedNode(node: try compile(loc))
            }
        }
        for node in allNodes { node.finish() }
        return CompiledSchema(root: root, nodes: allNodes, resources: Array(resources.values),
                              options: options, usesDynamicScope: usesDynamicRef)
    }

    private func resource(for base: String) -> SchemaResource {
        if let r = resources[base] { return r }
        let r = SchemaResource(uri: base)
        resources[base] = r
        pendingResources.append(base)
        return r
    }

    private func dialect(for base: String) -> Dialect {
        if let d = dialects[base] { return d }
        var d = Dialect()
        d.formatAssertion = options.assertFormat
        if let rootLoc = resourceRoots[base], let doc = documents[rootLoc.document],
           let root = JSONPointer.resolve(rootLoc.pointer, in: doc) {
            var metaURI = root["$schema"]?.stringValue
            if metaURI == nil, !rootLoc.pointer.isEmpty { metaURI = doc["$schema"]?.stringValue }
            if let metaURI, let meta = documents[URIReference.splitFragment(metaURI).base],
               case .object(let vocab)? = meta["$vocabulary"] {
                d.validation = vocab["https://json-schema.org/draft/2020-12/vocab/validation"] != nil
                if vocab["https://json-schema.org/draft/2020-12/vocab/format-assertion"] != nil { d.formatAssertion = true }
            }
        }
        dialects[base] = d
        return d
    }

    private func absoluteLocation(of location: Location, base: String) -> String {
        if let root = resourceRoots[base], root.document == location.document, location.pointer.hasPrefix(root.pointer) {
            return base + "#" + location.pointer.dropFirst(root.pointer.count)
        }
        return location.document + "#" + location.pointer
    }

    private func compile(_ location: Location) throws(SchemaError) -> SchemaNode {
        if let existing = nodes[location.key] { return existing }
        guard let doc = documents[location.document], let value = JSONPointer.resolve(location.pointer, in: doc) else {
            throw SchemaError(location: location.key, message: "reference points to nothing")
        }
        let base = base(for: location)
        let node = SchemaNode(absoluteLocation: absoluteLocation(of: location, base: base))
        nodes[location.key] = node
        allNodes.append(node)
        switch value {
        case .bool(let b):
            node.booleanValue = b
            return node
        case .object(let object):
            try fill(node, object, location, base)
            return node
        default:
            throw SchemaError(location: node.absoluteLocation, message: "a schema must be an object or a boolean")
        }
    }

    private func child(_ location: Location, _ path: String...) throws(SchemaError) -> SchemaNode {
        var pointer = location.pointer
        for p in path { pointer += "/" + JSONPointer.escape(p) }
        return try compile(Location(document: location.document, pointer: pointer))
    }

    private func nonNegativeInt(_ v: JSONValue?) -> Int? {
        guard case .number(let n)? = v, n.isInteger, !n.isNegative else { return nil }
        return n.intValue ?? Int.max
    }

    private func regex(_ text: String, at node: SchemaNode) throws(SchemaError) -> ECMARegex {
        do {
            return try ECMARegex(text)
        } catch {
            throw SchemaError(location: node.absoluteLocation, message: error.description)
        }
    }

    private func fill(_ node: SchemaNode, _ o: JSONObject, _ loc: Location, _ base: String) throws(SchemaError) {
        let isResourceRoot = loc.pointer.isEmpty || o["$id"] != nil
        node.owner = resource(for: base)
        if isResourceRoot { node.resource = node.owner }
        let dialect = dialect(for: base)

        if case .string(let ref)? = o["$ref"] {
            let absolute = URIReference.resolve(ref, against: base)
            guard let target = locate(absolute) else {
                throw SchemaError(location: node.absoluteLocation, message: "unresolvable $ref \"\(ref)\" (\(absolute))")
            }
            node.ref = .passUnretained(try compile(target))
        }
        if case .string(let ref)? = o["$dynamicRef"] {
            let absolute = URIReference.resolve(ref, against: base)
            guard let target = locate(absolute) else {
                throw SchemaError(location: node.absoluteLocation, message: "unresolvable $dynamicRef \"\(ref)\" (\(absolute))")
            }
            let targetNode = try compile(target)
            let fragment = URIReference.splitFragment(absolute).fragment
            var anchor: String?
            if !fragment.isEmpty, !fragment.hasPrefix("/"),
               let doc = documents[target.document], let tv = JSONPointer.resolve(target.pointer, in: doc),
               tv["$dynamicAnchor"]?.stringValue == fragment {
                anchor = fragment
                usesDynamicRef = true
            }
            node.dynamicRef = DynamicReference(target: targetNode, anchor: anchor)
        }

        // Applicators.
        if case .object(let props)? = o["properties"] {
            for key in props.keys {
                let sub = try child(loc, "properties", key)
                node.properties[ExactString(key)] = sub
                node.propertyList.append((key, sub))
            }
        }
        if case .object(let props)? = o["patternProperties"] {
            for key in props.keys {
                node.patternProperties.append((try regex(key, at: node), key, try child(loc, "patternProperties", key)))
            }
        }
        if o["additionalProperties"] != nil { node.additionalProperties = try child(loc, "additionalProperties") }
        if o["propertyNames"] != nil { node.propertyNames = try child(loc, "propertyNames") }
        if case .object(let deps)? = o["dependentSchemas"] {
            for key in deps.keys { node.dependentSchemas.append((key, try child(loc, "dependentSchemas", key))) }
        }
        if case .array(let list)? = o["prefixItems"] {
            for i in list.indices { node.prefixItems.append(try child(loc, "prefixItems", String(i))) }
        }
        if let items = o["items"], items.arrayValue == nil { node.items = try child(loc, "items") }
        if o["contains"] != nil { node.contains = try child(loc, "contains") }
        for (key, path) in [("allOf", \SchemaNode.allOf), ("anyOf", \SchemaNode.anyOf), ("oneOf", \SchemaNode.oneOf)] {
            if case .array(let list)? = o[key] {
                var subs: [SchemaNode] = []
                for i in list.indices { subs.append(try child(loc, key, String(i))) }
                node[keyPath: path] = subs
            }
        }
        if o["not"] != nil { node.not = try child(loc, "not") }
        if o["if"] != nil {
            node.ifSchema = try child(loc, "if")
            if o["then"] != nil { node.thenSchema = try child(loc, "then") }
            if o["else"] != nil { node.elseSchema = try child(loc, "else") }
        }
        if o["unevaluatedItems"] != nil { node.unevaluatedItems = try child(loc, "unevaluatedItems") }
        if o["unevaluatedProperties"] != nil { node.unevaluatedProperties = try child(loc, "unevaluatedProperties") }

        // Format: an annotation unless asserting.
        if case .string(let name)? = o["format"], dialect.formatAssertion {
            node.format = FormatKind(rawValue: name)
            node.formatName = name
        }

        guard dialect.validation else { return }
        switch o["type"] {
        case .string(let name)?:
            node.typeMask = TypeBits.bit(named: name) ?? 0
            if node.typeMask == 0 { throw SchemaError(location: node.absoluteLocation, message: "unknown type \"\(name)\"") }
        case .array(let names)?:
            for n in names {
                guard let s = n.stringValue, let bit = TypeBits.bit(named: s) else {
                    throw SchemaError(location: node.absoluteLocation, message: "invalid type list")
                }
                node.typeMask |= bit
            }
            if node.typeMask == 0 { node.typeMask = 128 }  // "type": [] accepts nothing
        default: break
        }
        if case .array(let values)? = o["enum"] {
            node.enumValues = values
            if values.count > 16 { node.enumSet = Set(values) }
        }
        if let c = o["const"] { node.constValue = c }
        if case .number(let n)? = o["minimum"] { node.minimum = n }
        if case .number(let n)? = o["maximum"] { node.maximum = n }
        if case .number(let n)? = o["exclusiveMinimum"] { node.exclusiveMinimum = n }
        if case .number(let n)? = o["exclusiveMaximum"] { node.exclusiveMaximum = n }
        if case .number(let n)? = o["multipleOf"], !n.isNegative, !n.isZero { node.multipleOf = n }
        node.minLength = nonNegativeInt(o["minLength"])
        node.maxLength = nonNegativeInt(o["maxLength"])
        if case .string(let p)? = o["pattern"] { node.pattern = try regex(p, at: node) }
        node.minItems = nonNegativeInt(o["minItems"])
        node.maxItems = nonNegativeInt(o["maxItems"])
        if case .bool(true)? = o["uniqueItems"] { node.uniqueItems = true }
        if node.contains != nil {
            node.minContains = nonNegativeInt(o["minContains"])
            node.maxContains = nonNegativeInt(o["maxContains"])
        }
        node.minProperties = nonNegativeInt(o["minProperties"])
        node.maxProperties = nonNegativeInt(o["maxProperties"])
        if case .array(let names)? = o["required"] { node.required = names.compactMap(\.stringValue) }
        if case .object(let deps)? = o["dependentRequired"] {
            for (key, value) in deps.members {
                node.dependentRequired.append((key, value.arrayValue?.compactMap(\.stringValue) ?? []))
            }
        }
    }
}
