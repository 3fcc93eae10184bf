/// A regular expression with ECMA-262 semantics in Unicode (`u`) mode, as JSON Schema's
/// `pattern`, `patternProperties` and the `regex` format require.
///
/// Why our own engine: ICU (NSRegularExpression) makes `\d` and `\w` Unicode-aware and is slow
/// to call per string; this one follows ECMA-262 (`\d` = ASCII digits, `\s` = Unicode spaces,
/// `$` only at the very end, `.` excludes line terminators) and matches UTF-8 in place.
///
/// It is a backtracking machine with an explicit heap stack (no recursion per character, so long
/// strings cannot overflow the stack) and a step budget (so a pathological pattern cannot hang
/// validation of untrusted input: running out of budget counts as "no match").
/// Supported: alternation, groups (capturing, non-capturing, named), greedy and lazy quantifiers,
/// classes with ranges and escapes, `\d \D \w \W \s \S`, `\p{…}`/`\P{…}` (general categories and
/// a few scripts), `\b \B`, lookahead and lookbehind, back-references. Not supported: flags.
public struct ECMARegex: Sendable {
    /// Why a pattern was refused.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let pattern: String
        public let offset: Int
        public let message: String
        public var description: String { "invalid regular expression /\(pattern)/ at \(offset): \(message)" }
    }

    let program: RegexProgram
    /// The source text.
    public let pattern: String

    /// Compiles a pattern; throws `SyntaxError` for syntax ECMA-262 (u mode) refuses.
    public init(_ pattern: String) throws(SyntaxError) {
        try self.init(pattern, automaton: true)
    }

    /// `automaton: false` skips building the `RegexDFA`, for a pattern that is only checked for
    /// syntax (the `regex` format) rather than matched many times.
    init(_ pattern: String, automaton: Bool) throws(SyntaxError) {
        self.pattern = pattern
        var compiler = RegexCompiler(pattern: pattern)
        compiler.buildAutomaton = automaton
        program = try compiler.compile()
    }

    /// The pattern's automaton, when it has one (see `RegexDFA`).
    var automaton: RegexDFA? { program.dfa }

    /// True when the pattern matches somewhere in `string` (ECMA `RegExp.prototype.test`).
    public func matches(_ string: String) -> Bool {
        if let dfa = program.dfa {
            // Native and small strings have contiguous UTF-8; the automaton declines non-ASCII input.
            if let decided = string.utf8.withContiguousStorageIfAvailable({ dfa.matches($0) }), let result = decided {
                return result
            }
        }
        if let simple = program.simple {
            var s = string
            return s.withUTF8 { simple.matches($0) }
        }
        if let literal = program.literal {
            return literal.isEmpty || string.utf8.count >= literal.count && contains(string, literal)
        }
        var s = string
        return s.withUTF8 { buf in
            var vm = RegexMachine(program: program, input: buf)
            // Linear patterns need a few steps per byte; the budget only stops runaway backtracking.
            vm.budget = 1_000_000 + 16 * buf.count
            return vm.search()
        }
    }

    private func contains(_ s: String, _ needle: [UInt8]) -> Bool {
        var s = s
        return s.withUTF8 { hay in
            let n = needle.count
            if n > hay.count { return false }
            let first = needle[0]
            var i = 0
            while i + n <= hay.count {
                if hay[i] == first {
                    var k = 1
                    while k < n && hay[i + k] == needle[k] { k += 1 }
                    if k == n { return true }
                }
                i += 1
            }
            return false
        }
    }
}

// MARK: - Program

/// A set of code points: ASCII bitmap plus ranges and Unicode predicates for the rest.
struct RegexCharSet: Sendable {
    enum Predicate: Sendable {
        case category(Set<UInt8>, negated: Bool)  // general categories, by index
        case script(String, negated: Bool)
        case space(negated: Bool)
        case any
    }
    var asciiLow: UInt64 = 0
    var asciiHigh: UInt64 = 0
    var ranges: [ClosedRange<UInt32>] = []
    var predicates: [Predicate] = []
    var negated = false

    mutating func add(_ lo: UInt32, _ hi: UInt32) {
        var c = lo
        while c <= hi && c < 128 {
            if c < 64 { asciiLow |= 1 << UInt64(c) } else { asciiHigh |= 1 << UInt64(c - 64) }
            c += 1
        }
        if hi >= 128 { ranges.append(max(lo, 128)...hi) }
    }

    mutating func merge(_ other: RegexCharSet) {
        precondition(!other.negated)
        asciiLow |= other.asciiLow
        asciiHigh |= other.asciiHigh
        ranges += other.ranges
        predicates += other.predicates
    }

    func contains(_ c: UInt32) -> Bool {
        containsIgnoringNegation(c) != negated
    }

    private func containsIgnoringNegation(_ c: UInt32) -> Bool {
        if c < 64 { if asciiLow & (1 << UInt64(c)) != 0 { return true } }
        else if c < 128 { if asciiHigh & (1 << UInt64(c - 64)) != 0 { return true } }
        else { for r in ranges where r.contains(c) { return true } }
        if predicates.isEmpty { return false }
        guard let scalar = Unicode.Scalar(c) else { return false }
        for p in predicates {
            switch p {
            case .any: return true
            case .space(let neg): if RegexCharSet.isECMASpace(c) != neg { return true }
            case .category(let cats, let neg):
                if cats.contains(RegexCharSet.categoryIndex(scalar.properties.generalCategory)) != neg { return true }
            case .script(let name, let neg):
                if RegexCharSet.inScript(scalar, name) != neg { return true }
            }
        }
        return false
    }

