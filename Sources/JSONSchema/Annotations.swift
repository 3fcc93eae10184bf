/// What the keywords of a schema (and its passing in-place subschemas) evaluated: the input of
/// `unevaluatedProperties` and `unevaluatedItems`. Only computed where those keywords need it.
struct Annotations {
    /// Per object member (document order): evaluated?
    var properties: [Bool]?
    /// Items `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    /// Every item was evaluated (`items`, `unevaluatedItems`).
    var allItems = false
    /// Per item: evaluated by `contains`?
    var items: [Bool]?

    mutating func markProperty(_ i: Int, count: Int) {
        if properties == nil { properties = [Bool](repeating: false, count: count) }
        properties![i] = true
    }

    mutating func markItem(_ i: Int, count: Int) {
        if items == nil { items = [Bool](repeating: false, count: count) }
        items![i] = true
    }

    func isPropertyEvaluated(_ i: Int) -> Bool { properties?[i] ?? false }

    func isItemEvaluated(_ i: Int) -> Bool { allItems || i < itemPrefix || (items?[i] ?? false) }

    mutating func merge(_ other: Annotations) {
        if let p = other.properties {
            if properties == nil { properties = p } else { for i in p.indices where p[i] { properties![i] = true } }
        }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        if let t = other.items {
            if items == nil { items = t } else { for i in t.indices where t[i] { items![i] = true } }
        }
    }
}
