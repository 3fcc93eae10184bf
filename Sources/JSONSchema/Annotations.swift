/// What the keywords of a schema (and its passing in-place subschemas) evaluated: the input of
/// `unevaluatedProperties` and `unevaluatedItems`. Only computed where those keywords need it.
///
/// Members and items below 64 are one bit each, so the usual object or array is annotated
/// without an allocation (an `if` under `unevaluatedProperties` annotates on every visit);
/// positions from 64 on go to an array made when first needed.
struct Annotations {
    /// Object members (document order) `0..<64`: evaluated?
    private var propertyBits: UInt64 = 0
    /// Object members from 64 on, indexed by position.
    private var moreProperties: [Bool]?
    /// Items `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    /// Every item was evaluated (`items`, `unevaluatedItems`).
    var allItems = false
    /// Items `0..<64` evaluated by `contains`.
    private var itemBits: UInt64 = 0
    /// Items from 64 on evaluated by `contains`, indexed by position.
    private var moreItems: [Bool]?

    mutating func markProperty(_ i: Int, count: Int) {
        Self.mark(i, count: count, &propertyBits, &moreProperties)
    }

    mutating func markItem(_ i: Int, count: Int) {
        Self.mark(i, count: count, &itemBits, &moreItems)
    }

    func isPropertyEvaluated(_ i: Int) -> Bool { Self.isMarked(i, propertyBits, moreProperties) }

    func isItemEvaluated(_ i: Int) -> Bool { allItems || i < itemPrefix || Self.isMarked(i, itemBits, moreItems) }

    mutating func merge(_ other: Annotations) {
        propertyBits |= other.propertyBits
        Self.merge(other.moreProperties, into: &moreProperties)
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        itemBits |= other.itemBits
        Self.merge(other.moreItems, into: &moreItems)
    }

    private static func mark(_ i: Int, count: Int, _ bits: inout UInt64, _ more: inout [Bool]?) {
        if i < 64 {
            bits |= 1 << UInt64(i)
            return
        }
        if more == nil { more = [Bool](repeating: false, count: count) }
        more![i] = true
    }

    private static func isMarked(_ i: Int, _ bits: UInt64, _ more: [Bool]?) -> Bool {
        i < 64 ? (bits >> UInt64(i)) & 1 != 0 : (more?[i] ?? false)
    }

    private static func merge(_ other: [Bool]?, into more: inout [Bool]?) {
        guard let other else { return }
        if more == nil {
            more = other
        } else {
            for i in other.indices where other[i] { more![i] = true }
        }
    }
}