    static func isECMASpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    static func isLineTerminator(_ c: UInt32) -> Bool {
        c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029
    }

    static func isWordChar(_ c: UInt32) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    static let categories: [(Unicode.GeneralCategory, String, String)] = [
        (.uppercaseLetter, "Lu", "Uppercase_Letter"), (.lowercaseLetter, "Ll", "Lowercase_Letter"),
        (.titlecaseLetter, "Lt", "Titlecase_Letter"), (.modifierLetter, "Lm", "Modifier_Letter"),
        (.otherLetter, "Lo", "Other_Letter"), (.nonspacingMark, "Mn", "Nonspacing_Mark"),
        (.spacingMark, "Mc", "Spacing_Mark"), (.enclosingMark, "Me", "Enclosing_Mark"),
        (.decimalNumber, "Nd", "Decimal_Number"), (.letterNumber, "Nl", "Letter_Number"),
        (.otherNumber, "No", "Other_Number"), (.connectorPunctuation, "Pc", "Connector_Punctuation"),
        (.dashPunctuation, "Pd", "Dash_Punctuation"), (.openPunctuation, "Ps", "Open_Punctuation"),
        (.closePunctuation, "Pe", "Close_Punctuation"), (.initialPunctuation, "Pi", "Initial_Punctuation"),
        (.finalPunctuation, "Pf", "Final_Punctuation"), (.otherPunctuation, "Po", "Other_Punctuation"),
        (.mathSymbol, "Sm", "Math_Symbol"), (.currencySymbol, "Sc", "Currency_Symbol"),
        (.modifierSymbol, "Sk", "Modifier_Symbol"), (.otherSymbol, "So", "Other_Symbol"),
        (.spaceSeparator, "Zs", "Space_Separator"), (.lineSeparator, "Zl", "Line_Separator"),
        (.paragraphSeparator, "Zp", "Paragraph_Separator"), (.control, "Cc", "Control"),
        (.format, "Cf", "Format"), (.surrogate, "Cs", "Surrogate"), (.privateUse, "Co", "Private_Use"),
        (.unassigned, "Cn", "Unassigned"),
    ]

    static func categoryIndex(_ g: Unicode.GeneralCategory) -> UInt8 {
        for (i, entry) in categories.enumerated() where entry.0 == g { return UInt8(i) }
        return 255
    }

    /// The general categories named by a `\p{…}` value, or nil if unknown.
    static func categorySet(named name: String) -> Set<UInt8>? {
        let groups: [String: [String]] = [
            "L": ["Lu", "Ll", "Lt", "Lm", "Lo"], "Letter": ["Lu", "Ll", "Lt", "Lm", "Lo"],
            "LC": ["Lu", "Ll", "Lt"], "Cased_Letter": ["Lu", "Ll", "Lt"],
            "M": ["Mn", "Mc", "Me"], "Mark": ["Mn", "Mc", "Me"],
            "N": ["Nd", "Nl", "No"], "Number": ["Nd", "Nl", "No"],
            "P": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"], "Punctuation": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"],
            "S": ["Sm", "Sc", "Sk", "So"], "Symbol": ["Sm", "Sc", "Sk", "So"],
            "Z": ["Zs", "Zl", "Zp"], "Separator": ["Zs", "Zl", "Zp"],
            "C": ["Cc", "Cf", "Cs", "Co", "Cn"], "Other": ["Cc", "Cf", "Cs", "Co", "Cn"],
            "digit": ["Nd"], "Nd": ["Nd"],
        ]
        let wanted = groups[name] ?? [name]
        var result = Set<UInt8>()
        for w in wanted {
            guard let i = categories.firstIndex(where: { $0.1 == w || $0.2 == w }) else { return nil }
            result.insert(UInt8(i))
        }
        return result
    }

    static let scripts: [String: [ClosedRange<UInt32>]] = [
        "Latin": [0x41...0x5A, 0x61...0x7A, 0xAA...0xAA, 0xBA...0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2B8, 0x1E00...0x1EFF],
        "Greek": [0x370...0x373, 0x375...0x377, 0x37A...0x37D, 0x37F...0x37F, 0x384...0x384, 0x386...0x386,
                  0x388...0x3E1, 0x3F0...0x3FF, 0x1F00...0x1FFE],
        "Cyrillic": [0x400...0x52F, 0x1C80...0x1C88, 0x2DE0...0x2DFF, 0xA640...0xA69F],
        "Han": [0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                0xF900...0xFAFF, 0x20000...0x3134F],
        "Hiragana": [0x3041...0x309F], "Katakana": [0x30A0...0x30FF, 0x31F0...0x31FF],
        "Arabic": [0x600...0x6FF, 0x750...0x77F], "Hebrew": [0x591...0x5F4],
    ]

    static func inScript(_ s: Unicode.Scalar, _ name: String) -> Bool {
        guard let ranges = scripts[name] else { return false }
        return ranges.contains { $0.contains(s.value) }
    }
}

enum RegexInstruction: Sendable {
    case char(UInt32)
    case byte(UInt8)                       // an ASCII literal, compared without decoding
    case set(asciiLow: UInt64, asciiHigh: UInt64, index: Int)  // ASCII membership inline; others via program.sets
    case any                               // `.`: anything but a line terminator
    case split(Int, Int)                   // try first, then second
    case jump(Int)
    case save(Int)                         // capture slot
    case assertStart
    case assertEnd
    case wordBoundary(Bool)                // true: \b, false: \B
    case look(Int, ahead: Bool, negated: Bool)  // sub-program index
    case backReference(Int)                // group number
    case setCounter(Int)                   // register = position (loop entry)
    case requireProgress(Int)              // fail if position == register (empty iteration)
    case match
}

