/// A deterministic automaton over ASCII bytes for a regex program, built once at compile time.
///
/// Why: schema patterns are short anchored shapes (`^[0-9]{11}$`, semantic versions, UUIDs) that
/// are tested on nearly every string of a message. The backtracking machine costs thousands of
/// instructions per test even for five-byte strings; the automaton costs a table lookup per byte.
///
/// It answers only what it can answer exactly: programs without back-references, lookaround or
/// word boundaries (their language is regular, and ECMA-262's greedy/lazy choice and the
/// empty-iteration guard do not change *whether* a match exists), and inputs that are all ASCII.
/// For anything else `matches` returns nil and the caller runs the machine.
final class RegexDFA: Sendable {
    /// At most this many states; beyond it the pattern is left to the machine.
    static let maxStates = 256
    /// Programs longer than this are not considered (construction time grows with their length).
    static let maxProgramSize = 1024

    /// `transitions[state * 256 + byte]`: the next state *times 256* (the offset of its row, so
    /// the scan adds the next byte without a multiplication), or one of the verdicts below.
    /// A state in which a match has been found, or none is possible any more, decides the answer
    /// whatever follows, so it is not a state at all: the scan stops there. Bytes from 0x80 on
    /// lead to `nonASCII` (the machine decides), which spares the scan a test per byte.
    /// Offsets fit in 16 bits: at most 256 states, 255 * 256 < `nonASCII`.
    private let transitions: [UInt16]
    static let found: UInt16 = 0xFFFF
    static let impossible: UInt16 = 0xFFFE
    static let nonASCII: UInt16 = 0xFFFD
    /// The verdict before reading anything (an empty pattern matches at once), else nil.
    private let initialVerdict: Bool?
    /// Per state: a match ends exactly at the end of the input (`$`).
    private let acceptingAtEnd: [Bool]
    /// When the pattern accepts only strings of one length with a fixed set of bytes at each
    /// position (`^[0-9]{11}$`, UUIDs, dates, `^[0-9a-f]{128}$`), that shape: see `FixedShape`.
    let shape: FixedShape?

    /// Builds the automaton, or nil when the program is not a plain regular pattern or too large.
    init?(code: [RegexInstruction], anchoredStart: Bool) {
        // Only the leading `^` of an anchored program is allowed: no other assertion has a state here.
        for (pc, op) in code.enumerated() {
            switch op {
            case .wordBoundary, .look, .backReference: return nil
            case .assertStart where !(anchoredStart && pc == 0): return nil
            default: break
            }
        }
        let first = anchoredStart ? 1 : 0
        let seed = Self.closure([first], code)
        var states: [[Int]] = [seed]
        var index: [[Int]: Int] = [seed: 0]
        var transitions: [UInt16] = []
        var i = 0
        while i < states.count {
            let state = states[i]
            for byte in 0..<128 {
                var next: [Int] = []
                for pc in state where Self.consumes(code[pc], UInt8(byte)) { next.append(pc + 1) }
                // An unanchored search may start a new match at every position.
                if !anchoredStart { next.append(first) }
                let target = Self.closure(next, code)
                if let t = index[target] {
                    transitions.append(UInt16(t))
                } else {
                    if states.count >= Self.maxStates { return nil }
                    index[target] = states.count
                    transitions.append(UInt16(states.count))
                    states.append(target)
                }
            }
            i += 1
        }
        let accepting = states.map { $0.contains { pc in if case .match = code[pc] { return true }; return false } }
        var table: [UInt16] = []
        table.reserveCapacity(states.count * 256)
        for state in 0..<states.count {
            for byte in 0..<128 {
                let t = transitions[state * 128 + byte]
                table.append(accepting[Int(t)] ? Self.found : (states[Int(t)].isEmpty ? Self.impossible : t &* 256))
            }
            table.append(contentsOf: repeatElement(Self.nonASCII, count: 128))
        }
        self.transitions = table
        let verdict: Bool? = accepting[0] ? true : (seed.isEmpty ? false : nil)
        initialVerdict = verdict
        let endsAt = states.map { state in
            state.contains { pc in
                guard case .assertEnd = code[pc] else { return false }
                return Self.reachesMatchAtEnd(pc + 1, code)
            }
        }
        acceptingAtEnd = endsAt
        // A pattern decided before reading anything has no positions to test.
        shape = verdict == nil ? FixedShape(table: table, acceptingAtEnd: endsAt) : nil
    }

    /// True or false when decided; nil when the input holds a non-ASCII byte.
    @inline(__always)
    func matches(_ input: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let initialVerdict { return initialVerdict }
        if let shape { return shape.matches(input) }
        // Unchecked pointers: this loop runs for every byte of most strings in a message, and
        // every index is in range by construction (row < states * 256, byte < 256).
        return transitions.withUnsafeBufferPointer { table -> Bool? in
            let t = table.baseAddress!
            var row = 0
            var i = 0
            let n = input.count
            while i < n {
                let next = t[row &+ Int(input[i])]
                if next >= Self.nonASCII {
                    return next == Self.found ? true : (next == Self.impossible ? false : nil)
                }
                row = Int(next)
                i &+= 1
            }
            return acceptingAtEnd[row >> 8]
        }
    }