final class RegexProgram: Sendable {
    let code: [RegexInstruction]
    let sets: [RegexCharSet]
    let subprograms: [RegexProgram]
    let captureSlots: Int
    let registers: Int
    let anchoredStart: Bool
    /// When the whole pattern is a plain literal (no metacharacters), its UTF-8 bytes.
    let literal: [UInt8]?
    /// When the pattern is a sequence of single-character atoms that never needs backtracking.
    let simple: SimplePattern?
    /// An automaton over ASCII input, for plain regular patterns (see `RegexDFA`).
    let dfa: RegexDFA?

    init(code: [RegexInstruction], sets: [RegexCharSet], subprograms: [RegexProgram], captureSlots: Int,
         registers: Int, anchoredStart: Bool, literal: [UInt8]?, simple: SimplePattern? = nil, automaton: Bool = false) {
        self.code = code
        self.sets = sets
        self.subprograms = subprograms
        self.captureSlots = captureSlots
        self.registers = registers
        self.anchoredStart = anchoredStart
        self.literal = literal
        self.simple = simple
        // Bounded program size keeps the construction cheap (at most 256 states × 128 bytes).
        dfa = automaton && literal == nil && captureSlots == 0 && code.count <= RegexDFA.maxProgramSize
            ? RegexDFA(code: code, anchoredStart: anchoredStart) : nil
    }
}

// MARK: - Parser and compiler

/// Syntax tree of a pattern.
indirect enum RegexNode {
    case empty
    case char(UInt32)
    case set(RegexCharSet)
    case any
    case concat([RegexNode])
    case alternation([RegexNode])
    case group(RegexNode, capture: Int?)
    case repeatNode(RegexNode, min: Int, max: Int?, greedy: Bool)
    case start, end
    case wordBoundary(Bool)
    case look(RegexNode, ahead: Bool, negated: Bool)
    case backReference(Int)
    case namedBackReference(String)
}

struct RegexCompiler {
    let pattern: String
    let scalars: [UInt32]
    var pos = 0
    var groupCount = 0
    var groupNames: [String: Int] = [:]
    var registers = 0
    var hasBackReferences = false
    var nesting = 0
    var buildAutomaton = true
    static let maxNesting = 64
    static let maxProgramSize = 100_000

    init(pattern: String) {
        self.pattern = pattern
        scalars = pattern.unicodeScalars.map(\.value)
    }

    func fail(_ message: String) -> ECMARegex.SyntaxError {
        ECMARegex.SyntaxError(pattern: pattern, offset: pos, message: message)
    }

    mutating func compile() throws(ECMARegex.SyntaxError) -> RegexProgram {
        let tree = try parseDisjunction()
        if pos < scalars.count { throw fail("unmatched ')'") }
        let resolved = try resolveNames(tree)
        let literal: [UInt8]? = Self.plainLiteral(resolved).map { Array(String(String.UnicodeScalarView($0.compactMap(Unicode.Scalar.init))).utf8) }
        var emitter = RegexEmitter()
        let program = try emitter.build(resolved, captureSlots: hasBackReferences ? (groupCount + 1) * 2 : 0, compiler: self)
        return RegexProgram(code: program.code, sets: program.sets, subprograms: program.subprograms,
                            captureSlots: program.captureSlots, registers: program.registers,
                            anchoredStart: program.anchoredStart, literal: literal, simple: SimplePattern(resolved),
                            automaton: buildAutomaton)
    }

    static func plainLiteral(_ node: RegexNode) -> [UInt32]? {
        switch node {
        case .empty: return []
        case .char(let c): return [c]
        case .concat(let parts):
            var out: [UInt32] = []
            for p in parts { guard let l = plainLiteral(p) else { return nil }; out += l }
            return out
        default: return nil
        }
    }

    func resolveNames(_ node: RegexNode) throws(ECMARegex.SyntaxError) -> RegexNode {
        switch node {
        case .namedBackReference(let name):
            guard let n = groupNames[name] else { throw fail("unknown group name \(name)") }
            return .backReference(n)
        case .backReference(let n):
            if n > groupCount { throw fail("back-reference to a missing group") }
            return node
        case .concat(let parts):
            var out: [RegexNode] = []
            for p in parts { out.append(try resolveNames(p)) }
            return .concat(out)
        case .alternation(let parts):
            var out: [RegexNode] = []
            for p in parts { out.append(try resolveNames(p)) }
            return .alternation(out)
        case .group(let n, let c): return .group(try resolveNames(n), capture: c)
        case .repeatNode(let n, let lo, let hi, let g): return .repeatNode(try resolveNames(n), min: lo, max: hi, greedy: g)
        case .look(let n, let a, let neg): return .look(try resolveNames(n), ahead: a, negated: neg)
        default: return node
        }
    }

    var peek: UInt32? { pos < scalars.count ? scalars[pos] : nil }

    mutating func eat(_ c: Character) -> Bool {
        if let p = peek, p == c.unicodeScalars.first!.value { pos += 1; return true }
        return false
    }

    mutating func parseDisjunction() throws(ECMARegex.SyntaxError) -> RegexNode {
        // Groups recurse in the parser and in compilation: bound their nesting (patterns come from
        // schemas, and the `regex` format checks untrusted strings).
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxNesting { throw fail("groups nested deeper than \(Self.maxNesting) levels") }
        var alternatives = [try parseAlternative()]
        while eat("|") { alternatives.append(try parseAlternative()) }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    mutating func parseAlternative() throws(ECMARegex.SyntaxError) -> RegexNode {
        var terms: [RegexNode] = []
        while let c = peek, c != 0x7C /* | */, c != 0x29 /* ) */ {
            terms.append(try parseTerm())
        }
        return terms.isEmpty ? .empty : (terms.count == 1 ? terms[0] : .concat(terms))
    }

    mutating func parseTerm() throws(ECMARegex.SyntaxError) -> RegexNode {
        let c = peek!
        switch c {
        case 0x5E: pos += 1; return .start
        case 0x24: pos += 1; return .end
        case 0x5C where pos + 1 < scalars.count && (scalars[pos + 1] == 0x62 || scalars[pos + 1] == 0x42):
            pos += 2
            return .wordBoundary(scalars[pos - 1] == 0x62)
        case 0x28 where scalars.count > pos + 2 && scalars[pos + 1] == 0x3F && (scalars[pos + 2] == 0x3D || scalars[pos + 2] == 0x21):
            pos += 3
            let negated = scalars[pos - 1] == 0x21
            let inner = try parseDisjunction()
            guard eat(")") else { throw fail("missing ')'") }
            // Annex B allows quantified lookaheads; in u mode they are errors.
            return .look(inner, ahead: true, negated: negated)
        case 0x28 where scalars.count > pos + 3 && scalars[pos + 1] == 0x3F && scalars[pos + 2] == 0x3C
            && (scalars[pos + 3] == 0x3D || scalars[pos + 3] == 0x21):
            pos += 4
            let negated = scalars[pos - 1] == 0x21
            let inner = try parseDisjunction()
            guard eat(")") else { throw fail("missing ')'") }
            return .look(inner, ahead: false, negated: negated)
        default:
            let atom = try parseAtom()
            return try parseQuantifier(atom)
        }
    }

    mutating func parseQuantifier(_ atom: RegexNode) throws(ECMARegex.SyntaxError) -> RegexNode {
        guard let c = peek else { return atom }
        var lo = 0
        var hi: Int? = nil
        switch c {
        case 0x2A: pos += 1
        case 0x2B: pos += 1; lo = 1
        case 0x3F: pos += 1; hi = 1
        case 0x7B:
            let save = pos
            pos += 1
            guard let a = parseInt() else { pos = save; return atom }
            lo = a
            hi = a
            if eat(",") { hi = parseInt() }
            guard eat("}") else { pos = save; return atom }
            if let h = hi, h < lo { throw fail("numbers out of order in {} quantifier") }
        default:
            return atom
        }
        let greedy = !eat("?")
        switch atom {
        case .start, .end, .wordBoundary, .look: throw fail("nothing to repeat")
        default: break
        }
        return .repeatNode(atom, min: lo, max: hi, greedy: greedy)
    }

    mutating func parseInt() -> Int? {
        var v = 0
        var any = false
        while let c = peek, c >= 0x30 && c <= 0x39 {
            v = min(v * 10 + Int(c - 0x30), 1_000_000)
            pos += 1
            any = true
        }
        return any ? v : nil
    }

    mutating func parseAtom() throws(ECMARegex.SyntaxError) -> RegexNode {
        let c = peek!
        switch c {
        case 0x2E: pos += 1; return .any
        case 0x28:
            pos += 1
            if eat("?") {
                if eat(":") {
                    let inner = try parseDisjunction()
                    guard eat(")") else { throw fail("missing ')'") }
                    return .group(inner, capture: nil)
                }
                if eat("<") {
                    let name = try parseGroupName()
                    groupCount += 1
                    let index = groupCount
                    if groupNames[name] != nil { throw fail("duplicate group name") }
                    groupNames[name] = index
                    let inner = try parseDisjunction()
                    guard eat(")") else { throw fail("missing ')'") }
                    return .group(inner, capture: index)
                }
                throw fail("invalid group")
            }
            groupCount += 1
            let index = groupCount
            let inner = try parseDisjunction()
            guard eat(")") else { throw fail("missing ')'") }
            return .group(inner, capture: index)
        case 0x5B: return .set(try parseClass())
        case 0x5C: return try parseAtomEscape()
        case 0x2A, 0x2B, 0x3F: throw fail("nothing to repeat")
        case 0x7B:
            // A brace that does not start a quantifier is a literal (Annex B), unless it does.
            let save = pos
            pos += 1
            if parseInt() != nil { pos = save; throw fail("nothing to repeat") }
            pos = save + 1
            return .char(c)
        default:
            pos += 1
            return .char(c)
        }
    }

    mutating func parseGroupName() throws(ECMARegex.SyntaxError) -> String {
        var name = ""
        while let c = peek, c != 0x3E {
            guard let s = Unicode.Scalar(c), s.properties.isXIDContinue || c == 0x24 else { throw fail("invalid group name") }
            name.unicodeScalars.append(s)
            pos += 1
        }
        guard eat(">"), !name.isEmpty else { throw fail("invalid group name") }
        return name
    }

    static func classFor(_ letter: UInt32) -> RegexCharSet? {
        var set = RegexCharSet()
        switch letter {
        case 0x64, 0x44: set.add(0x30, 0x39)  // d D
        case 0x77, 0x57: set.add(0x30, 0x39); set.add(0x41, 0x5A); set.add(0x61, 0x7A); set.add(0x5F, 0x5F)  // w W
        case 0x73, 0x53: // s S
            for c: UInt32 in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20] { set.add(c, c) }
            set.predicates.append(.space(negated: false))
        default: return nil
        }
        if letter < 0x61 { set.negated = true }
        return set
    }