    /// Does instruction `op` consume the ASCII byte `b`?
    private static func consumes(_ op: RegexInstruction, _ b: UInt8) -> Bool {
        switch op {
        case .byte(let c): return c == b
        case .char: return false  // a non-ASCII code point never matches an ASCII byte
        case .any: return b != 0x0A && b != 0x0D
        case .set(let low, let high, _):
            return b < 64 ? (low >> UInt64(b)) & 1 != 0 : (high >> UInt64(b - 64)) & 1 != 0
        default: return false
        }
    }

    /// The instructions reachable from `pcs` without consuming input: consuming instructions,
    /// `$` (decided at the end) and `match`, sorted, without duplicates.
    private static func closure(_ pcs: [Int], _ code: [RegexInstruction]) -> [Int] {
        var seen = [Bool](repeating: false, count: code.count)
        var result: [Int] = []
        var work = pcs
        while let pc = work.popLast() {
            if seen[pc] { continue }
            seen[pc] = true
            switch code[pc] {
            case .split(let a, let b): work.append(a); work.append(b)
            case .jump(let t): work.append(t)
            // Captures and the empty-iteration guard do not change whether a match exists.
            case .save, .setCounter, .requireProgress: work.append(pc + 1)
            case .byte, .char, .any, .set, .assertEnd, .match: result.append(pc)
            case .assertStart, .wordBoundary, .look, .backReference: break  // refused in init
            }
        }
        result.sort()
        return result
    }

    /// At the end of the input, does `pc` reach `match` (only `$` and empty steps on the way)?
    private static func reachesMatchAtEnd(_ pc: Int, _ code: [RegexInstruction]) -> Bool {
        var seen = Set<Int>()
        var work = [pc]
        while let p = work.popLast() {
            guard seen.insert(p).inserted else { continue }
            switch code[p] {
            case .match: return true
            case .split(let a, let b): work.append(a); work.append(b)
            case .jump(let t): work.append(t)
            case .save, .setCounter, .requireProgress, .assertEnd: work.append(p + 1)
            default: break
            }
        }
        return false
    }
}

/// The language of an anchored pattern that accepts exactly the strings of one length `length`
/// with, at each position, a byte from that position's ASCII set: the automaton is then a chain.
///
/// Why: walking the automaton is one dependent table load per byte (the next row depends on the
/// last), and a 128-character hash walks 128 rows of 512 bytes; the profile of a transfer with ten
/// documents spent half its validation time waiting on that load. Here every byte is looked up in
/// its position's set independently of the others, so the processor overlaps the lookups.
struct FixedShape: Sendable {
    /// Consecutive positions with the same set, which starts at `offset` in `verdicts`.
    struct Run: Sendable {
        let offset: Int
        let count: Int
    }

    /// Per distinct set, 256 entries: 0 for a byte in the set, `miss` for an ASCII byte outside
    /// it, `undecided` for a byte from 0x80 on (part of a code point the machine must decide).
    let verdicts: [UInt8]
    let runs: [Run]
    let length: Int
    static let miss: UInt8 = 1
    static let undecided: UInt8 = 2

    /// Reads the shape off an automaton's table (rows of 256, verdicts as in `RegexDFA`), or nil
    /// when the automaton is not a chain: a state with two successors, a loop, a match that
    /// needs no end (`found`), or a state that may both end and go on.
    init?(table: [UInt16], acceptingAtEnd: [Bool]) {
        var sets: [[UInt8]] = []
        var runs: [Run] = []
        var length = 0
        var row = 0
        var visited = Set<Int>()
        while true {
            guard visited.insert(row).inserted else { return nil }
            var set = [UInt8](repeating: Self.miss, count: 128) + [UInt8](repeating: Self.undecided, count: 128)
            var successor: UInt16?
            for byte in 0..<128 {
                let next = table[row + byte]
                if next == RegexDFA.impossible { continue }
                if next == RegexDFA.found || next == RegexDFA.nonASCII { return nil }
                if let s = successor, s != next { return nil }
                successor = next
                set[byte] = 0
            }
            let endsHere = acceptingAtEnd[row >> 8]
            guard let next = successor else {
                // Nothing continues: the chain ends, and must accept here (else it matches nothing).
                guard endsHere, length > 0 else { return nil }
                break
            }
            if endsHere { return nil }
            let index = sets.firstIndex(of: set) ?? sets.count
            if index == sets.count { sets.append(set) }
            if let last = runs.last, last.offset == index * 256 {
                runs[runs.count - 1] = Run(offset: last.offset, count: last.count + 1)
            } else {
                runs.append(Run(offset: index * 256, count: 1))
            }
            length += 1
            row = Int(next)
        }
        verdicts = sets.flatMap { $0 }
        self.runs = runs
        self.length = length
    }

    /// As `RegexDFA.matches`: nil when the input holds a non-ASCII byte (a code point the
    /// machine must decide, and one that makes the byte length say nothing about the length).
    func matches(_ input: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard input.count == length else {
            for byte in input where byte >= 0x80 { return nil }
            return false
        }
        // No branch per byte: the verdicts are gathered and looked at once.
        var gathered: UInt8 = 0
        verdicts.withUnsafeBufferPointer { table in
            var i = 0
            for run in runs {
                let set = table.baseAddress! + run.offset
                let end = i + run.count
                while i < end {
                    gathered |= set[Int(input[i])]
                    i &+= 1
                }
            }
        }
        if gathered & Self.undecided != 0 { return nil }
        return gathered == 0
    }
}