    /// After a backslash: a class escape, or nil for a character escape.
    mutating func parseClassEscapeSet() throws(ECMARegex.SyntaxError) -> RegexCharSet? {
        guard let c = peek else { throw fail("\\ at end of pattern") }
        if let set = Self.classFor(c) { pos += 1; return set }
        if c == 0x70 || c == 0x50 { // p P
            pos += 1
            guard eat("{") else { throw fail("invalid property escape") }
            var text = ""
            while let d = peek, d != 0x7D { text.unicodeScalars.append(Unicode.Scalar(d)!); pos += 1 }
            guard eat("}") else { throw fail("invalid property escape") }
            let negated = c == 0x50
            var set = RegexCharSet()
            if let eq = text.firstIndex(of: "=") {
                let key = text[..<eq]
                let value = String(text[text.index(after: eq)...])
                if key == "General_Category" || key == "gc", let cats = RegexCharSet.categorySet(named: value) {
                    set.predicates.append(.category(cats, negated: negated))
                } else if (key == "Script" || key == "sc" || key == "Script_Extensions" || key == "scx"),
                          RegexCharSet.scripts[value] != nil {
                    set.predicates.append(.script(value, negated: negated))
                } else {
                    throw fail("unknown property \(text)")
                }
            } else if let cats = RegexCharSet.categorySet(named: text) {
                set.predicates.append(.category(cats, negated: negated))
            } else if text == "Any" {
                if negated { return set }
                set.predicates.append(.any)
            } else if text == "ASCII" {
                set.add(0, 0x7F)
                set.negated = negated
            } else {
                throw fail("unknown property \(text)")
            }
            return set
        }
        return nil
    }

    /// A character escape after a backslash (u mode: only defined escapes and syntax characters).
    mutating func parseCharacterEscape(inClass: Bool) throws(ECMARegex.SyntaxError) -> UInt32 {
        guard let c = peek else { throw fail("\\ at end of pattern") }
        pos += 1
        switch c {
        case 0x74: return 0x09
        case 0x6E: return 0x0A
        case 0x76: return 0x0B
        case 0x66: return 0x0C
        case 0x72: return 0x0D
        case 0x62 where inClass: return 0x08
        case 0x2D where inClass: return 0x2D
        case 0x63:
            guard let l = peek, (l >= 0x41 && l <= 0x5A) || (l >= 0x61 && l <= 0x7A) else { throw fail("invalid \\c escape") }
            pos += 1
            return l % 32
        case 0x30:
            if let d = peek, d >= 0x30 && d <= 0x39 { throw fail("invalid octal escape") }
            return 0
        case 0x78:
            guard let h = parseHex(count: 2) else { throw fail("invalid \\x escape") }
            return h
        case 0x75:
            if eat("{") {
                var v: UInt32 = 0
                var n = 0
                while let d = peek, let x = Self.hexValue(d) { v = v &* 16 &+ x; n += 1; pos += 1; if v > 0x10FFFF { throw fail("code point out of range") } }
                guard n > 0, eat("}") else { throw fail("invalid \\u{} escape") }
                return v
            }
            guard let h = parseHex(count: 4) else { throw fail("invalid \\u escape") }
            if h >= 0xD800 && h < 0xDC00, pos + 1 < scalars.count, scalars[pos] == 0x5C, scalars[pos + 1] == 0x75 {
                let save = pos
                pos += 2
                if let l = parseHex(count: 4), l >= 0xDC00 && l < 0xE000 {
                    return 0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00)
                }
                pos = save
            }
            return h
        default:
            // Syntax characters and '/' may be escaped to stand for themselves.
            if "^$\\.*+?()[]{}|/".unicodeScalars.contains(where: { $0.value == c }) { return c }
            pos -= 1
            throw fail("invalid escape")
        }
    }

    static func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    mutating func parseHex(count: Int) -> UInt32? {
        guard pos + count <= scalars.count else { return nil }
        var v: UInt32 = 0
        for i in 0..<count {
            guard let x = Self.hexValue(scalars[pos + i]) else { return nil }
            v = v * 16 + x
        }
        pos += count
        return v
    }

    mutating func parseAtomEscape() throws(ECMARegex.SyntaxError) -> RegexNode {
        pos += 1
        guard let c = peek else { throw fail("\\ at end of pattern") }
        if c >= 0x31 && c <= 0x39 {
            hasBackReferences = true
            return .backReference(parseInt()!)
        }
        if c == 0x6B { // \k<name>
            pos += 1
            guard eat("<") else { throw fail("invalid \\k escape") }
            hasBackReferences = true
            return .namedBackReference(try parseGroupName())
        }
        if let set = try parseClassEscapeSet() { return .set(set) }
        return .char(try parseCharacterEscape(inClass: false))
    }

    mutating func parseClass() throws(ECMARegex.SyntaxError) -> RegexCharSet {
        pos += 1
        var result = RegexCharSet()
        let negated = eat("^")
        var negatedParts: [RegexCharSet] = []
        while true {
            guard let c = peek else { throw fail("missing ']'") }
            if c == 0x5D { pos += 1; break }
            let (lowSet, low) = try parseClassAtom()
            if peek == 0x2D, pos + 1 < scalars.count, scalars[pos + 1] != 0x5D {
                pos += 1
                let (highSet, high) = try parseClassAtom()
                guard lowSet == nil, highSet == nil, let lo = low, let hi = high else { throw fail("invalid class range") }
                guard lo <= hi else { throw fail("range out of order in character class") }
                result.add(lo, hi)
                continue
            }
            if let s = lowSet {
                if s.negated { negatedParts.append(s) } else { result.merge(s) }
            } else if let l = low {
                result.add(l, l)
            }
        }
        // Fold negated escapes (\D, \W, \S) in through an "any" predicate on a wrapper set.
        if !negatedParts.isEmpty {
            let positive = result
            let parts = negatedParts
            var wrapper = CompositeSet(positive: positive, negatedParts: parts).flatten()
            wrapper.negated = negated
            return wrapper
        }
        result.negated = negated
        return result
    }

    mutating func parseClassAtom() throws(ECMARegex.SyntaxError) -> (RegexCharSet?, UInt32?) {
        let c = peek!
        if c == 0x5C {
            pos += 1
            if let set = try parseClassEscapeSet() { return (set, nil) }
            return (nil, try parseCharacterEscape(inClass: true))
        }
        pos += 1
        return (nil, c)
    }
}

/// A class with negated escapes inside (`[\D\s]`), flattened into ranges over the whole code space.
struct CompositeSet {
    let positive: RegexCharSet
    let negatedParts: [RegexCharSet]

    func flatten() -> RegexCharSet {
        // Membership: in positive, or not in some negated part's base. Build by enumerating
        // ASCII exactly and keeping non-ASCII as ranges from the negated parts' complements.
        var out = positive
        for part in negatedParts {
            for c: UInt32 in 0..<128 where part.contains(c) { out.add(c, c) }
            var base = part
            base.negated = false
            if base.predicates.isEmpty {
                // \D or \W: every non-ASCII code point is outside the base, so inside the part.
                out.ranges.append(128...0x10FFFF)
            } else {
                // \S: non-ASCII that is not a space.
                out.predicates.append(.space(negated: true))
            }
        }
        return out
    }
}

/// Turns a syntax tree into machine code.
struct RegexEmitter {
    var code: [RegexInstruction] = []
    var sets: [RegexCharSet] = []
    var subprograms: [RegexProgram] = []
    var registers = 0
    /// Captures are only recorded when a back-reference needs them.
    var emitCaptures = false

    struct Built {
        let code: [RegexInstruction]
        let sets: [RegexCharSet]
        let subprograms: [RegexProgram]
        let captureSlots: Int
        let registers: Int
        let anchoredStart: Bool
    }

    mutating func build(_ node: RegexNode, captureSlots: Int, compiler: RegexCompiler) throws(ECMARegex.SyntaxError) -> Built {
        emitCaptures = compiler.hasBackReferences
        try emit(node, compiler)
        code.append(.match)
        var anchored = false
        if case .start = node { anchored = true }
        if case .concat(let parts) = node, case .start? = parts.first { anchored = true }
        return Built(code: code, sets: sets, subprograms: subprograms, captureSlots: captureSlots,
                     registers: registers, anchoredStart: anchored)
    }

    mutating func emit(_ node: RegexNode, _ compiler: RegexCompiler) throws(ECMARegex.SyntaxError) {
        if code.count > RegexCompiler.maxProgramSize { throw compiler.fail("pattern too large") }
        switch node {
        case .empty: break
        case .char(let c): code.append(c < 0x80 ? .byte(UInt8(c)) : .char(c))
        case .any: code.append(.any)
        case .set(let s):
            sets.append(s)
            var low: UInt64 = 0
            var high: UInt64 = 0
            for c: UInt32 in 0..<128 where s.contains(c) {
                if c < 64 { low |= 1 << UInt64(c) } else { high |= 1 << UInt64(c - 64) }
            }
            code.append(.set(asciiLow: low, asciiHigh: high, index: sets.count - 1))
        case .concat(let parts): for p in parts { try emit(p, compiler) }
        case .alternation(let alts):
            var jumps: [Int] = []
            for (i, alt) in alts.enumerated() {
                if i < alts.count - 1 {
                    let split = code.count
                    code.append(.split(0, 0))
                    try emit(alt, compiler)
                    jumps.append(code.count)
                    code.append(.jump(0))
                    code[split] = .split(split + 1, code.count)
                } else {
                    try emit(alt, compiler)
                }
            }
            for j in jumps { code[j] = .jump(code.count) }
        case .group(let inner, let capture):
            if emitCaptures, let n = capture { code.append(.save(2 * n)) }
            try emit(inner, compiler)
            if emitCaptures, let n = capture { code.append(.save(2 * n + 1)) }
        case .start: code.append(.assertStart)
        case .end: code.append(.assertEnd)
        case .wordBoundary(let b): code.append(.wordBoundary(b))
        case .backReference(let n): code.append(.backReference(n))
        case .namedBackReference: throw compiler.fail("unresolved group name")
        case .look(let inner, let ahead, let negated):
            var sub = RegexEmitter()
            sub.registers = registers
            sub.emitCaptures = emitCaptures
            try sub.emit(inner, compiler)
            sub.code.append(.match)
            registers = sub.registers
            subprograms.append(RegexProgram(code: sub.code, sets: sub.sets, subprograms: sub.subprograms,
                                            captureSlots: 0, registers: 0, anchoredStart: false, literal: nil))
            code.append(.look(subprograms.count - 1, ahead: ahead, negated: negated))
        case .repeatNode(let inner, let lo, let hi, let greedy):
            for _ in 0..<lo { try emit(inner, compiler) }
            if let hi {
                // Optional copies: split to the end after each.
                var splits: [Int] = []
                for _ in lo..<hi {
                    splits.append(code.count)
                    code.append(.split(0, 0))
                    try emit(inner, compiler)
                }
                let end = code.count
                for s in splits { code[s] = greedy ? .split(s + 1, end) : .split(end, s + 1) }
            } else {
                // Loop with an empty-iteration guard, as ECMA-262 requires.
                let register = registers
                registers += 1
                let loop = code.count
                code.append(.split(0, 0))
                code.append(.setCounter(register))
                try emit(inner, compiler)
                code.append(.requireProgress(register))
                code.append(.jump(loop))
                let end = code.count
                code[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
            }
        }
    }
}

// MARK: - Machine

struct RegexMachine {
    let program: RegexProgram
    let input: UnsafeBufferPointer<UInt8>
    var budget = 1_000_000
    private var captures: [Int] = []
    private var registers: [Int] = []
    private var stack: [Frame] = []

    init(program: RegexProgram, input: UnsafeBufferPointer<UInt8>) {
        self.program = program
        self.input = input
    }

    /// Unanchored search: does the pattern match starting at any position?
    mutating func search() -> Bool {
        if program.anchoredStart { return run(program, at: 0, endAt: nil) }
        var start = 0
        while start <= input.count {
            if run(program, at: start, endAt: nil) { return true }
            if budget <= 0 { return false }
            if start == input.count { break }
            start += Self.length(of: input[start])
        }
        return false
    }

    @inline(__always)
    static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : (lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4))
    }

    @inline(__always)
    func decode(_ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(input[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(input[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(input[i + 1] & 0x3F) << 6 | UInt32(input[i + 2] & 0x3F), 3) }
        return ((b0 & 0x07) << 18 | UInt32(input[i + 1] & 0x3F) << 12 | UInt32(input[i + 2] & 0x3F) << 6 | UInt32(input[i + 3] & 0x3F), 4)
    }

    func previousStart(_ i: Int) -> Int {
        var j = i - 1
        while j > 0 && input[j] & 0xC0 == 0x80 { j -= 1 }
        return j
    }

    func isWord(before i: Int) -> Bool {
        i > 0 && RegexCharSet.isWordChar(decode(previousStart(i)).0)
    }

    func isWord(at i: Int) -> Bool {
        i < input.count && RegexCharSet.isWordChar(decode(i).0)
    }

    enum Frame {
        case resume(pc: Int, pos: Int)
        case restoreCapture(slot: Int, value: Int)
        case restoreRegister(slot: Int, value: Int)
    }

    /// Runs `prog` from `start`; with `endAt`, only a match ending exactly there counts.
    mutating func run(_ prog: RegexProgram, at start: Int, endAt: Int?) -> Bool {
        let code = prog.code
        if captures.count != prog.captureSlots { captures = [Int](repeating: -1, count: prog.captureSlots) }
        if registers.count < program.registers { registers = [Int](repeating: -1, count: program.registers) }
        stack.removeAll(keepingCapacity: true)
        var pc = 0
        var pos = start
        while true {
            budget -= 1
            if budget <= 0 { return false }
            var failed = false
            switch code[pc] {
            case .byte(let b):
                if pos < input.count && input[pos] == b { pos += 1; pc += 1 } else { failed = true }
            case .char(let c):
                if pos < input.count {
                    let (d, n) = decode(pos)
                    if d == c { pos += n; pc += 1 } else { failed = true }
                } else { failed = true }
            case .any:
                if pos < input.count {
                    let (d, n) = decode(pos)
                    if RegexCharSet.isLineTerminator(d) { failed = true } else { pos += n; pc += 1 }
                } else { failed = true }
            case .set(let low, let high, let i):
                if pos < input.count {
                    let b = input[pos]
                    if b < 0x80 {
                        let hit = b < 64 ? (low >> UInt64(b)) & 1 : (high >> UInt64(b - 64)) & 1
                        if hit != 0 { pos += 1; pc += 1 } else { failed = true }
                    } else {
                        let (d, n) = decode(pos)
                        if prog.sets[i].contains(d) { pos += n; pc += 1 } else { failed = true }
                    }
                } else { failed = true }
            case .split(let a, let b):
                stack.append(.resume(pc: b, pos: pos))
                pc = a
            case .jump(let t):
                pc = t
            case .save(let slot):
                if slot < captures.count {
                    stack.append(.restoreCapture(slot: slot, value: captures[slot]))
                    captures[slot] = pos
                }
                pc += 1
            case .assertStart:
                if pos == 0 { pc += 1 } else { failed = true }
            case .assertEnd:
                if pos == input.count { pc += 1 } else { failed = true }
            case .wordBoundary(let want):
                if (isWord(before: pos) != isWord(at: pos)) == want { pc += 1 } else { failed = true }
            case .backReference(let n):
                let s = 2 * n < captures.count ? captures[2 * n] : -1
                let e = 2 * n + 1 < captures.count ? captures[2 * n + 1] : -1
                if s < 0 || e < 0 { pc += 1; break }
                let len = e - s
                if pos + len <= input.count && (0..<len).allSatisfy({ input[s + $0] == input[pos + $0] }) {
                    pos += len
                    pc += 1
                } else { failed = true }
            case .setCounter(let r):
                stack.append(.restoreRegister(slot: r, value: registers[r]))
                registers[r] = pos
                pc += 1
            case .requireProgress(let r):
                if registers[r] == pos { failed = true } else { pc += 1 }
            case .look(let i, let ahead, let negated):
                let sub = prog.subprograms[i]
                var inner = RegexMachine(program: program, input: input)
                inner.budget = budget
                var found: Bool
                if ahead {
                    found = inner.run(sub, at: pos, endAt: nil)
                } else {
                    found = false
                    var q = pos
                    while true {
                        if inner.run(sub, at: q, endAt: pos) { found = true; break }
                        if q == 0 || inner.budget <= 0 { break }
                        q = previousStart(q)
                    }
                }
                budget = inner.budget
                if found != negated { pc += 1 } else { failed = true }
            case .match:
                if let endAt, pos != endAt { failed = true } else { return true }
            }
            if failed {
                var resumed = false
                while let frame = stack.popLast() {
                    switch frame {
                    case .resume(let p, let q):
                        pc = p
                        pos = q
                        resumed = true
                    case .restoreCapture(let slot, let value):
                        captures[slot] = value
                    case .restoreRegister(let slot, let value):
                        registers[slot] = value
                    }
                    if resumed { break }
                }
                if !resumed { return false }
            }
        }
    }
}

// MARK: - Backtracking-free fast path

/// A pattern such as `^[0-9]{4}-[0-9]{2}$`: optional anchors around single-character atoms with
/// quantifiers, where every variable-length atom is disjoint from the atom after it. Greedy
/// matching is then exact, so it runs in one pass with no machine, stack or allocation.
struct SimplePattern: Sendable {
    /// Trivial (no references), so walking the atoms costs no retain/release.
    struct Atom: Sendable {
        let low: UInt64
        let high: UInt64
        /// Index into `wideSets` for non-ASCII membership; -1 when the set has no non-ASCII members.
        let wide: Int
        let min: Int
        let max: Int
    }

    let atoms: [Atom]
    let wideSets: [RegexCharSet]
    let anchoredStart: Bool
    let anchoredEnd: Bool

    init?(_ node: RegexNode) {
        var parts: [RegexNode]
        if case .concat(let p) = node { parts = p } else { parts = [node] }
        var start = false
        var end = false
        if case .start? = parts.first { start = true; parts.removeFirst() }
        if case .end? = parts.last { end = true; parts.removeLast() }
        var atoms: [Atom] = []
        var wideSets: [RegexCharSet] = []
        for part in parts {
            var inner = part
            var lo = 1
            var hi = 1
            if case .repeatNode(let n, let a, let b, _) = part {
                inner = n
                lo = a
                hi = b ?? Int.max
            }
            guard let set = Self.charSet(inner) else { return nil }
            var low: UInt64 = 0
            var high: UInt64 = 0
            for c: UInt32 in 0..<128 where set.contains(c) {
                if c < 64 { low |= 1 << UInt64(c) } else { high |= 1 << UInt64(c - 64) }
            }
            let asciiOnly = !set.negated && set.ranges.isEmpty && set.predicates.isEmpty
            if !asciiOnly { wideSets.append(set) }
            atoms.append(Atom(low: low, high: high, wide: asciiOnly ? -1 : wideSets.count - 1, min: lo, max: hi))
        }
        // Greedy is exact only if a variable atom cannot eat what the next atom needs.
        for i in atoms.indices where atoms[i].min != atoms[i].max && i + 1 < atoms.count {
            let a = atoms[i]
            let b = atoms[i + 1]
            if a.low & b.low != 0 || a.high & b.high != 0 { return nil }
            if a.wide >= 0 && b.wide >= 0 { return nil }
        }
        self.atoms = atoms
        self.wideSets = wideSets
        anchoredStart = start
        anchoredEnd = end
    }

    private static func charSet(_ node: RegexNode) -> RegexCharSet? {
        switch node {
        case .char(let c):
            var s = RegexCharSet()
            s.add(c, c)
            return s
        case .set(let s):
            return s
        case .any:
            var s = RegexCharSet()
            for c: UInt32 in [0x0A, 0x0D, 0x2028, 0x2029] { s.add(c, c) }
            s.negated = true
            return s
        default:
            return nil
        }
    }

    func matches(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        if anchoredStart { return match(input, at: 0) }
        var start = 0
        while true {
            if match(input, at: start) { return true }
            if start >= input.count { return false }
            start += RegexMachine.length(of: input[start])
        }
    }

    @inline(__always)
    private func match(_ input: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var pos = start
        let n = input.count
        return atoms.withUnsafeBufferPointer { atoms in
        for atom in atoms {
            var count = 0
            while count < atom.max && pos < n {
                let b = input[pos]
                if b < 0x80 {
                    let hit = b < 64 ? (atom.low >> UInt64(b)) & 1 : (atom.high >> UInt64(b - 64)) & 1
                    if hit == 0 { break }
                    pos += 1
                } else {
                    guard atom.wide >= 0 else { break }
                    let wide = wideSets[atom.wide]
                    let len = RegexMachine.length(of: b)
                    guard pos + len <= n else { break }
                    var c = UInt32(b) & (len == 2 ? 0x1F : (len == 3 ? 0x0F : 0x07))
                    for k in 1..<len { c = c << 6 | UInt32(input[pos + k] & 0x3F) }
                    if !wide.contains(c) { break }
                    pos += len
                }
                count += 1
            }
            if count < atom.min { return false }
        }
        return !anchoredEnd || pos == n
        }
    }
}
