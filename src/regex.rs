//! Regular expressions for `builtins.match` and `builtins.split`.
//!
//! The reference evaluator compiles every pattern with C++ `std::regex` in POSIX extended mode
//! (the GNU libstdc++ implementation) and works on bytes. That implementation has its own
//! dialect and its own matching algorithm, and Nix code observes both, so this module reproduces
//! them instead of using a textbook POSIX engine:
//!
//! * Syntax: only `. [ \ ( ) * + ? { | ^ $` may be escaped (`\s`, `\d`, `\1`, `\/`, `\]` are
//!   errors); inside brackets a backslash is an ordinary byte; `]` first in a bracket is literal;
//!   `[:name:]` (case-insensitive names, including `d`, `w`, `s`), `[.name.]` and `[=name=]` use
//!   the "C" locale; ranges compare bytes as *signed* chars; an unmatched `)`, a leading
//!   quantifier and `a{,3}` are errors; `}` and `]` outside brackets are literal; `.` matches
//!   every byte but NUL, newlines included.
//! * Matching is the library's depth-first search: `match` takes the first complete match in
//!   search order (alternatives left first, loops greedy), `split` takes the *longest* match found
//!   by that search. The search tries both sides of every `|`, but leaves a loop only when staying
//!   in it cannot reach the end of the pattern, so `split` is not always leftmost-longest
//!   (`a*(ab)?` matches only `aa` of `aab`). A group keeps the value of an earlier loop iteration
//!   when the last iteration skipped it.
//! * `split` iterates like `std::regex_iterator`, including the empty match right after a
//!   non-empty one and the retry with "non-empty, anchored" after an empty match.
//! * Patterns that compile to more than 100000 automaton states fail with the reference's
//!   "memory limit exceeded" error.
//!
//! The search is memoised (automatically, once it has done more work than a linear scan would),
//! so it stays polynomial where the reference is exponential, and it never recurses on the call
//! stack, so long inputs cannot overflow it. On long inputs a DFA from `regex-automata` first
//! rules out inputs and start positions where no match can exist.
//!
//! This module does not interpret the matches: building Nix strings and lists (and keeping the
//! input's string context) is the caller's job.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::meta;
use regex_automata::util::prefilter::Prefilter;
use regex_automata::{Anchored, Input, MatchKind, Span};

/// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`.
const STATE_LIMIT: usize = 100_000;

/// Performance knobs (tests force every path).
#[derive(Clone, Copy)]
struct Tuning {
    /// Search work after which the memo is switched on; `None`: a few scans of the input with
    /// the whole automaton.
    memo_budget: Option<u64>,
    /// Work wasted on failed attempts after which `split` builds and consults a DFA to skip
    /// positions where no match starts; `None`: a few thousand steps plus the input length.
    split_dfa_after: Option<u64>,
    /// `match` first checks inputs at least this long with a DFA.
    full_dfa_min_len: usize,
}

impl Tuning {
    const DEFAULT: Tuning = Tuning {
        memo_budget: None,
        split_dfa_after: None,
        full_dfa_min_len: 1 << 16,
    };
}

/// Why a pattern was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexErrorKind {
    /// The pattern is not a valid regular expression.
    Invalid,
    /// The pattern is valid but too large (more than 100000 automaton states).
    TooLarge,
}

/// A pattern that cannot be compiled. Displays like the reference evaluator's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    kind: RegexErrorKind,
    pattern: Vec<u8>,
}

impl RegexError {
    pub fn kind(&self) -> RegexErrorKind {
        self.kind
    }

    pub fn pattern(&self) -> &[u8] {
        &self.pattern
    }
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pattern = String::from_utf8_lossy(&self.pattern);
        match self.kind {
            RegexErrorKind::Invalid => write!(f, "invalid regular expression '{pattern}'"),
            RegexErrorKind::TooLarge => {
                write!(f, "memory limit exceeded by regular expression '{pattern}'")
            }
        }
    }
}

impl std::error::Error for RegexError {}

/// One element of the result of `builtins.split`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitPiece {
    /// Text between matches (possibly empty), as a byte range of the input.
    Text(Range<usize>),
    /// A match: one entry per capture group, `None` for a group that did not participate.
    Groups(Vec<Option<Range<usize>>>),
}

/// A compiled pattern. Compile once and reuse; matching never mutates it.
pub struct Regex {
    prog: Prog,
    /// The same language in `regex-automata` syntax, for the DFA pre-checks (if not too large).
    translated: Option<String>,
    search_dfa: OnceLock<Option<meta::Regex>>,
    full_dfa: OnceLock<Option<meta::Regex>>,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Regex")
            .field("states", &self.prog.nodes.len())
            .field("groups", &self.prog.groups)
            .finish()
    }
}

impl Regex {
    /// Compiles a POSIX extended regular expression the way the reference evaluator does.
    pub fn new(pattern: &[u8]) -> Result<Regex, RegexError> {
        let (prog, translated) = compile(pattern).map_err(|kind| RegexError {
            kind,
            pattern: pattern.to_vec(),
        })?;
        Ok(Regex {
            prog,
            translated,
            search_dfa: OnceLock::new(),
            full_dfa: OnceLock::new(),
        })
    }

    /// Number of capture groups (the length of every group list).
    pub fn group_count(&self) -> usize {
        self.prog.groups
    }

    /// `builtins.match`: the whole input must match. `None` if it does not; otherwise one entry
    /// per capture group, `None` for groups that did not participate.
    pub fn full_match(&self, s: &[u8]) -> Option<Vec<Option<Range<usize>>>> {
        self.full_match_tuned(s, Tuning::DEFAULT)
    }

    /// `builtins.split`: the text before each match, the match's groups, and the text after the
    /// last match. Without any match the result is the whole input as a single piece.
    pub fn split(&self, s: &[u8]) -> Vec<SplitPiece> {
        self.split_tuned(s, Tuning::DEFAULT)
    }

    fn full_match_tuned(&self, s: &[u8], t: Tuning) -> Option<Vec<Option<Range<usize>>>> {
        if s.len() >= t.full_dfa_min_len {
            if let Some(dfa) = self.full_dfa() {
                if !dfa.is_match(Input::new(s).anchored(Anchored::Yes)) {
                    return None;
                }
            }
        }
        let mut exec = Exec::new(&self.prog, s, true, t.memo_budget);
        exec.attempt(0, false).map(|m| m.groups)
    }

    fn split_tuned(&self, s: &[u8], t: Tuning) -> Vec<SplitPiece> {
        let mut exec = Exec::new(&self.prog, s, false, t.memo_budget);
        exec.dfa_after = t.split_dfa_after.unwrap_or(4096 + s.len() as u64);
        let dfa = Some(self);
        let mut pieces = Vec::new();
        let Some(mut m) = exec.search(0, dfa) else {
            pieces.push(SplitPiece::Text(0..s.len()));
            return pieces;
        };
        let mut prefix_start = 0;
        loop {
            pieces.push(SplitPiece::Text(prefix_start..m.start));
            pieces.push(SplitPiece::Groups(std::mem::take(&mut m.groups)));
            prefix_start = m.end;
            let mut from = m.end;
            if m.start == m.end {
                if from == s.len() {
                    break;
                }
                // After an empty match, first look for a non-empty match at the same place.
                if let Some(next) = exec.attempt(from, true) {
                    m = next;
                    continue;
                }
                from += 1;
            }
            match exec.search(from, dfa) {
                Some(next) => m = next,
                None => break,
            }
        }
        pieces.push(SplitPiece::Text(prefix_start..s.len()));
        pieces
    }

    fn search_dfa(&self) -> Option<&meta::Regex> {
        self.search_dfa
            .get_or_init(|| build_dfa(self.translated.as_deref()?))
            .as_ref()
    }

    fn full_dfa(&self) -> Option<&meta::Regex> {
        self.full_dfa
            .get_or_init(|| build_dfa(&format!("(?:{})\\z", self.translated.as_deref()?)))
            .as_ref()
    }
}

fn build_dfa(pattern: &str) -> Option<meta::Regex> {
    meta::Regex::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(meta::Config::new().utf8_empty(false))
        .build(pattern)
        .ok()
}

// ---------------------------------------------------------------------------------------------
// Byte sets and the "C" locale
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }

    fn union(&mut self, other: &ByteSet) {
        for (w, x) in self.0.iter_mut().zip(other.0) {
            *w |= x;
        }
    }

    #[inline]
    fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] >> (b & 63) & 1 != 0
    }
}

const CLASS_UPPER: u16 = 1;
const CLASS_LOWER: u16 = 1 << 1;
const CLASS_DIGIT: u16 = 1 << 2;
const CLASS_XDIGIT: u16 = 1 << 3;
const CLASS_SPACE: u16 = 1 << 4;
const CLASS_BLANK: u16 = 1 << 5;
const CLASS_CNTRL: u16 = 1 << 6;
const CLASS_PUNCT: u16 = 1 << 7;
const CLASS_PRINT: u16 = 1 << 8;
const CLASS_GRAPH: u16 = 1 << 9;
const CLASS_UNDERSCORE: u16 = 1 << 10;
const CLASS_ALPHA: u16 = CLASS_UPPER | CLASS_LOWER;
const CLASS_ALNUM: u16 = CLASS_ALPHA | CLASS_DIGIT;

/// Character class names known to libstdc++'s `regex_traits::lookup_classname`.
fn lookup_class(name: &[u8]) -> Option<u16> {
    let lower: Vec<u8> = name.iter().map(u8::to_ascii_lowercase).collect();
    Some(match &lower[..] {
        b"d" | b"digit" => CLASS_DIGIT,
        b"w" => CLASS_ALNUM | CLASS_UNDERSCORE,
        b"s" | b"space" => CLASS_SPACE,
        b"alnum" => CLASS_ALNUM,
        b"alpha" => CLASS_ALPHA,
        b"blank" => CLASS_BLANK,
        b"cntrl" => CLASS_CNTRL,
        b"graph" => CLASS_GRAPH,
        b"lower" => CLASS_LOWER,
        b"print" => CLASS_PRINT,
        b"punct" => CLASS_PUNCT,
        b"upper" => CLASS_UPPER,
        b"xdigit" => CLASS_XDIGIT,
        _ => return None,
    })
}

/// Whether byte `b` is in any of the classes of `mask`, in the "C" locale.
fn in_classes(mask: u16, b: u8) -> bool {
    let has = |bit: u16, cond: bool| mask & bit != 0 && cond;
    has(CLASS_UPPER, b.is_ascii_uppercase())
        || has(CLASS_LOWER, b.is_ascii_lowercase())
        || has(CLASS_DIGIT, b.is_ascii_digit())
        || has(CLASS_XDIGIT, b.is_ascii_hexdigit())
        || has(CLASS_SPACE, matches!(b, b' ' | b'\t'..=b'\r'))
        || has(CLASS_BLANK, b == b' ' || b == b'\t')
        || has(CLASS_CNTRL, b < 0x20 || b == 0x7f)
        || has(CLASS_PUNCT, b.is_ascii_punctuation())
        || has(CLASS_PRINT, (0x20..0x7f).contains(&b))
        || has(CLASS_GRAPH, (0x21..0x7f).contains(&b))
        || has(CLASS_UNDERSCORE, b == b'_')
}

/// Collating element names of libstdc++'s `regex_traits::lookup_collatename`, indexed by the
/// character they stand for.
#[rustfmt::skip]
const COLLATE_NAMES: [&str; 128] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab", "newline",
    "vertical-tab", "form-feed", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4",
    "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "IS4", "IS3", "IS2", "IS1", "space",
    "exclamation-mark", "quotation-mark", "number-sign", "dollar-sign", "percent-sign",
    "ampersand", "apostrophe", "left-parenthesis", "right-parenthesis", "asterisk", "plus-sign",
    "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "colon", "semicolon", "less-than-sign", "equals-sign",
    "greater-than-sign", "question-mark", "commercial-at", "A", "B", "C", "D", "E", "F", "G", "H",
    "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
    "left-square-bracket", "backslash", "right-square-bracket", "circumflex", "underscore",
    "grave-accent", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
    "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "left-curly-bracket", "vertical-line",
    "right-curly-bracket", "tilde", "DEL",
];

fn lookup_collate(name: &[u8]) -> Option<u8> {
    COLLATE_NAMES
        .iter()
        .position(|n| n.as_bytes() == name)
        .map(|i| i as u8)
}

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

type Fail = RegexErrorKind;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Ord(u8),
    Any,
    GroupOpen,
    GroupClose,
    BracketOpen,
    BracketOpenNeg,
    BracketClose,
    BracketDash,
    CharClass,
    CollSymbol,
    EquivClass,
    BraceOpen,
    BraceClose,
    Comma,
    Count,
    LineBegin,
    LineEnd,
    Star,
    Plus,
    Question,
    Or,
    Eof,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanState {
    Normal,
    Bracket,
    Brace,
}

/// Bytes that are special outside brackets in POSIX extended mode (and the only ones that may
/// be escaped).
fn is_special(c: u8) -> bool {
    matches!(
        c,
        b'.' | b'[' | b'\\' | b'(' | b')' | b'*' | b'+' | b'?' | b'{' | b'|' | b'^' | b'$'
    )
}

/// Tokenizer with one token of lookahead, like libstdc++'s `_Scanner`: the next token is
/// scanned (and may fail) as soon as the current one is consumed.
struct Scanner<'p> {
    pat: &'p [u8],
    pos: usize,
    state: ScanState,
    at_bracket_start: bool,
    tok: Tok,
    /// The class name or digits of the current token.
    val: Range<usize>,
}

impl<'p> Scanner<'p> {
    fn new(pat: &'p [u8]) -> Result<Self, Fail> {
        let mut s = Scanner {
            pat,
            pos: 0,
            state: ScanState::Normal,
            at_bracket_start: false,
            tok: Tok::Eof,
            val: 0..0,
        };
        s.advance()?;
        Ok(s)
    }

    /// Consumes the current token, returning the value it carried.
    fn bump(&mut self) -> Result<Range<usize>, Fail> {
        let v = self.val.clone();
        self.advance()?;
        Ok(v)
    }

    fn advance(&mut self) -> Result<(), Fail> {
        if self.pos == self.pat.len() {
            self.tok = Tok::Eof;
            return Ok(());
        }
        match self.state {
            ScanState::Normal => self.scan_normal(),
            ScanState::Bracket => self.scan_bracket(),
            ScanState::Brace => self.scan_brace(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.pat.get(self.pos).copied()
    }

    fn scan_normal(&mut self) -> Result<(), Fail> {
        let c = self.pat[self.pos];
        self.pos += 1;
        if c != 0 && !is_special(c) {
            self.tok = Tok::Ord(c);
            return Ok(());
        }
        self.tok = match c {
            b'\\' => {
                // Only special characters may be escaped; everything else (`\d`, `\1`, `\n`,
                // `\/`, ...) is an error.
                match self.peek() {
                    Some(e) if e != 0 && is_special(e) => {
                        self.pos += 1;
                        Tok::Ord(e)
                    }
                    _ => return Err(Fail::Invalid),
                }
            }
            b'(' => Tok::GroupOpen,
            b')' => Tok::GroupClose,
            b'[' => {
                self.state = ScanState::Bracket;
                self.at_bracket_start = true;
                if self.peek() == Some(b'^') {
                    self.pos += 1;
                    Tok::BracketOpenNeg
                } else {
                    Tok::BracketOpen
                }
            }
            b'{' => {
                self.state = ScanState::Brace;
                Tok::BraceOpen
            }
            b'^' => Tok::LineBegin,
            b'$' => Tok::LineEnd,
            b'.' => Tok::Any,
            b'*' => Tok::Star,
            b'+' => Tok::Plus,
            b'?' => Tok::Question,
            b'|' => Tok::Or,
            _ => return Err(Fail::Invalid), // NUL
        };
        Ok(())
    }

    fn scan_bracket(&mut self) -> Result<(), Fail> {
        let c = self.pat[self.pos];
        self.pos += 1;
        self.tok = match c {
            b'-' => Tok::BracketDash,
            b'[' => match self.peek() {
                None => return Err(Fail::Invalid),
                Some(d @ (b'.' | b':' | b'=')) => {
                    self.pos += 1;
                    self.eat_class(d)?;
                    match d {
                        b'.' => Tok::CollSymbol,
                        b':' => Tok::CharClass,
                        _ => Tok::EquivClass,
                    }
                }
                Some(_) => Tok::Ord(b'['),
            },
            b']' if !self.at_bracket_start => {
                self.state = ScanState::Normal;
                Tok::BracketClose
            }
            _ => Tok::Ord(c),
        };
        self.at_bracket_start = false;
        Ok(())
    }

    /// Reads `name` of `[:name:]` (or `.`/`=`), leaving the position after the final `]`.
    fn eat_class(&mut self, delim: u8) -> Result<(), Fail> {
        let start = self.pos;
        while self.pos < self.pat.len() && self.pat[self.pos] != delim {
            self.pos += 1;
        }
        let end = self.pos;
        if self.pos == self.pat.len() {
            return Err(Fail::Invalid);
        }
        self.pos += 1;
        if self.peek() != Some(b']') {
            return Err(Fail::Invalid);
        }
        self.pos += 1;
        self.val = start..end;
        Ok(())
    }

    fn scan_brace(&mut self) -> Result<(), Fail> {
        let c = self.pat[self.pos];
        self.pos += 1;
        self.tok = if c.is_ascii_digit() {
            let start = self.pos - 1;
            while self.peek().is_some_and(|d| d.is_ascii_digit()) {
                self.pos += 1;
            }
            self.val = start..self.pos;
            Tok::Count
        } else if c == b',' {
            Tok::Comma
        } else if c == b'}' {
            self.state = ScanState::Normal;
            Tok::BraceClose
        } else {
            return Err(Fail::Invalid);
        };
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Automaton construction (mirrors libstdc++'s `_Compiler`, including its state count)
// ---------------------------------------------------------------------------------------------

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    /// Try `alt` (the left branch), then `next`.
    Alt,
    /// Greedy loop: try `alt` (one more iteration); try `next` only if that found nothing.
    Repeat,
    GroupBegin(u32),
    GroupEnd(u32),
    LineBegin,
    LineEnd,
    Dummy,
    Match(u32),
    Accept,
}

#[derive(Clone, Copy, Debug)]
struct State {
    op: Op,
    next: u32,
    alt: u32,
}

#[derive(Clone, Copy)]
struct Seq {
    start: u32,
    end: u32,
}

impl Seq {
    fn one(id: u32) -> Seq {
        Seq { start: id, end: id }
    }
}

struct Builder {
    states: Vec<State>,
    sets: Vec<ByteSet>,
    /// Scratch for `clone_seq`: old state id -> (generation, new id).
    clone_map: Vec<(u32, u32)>,
    clone_gen: u32,
}

impl Builder {
    fn insert(&mut self, op: Op, next: u32, alt: u32) -> Result<u32, Fail> {
        self.states.push(State { op, next, alt });
        if self.states.len() > STATE_LIMIT {
            return Err(Fail::TooLarge);
        }
        Ok((self.states.len() - 1) as u32)
    }

    fn op(&mut self, op: Op) -> Result<u32, Fail> {
        self.insert(op, NONE, NONE)
    }

    fn append(&mut self, seq: &mut Seq, id: u32) {
        self.states[seq.end as usize].next = id;
        seq.end = id;
    }

    fn append_seq(&mut self, seq: &mut Seq, other: Seq) {
        self.states[seq.end as usize].next = other.start;
        seq.end = other.end;
    }

    fn has_alt(op: Op) -> bool {
        matches!(op, Op::Alt | Op::Repeat)
    }

    /// Copies every state reachable from `seq.start` (not following `next` out of `seq.end`),
    /// exactly like `_StateSeq::_M_clone`: a state is recorded when it is copied, so a state
    /// pushed twice before being copied is copied twice (which only matters for the state count).
    fn clone_seq(&mut self, seq: Seq) -> Result<Seq, Fail> {
        self.clone_gen += 1;
        let generation = self.clone_gen;
        if self.clone_map.len() < self.states.len() {
            self.clone_map.resize(self.states.len(), (0, 0));
        }
        let mut order = Vec::new();
        let mut stack = vec![seq.start];
        while let Some(u) = stack.pop() {
            let st = self.states[u as usize];
            let id = self.insert(st.op, st.next, st.alt)?;
            self.clone_map[u as usize] = (generation, id);
            order.push(id);
            let mapped = |map: &[(u32, u32)], x: u32| map[x as usize].0 == generation;
            if Self::has_alt(st.op) && st.alt != NONE && !mapped(&self.clone_map, st.alt) {
                stack.push(st.alt);
            }
            if u != seq.end && st.next != NONE && !mapped(&self.clone_map, st.next) {
                stack.push(st.next);
            }
        }
        let map = |b: &Builder, old: u32| -> u32 {
            match b.clone_map.get(old as usize) {
                Some(&(g, new)) if g == generation => new,
                _ => old,
            }
        };
        for id in order {
            let st = self.states[id as usize];
            let next = if st.next != NONE {
                map(self, st.next)
            } else {
                NONE
            };
            let alt = if Self::has_alt(st.op) && st.alt != NONE {
                map(self, st.alt)
            } else {
                st.alt
            };
            let s = &mut self.states[id as usize];
            s.next = next;
            s.alt = alt;
        }
        Ok(Seq {
            start: map(self, seq.start),
            end: map(self, seq.end),
        })
    }
}

/// A term being assembled: its states and its translation for the DFA.
struct Term {
    seq: Seq,
    text: Text,
}

/// A translation for the DFA, or `None` once it is too large or too deeply nested to be worth
/// building (the DFA pre-checks are then skipped; results do not depend on them).
struct Text(Option<(String, u32)>);

/// Nesting beyond this is refused by the DFA's parser anyway.
const TEXT_MAX_DEPTH: u32 = 200;
const TEXT_MAX_LEN: usize = 1 << 20;

impl Text {
    fn new(s: String) -> Text {
        Text(Some((s, 0)))
    }

    /// `(?:text)` followed by `suffix`.
    fn wrap(self, suffix: &str) -> Text {
        Text(self.0.and_then(|(s, depth)| {
            (depth < TEXT_MAX_DEPTH && s.len() < TEXT_MAX_LEN)
                .then(|| (format!("(?:{s}){suffix}"), depth + 1))
        }))
    }

    /// Appends `sep` and `other`.
    fn join(&mut self, sep: &str, other: Text) {
        self.0 = match (self.0.take(), other.0) {
            (Some((mut a, d1)), Some((b, d2))) if a.len() + b.len() < TEXT_MAX_LEN => {
                a.push_str(sep);
                a.push_str(&b);
                Some((a, d1.max(d2)))
            }
            _ => None,
        };
    }
}

/// A group (or the whole pattern) being parsed.
struct Frame {
    /// The group's opening state; `None` for the whole pattern.
    open: Option<(Seq, u32)>,
    /// The alternatives parsed so far, already joined.
    disj: Option<Term>,
    terms: Vec<Term>,
}

fn byte_text(out: &mut String, b: u8) {
    use std::fmt::Write;
    let _ = write!(out, "\\x{b:02X}");
}

fn set_text(set: &ByteSet) -> String {
    let mut out = String::from("[");
    let mut b = 0usize;
    let mut any = false;
    while b < 256 {
        if set.contains(b as u8) {
            let start = b;
            while b + 1 < 256 && set.contains((b + 1) as u8) {
                b += 1;
            }
            byte_text(&mut out, start as u8);
            if b > start {
                out.push('-');
                byte_text(&mut out, b as u8);
            }
            any = true;
        }
        b += 1;
    }
    if !any {
        return String::from("[^\\x00-\\xFF]");
    }
    out.push(']');
    out
}

/// `_M_cur_int_value(10)`: digits accumulated in a `long`, returned as an `int`.
fn count_value(digits: &[u8]) -> i64 {
    let mut v: i64 = 0;
    for d in digits {
        v = v.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
    }
    i64::from(v as i32)
}

fn parse_bracket(sc: &mut Scanner<'_>, negated: bool) -> Result<ByteSet, Fail> {
    #[derive(Clone, Copy)]
    enum Last {
        None,
        Char(u8),
        Class,
    }
    let mut chars = ByteSet::default();
    let mut ranges: Vec<(i8, i8)> = Vec::new();
    let mut classes = 0u16;
    let mut equiv: Vec<u8> = Vec::new();
    let mut last = Last::None;

    let push_char = |chars: &mut ByteSet, last: &mut Last, c: u8| {
        if let Last::Char(p) = *last {
            chars.insert(p);
        }
        *last = Last::Char(c);
    };
    let push_class = |chars: &mut ByteSet, last: &mut Last| {
        if let Last::Char(p) = *last {
            chars.insert(p);
        }
        *last = Last::Class;
    };
    // Ranges compare `char`s, which are signed.
    let make_range = |ranges: &mut Vec<(i8, i8)>, l: u8, r: u8| -> Result<(), Fail> {
        if (l as i8) > (r as i8) {
            return Err(Fail::Invalid);
        }
        ranges.push((l as i8, r as i8));
        Ok(())
    };

    if let Tok::Ord(c) = sc.tok {
        sc.bump()?;
        last = Last::Char(c);
    } else if sc.tok == Tok::BracketDash {
        sc.bump()?;
        last = Last::Char(b'-');
    }
    loop {
        match sc.tok {
            Tok::BracketClose => {
                sc.bump()?;
                break;
            }
            Tok::CollSymbol => {
                let v = sc.bump()?;
                let c = lookup_collate(&sc.pat[v]).ok_or(Fail::Invalid)?;
                chars.insert(c);
                push_char(&mut chars, &mut last, c);
            }
            Tok::EquivClass => {
                let v = sc.bump()?;
                push_class(&mut chars, &mut last);
                let c = lookup_collate(&sc.pat[v]).ok_or(Fail::Invalid)?;
                equiv.push(c.to_ascii_lowercase());
            }
            Tok::CharClass => {
                let v = sc.bump()?;
                push_class(&mut chars, &mut last);
                classes |= lookup_class(&sc.pat[v]).ok_or(Fail::Invalid)?;
            }
            Tok::Ord(c) => {
                sc.bump()?;
                push_char(&mut chars, &mut last, c);
            }
            Tok::BracketDash => {
                sc.bump()?;
                if sc.tok == Tok::BracketClose {
                    sc.bump()?;
                    push_char(&mut chars, &mut last, b'-');
                    break;
                }
                match last {
                    Last::Char(l) => {
                        if let Tok::Ord(r) = sc.tok {
                            sc.bump()?;
                            make_range(&mut ranges, l, r)?;
                        } else if sc.tok == Tok::BracketDash {
                            sc.bump()?;
                            make_range(&mut ranges, l, b'-')?;
                        } else {
                            return Err(Fail::Invalid);
                        }
                        last = Last::None;
                    }
                    Last::Class | Last::None => return Err(Fail::Invalid),
                }
            }
            _ => return Err(Fail::Invalid),
        }
    }
    if let Last::Char(c) = last {
        chars.insert(c);
    }
    let mut set = ByteSet::default();
    for b in 0..=255u8 {
        let sc = b as i8;
        let hit = chars.contains(b)
            || ranges.iter().any(|&(l, r)| l <= sc && sc <= r)
            || in_classes(classes, b)
            || equiv.contains(&b.to_ascii_lowercase());
        if hit != negated {
            set.insert(b);
        }
    }
    Ok(set)
}

/// Applies the quantifiers that follow an atom.
fn parse_quantifiers(sc: &mut Scanner<'_>, b: &mut Builder, mut t: Term) -> Result<Term, Fail> {
    loop {
        match sc.tok {
            Tok::Star => {
                sc.bump()?;
                let r = b.insert(Op::Repeat, NONE, t.seq.start)?;
                b.append(&mut t.seq, r);
                t.seq = Seq::one(r);
                t.text = t.text.wrap("*");
            }
            Tok::Plus => {
                sc.bump()?;
                let r = b.insert(Op::Repeat, NONE, t.seq.start)?;
                b.append(&mut t.seq, r);
                t.text = t.text.wrap("+");
            }
            Tok::Question => {
                sc.bump()?;
                let end = b.op(Op::Dummy)?;
                let r = b.insert(Op::Repeat, NONE, t.seq.start)?;
                b.append(&mut t.seq, end);
                b.states[r as usize].next = end;
                t.seq = Seq { start: r, end };
                t.text = t.text.wrap("?");
            }
            Tok::BraceOpen => {
                sc.bump()?;
                if sc.tok != Tok::Count {
                    return Err(Fail::Invalid);
                }
                let v = sc.bump()?;
                let body = t.seq;
                let mut e = Seq::one(b.op(Op::Dummy)?);
                let min_rep = count_value(&sc.pat[v]);
                let mut infinite = false;
                let mut extra: i64 = 0;
                if sc.tok == Tok::Comma {
                    sc.bump()?;
                    if sc.tok == Tok::Count {
                        let v = sc.bump()?;
                        extra = count_value(&sc.pat[v]) - min_rep;
                    } else {
                        infinite = true;
                    }
                }
                if sc.tok != Tok::BraceClose {
                    return Err(Fail::Invalid);
                }
                sc.bump()?;
                for _ in 0..min_rep.max(0) {
                    let c = b.clone_seq(body)?;
                    b.append_seq(&mut e, c);
                }
                let min = min_rep.max(0);
                if infinite {
                    let mut tmp = b.clone_seq(body)?;
                    let s = b.insert(Op::Repeat, NONE, tmp.start)?;
                    b.append(&mut tmp, s);
                    b.append(&mut e, s);
                    t.text = t.text.wrap(&format!("{{{min},}}"));
                } else {
                    if extra < 0 {
                        return Err(Fail::Invalid);
                    }
                    let end = b.op(Op::Dummy)?;
                    for _ in 0..extra {
                        let tmp = b.clone_seq(body)?;
                        // "One more" goes into the copy, "no more" jumps to the end.
                        let r = b.insert(Op::Repeat, end, tmp.start)?;
                        b.append_seq(
                            &mut e,
                            Seq {
                                start: r,
                                end: tmp.end,
                            },
                        );
                    }
                    b.append(&mut e, end);
                    t.text = t.text.wrap(&format!("{{{min},{}}}", min + extra));
                }
                t.seq = e;
            }
            _ => return Ok(t),
        }
    }
}

fn compile(pat: &[u8]) -> Result<(Prog, Option<String>), Fail> {
    let mut sc = Scanner::new(pat)?;
    let mut b = Builder {
        states: Vec::new(),
        sets: Vec::new(),
        clone_map: Vec::new(),
        clone_gen: 0,
    };
    let any_set = {
        let mut s = ByteSet::default();
        for c in 1..=255u8 {
            s.insert(c);
        }
        s
    };
    let root = b.op(Op::GroupBegin(0))?;
    let mut groups: u32 = 1;
    let mut frames = vec![Frame {
        open: None,
        disj: None,
        terms: Vec::new(),
    }];
    let translated;
    let body = loop {
        let atom = match sc.tok {
            Tok::LineBegin | Tok::LineEnd => {
                let begin = sc.tok == Tok::LineBegin;
                sc.bump()?;
                let id = b.op(if begin { Op::LineBegin } else { Op::LineEnd })?;
                let text = Text::new(String::from(if begin { "\\A" } else { "\\z" }));
                frames.last_mut().unwrap().terms.push(Term {
                    seq: Seq::one(id),
                    text,
                });
                continue;
            }
            Tok::Any => {
                sc.bump()?;
                let id = b.op(Op::Match(b.sets.len() as u32))?;
                b.sets.push(any_set);
                Term {
                    seq: Seq::one(id),
                    text: Text::new(String::from("[\\x01-\\xFF]")),
                }
            }
            Tok::Ord(c) => {
                sc.bump()?;
                let mut set = ByteSet::default();
                set.insert(c);
                let id = b.op(Op::Match(b.sets.len() as u32))?;
                b.sets.push(set);
                let mut text = String::new();
                byte_text(&mut text, c);
                Term {
                    seq: Seq::one(id),
                    text: Text::new(text),
                }
            }
            Tok::BracketOpen | Tok::BracketOpenNeg => {
                let negated = sc.tok == Tok::BracketOpenNeg;
                sc.bump()?;
                let set = parse_bracket(&mut sc, negated)?;
                let id = b.op(Op::Match(b.sets.len() as u32))?;
                b.sets.push(set);
                Term {
                    seq: Seq::one(id),
                    text: Text::new(set_text(&set)),
                }
            }
            Tok::GroupOpen => {
                sc.bump()?;
                let g = groups;
                groups += 1;
                let id = b.op(Op::GroupBegin(g))?;
                frames.push(Frame {
                    open: Some((Seq::one(id), g)),
                    disj: None,
                    terms: Vec::new(),
                });
                continue;
            }
            _ => {
                // Not the start of a term: this alternative is complete.
                let frame = frames.last_mut().unwrap();
                let tail = b.op(Op::Dummy)?;
                let mut alt = Seq::one(tail);
                let mut text = Text::new(String::new());
                for t in frame.terms.iter().rev() {
                    let mut s = t.seq;
                    b.append_seq(&mut s, alt);
                    alt = s;
                }
                for t in frame.terms.drain(..) {
                    text.join("", t.text);
                }
                let joined = match frame.disj.take() {
                    Some(mut prev) => {
                        let end = b.op(Op::Dummy)?;
                        let mut left = prev.seq;
                        b.append(&mut left, end);
                        b.append(&mut alt, end);
                        let a = b.insert(Op::Alt, alt.start, prev.seq.start)?;
                        prev.text.join("|", text);
                        Term {
                            seq: Seq { start: a, end },
                            text: prev.text,
                        }
                    }
                    None => Term { seq: alt, text },
                };
                frame.disj = Some(joined);
                if sc.tok == Tok::Or {
                    sc.bump()?;
                    continue;
                }
                let frame = frames.pop().unwrap();
                let disj = frame.disj.unwrap();
                match frame.open {
                    None => {
                        if sc.tok != Tok::Eof {
                            return Err(Fail::Invalid);
                        }
                        translated = disj.text.0.map(|(t, _)| t);
                        break disj.seq;
                    }
                    Some((mut open, g)) => {
                        if sc.tok != Tok::GroupClose {
                            return Err(Fail::Invalid);
                        }
                        sc.bump()?;
                        b.append_seq(&mut open, disj.seq);
                        let close = b.op(Op::GroupEnd(g))?;
                        b.append(&mut open, close);
                        Term {
                            seq: open,
                            text: disj.text.wrap(""),
                        }
                    }
                }
            }
        };
        let term = parse_quantifiers(&mut sc, &mut b, atom)?;
        frames.last_mut().unwrap().terms.push(term);
    };
    let mut whole = Seq::one(root);
    b.append_seq(&mut whole, body);
    let close = b.op(Op::GroupEnd(0))?;
    b.append(&mut whole, close);
    let accept = b.op(Op::Accept)?;
    b.append(&mut whole, accept);
    let prog = Prog::new(b.states, b.sets, (groups - 1) as usize);
    Ok((prog, translated))
}

// ---------------------------------------------------------------------------------------------
// Program
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Node {
    Byte {
        set: u32,
        next: u32,
    },
    Alt {
        alt: u32,
        next: u32,
    },
    Repeat {
        alt: u32,
        next: u32,
    },
    /// A `Repeat` whose body is the single byte test `alt` (which leads back here), and which is
    /// not on a cycle of non-consuming edges: `[^/]*`, `.+`.
    Star {
        set: u32,
        alt: u32,
        next: u32,
    },
    Begin {
        group: u32,
        next: u32,
    },
    End {
        group: u32,
        next: u32,
    },
    LineBegin {
        next: u32,
    },
    LineEnd {
        next: u32,
    },
    Accept,
    Unused,
}

struct Prog {
    /// Node 0 is the start.
    nodes: Vec<Node>,
    sets: Vec<ByteSet>,
    groups: usize,
    /// Repeat nodes that lie on a cycle of non-consuming edges (a loop whose body can match the
    /// empty string): only their iteration counters can change what a search finds.
    cyclic: Vec<bool>,
    /// Strongly connected component of each node in the graph of non-consuming edges: from a
    /// node, a loop can be re-entered without consuming input only if it is in the same one.
    scc: Vec<u32>,
    /// Per component: the bytes that paths from its nodes can consume first, and whether the
    /// end of the pattern is reachable from them without consuming input (assertions assumed
    /// to hold). A node whose paths must consume a byte outside its set cannot match here.
    first: Vec<ByteSet>,
    nullable: Vec<bool>,
    /// When a match cannot be empty: finds the next byte that can start one.
    start_skip: Option<StartSkip>,
}

/// Finds the next position whose byte is in a set.
enum StartSkip {
    /// One to three bytes: `memchr` through `regex-automata`'s prefilter.
    Few(Prefilter),
    Table(Box<[bool; 256]>),
}

impl StartSkip {
    fn new(set: &ByteSet) -> StartSkip {
        let bytes: Vec<[u8; 1]> = (0..=255u8)
            .filter(|&b| set.contains(b))
            .map(|b| [b])
            .collect();
        if (1..=3).contains(&bytes.len()) {
            if let Some(pre) = Prefilter::new(MatchKind::LeftmostFirst, &bytes) {
                return StartSkip::Few(pre);
            }
        }
        let mut table = Box::new([false; 256]);
        for [b] in bytes {
            table[b as usize] = true;
        }
        StartSkip::Table(table)
    }

    /// The first position at or after `from` whose byte is in the set.
    fn next(&self, hay: &[u8], from: usize) -> Option<usize> {
        match self {
            StartSkip::Few(pre) => pre.find(hay, Span::from(from..hay.len())).map(|m| m.start),
            StartSkip::Table(t) => hay[from..]
                .iter()
                .position(|&b| t[b as usize])
                .map(|i| from + i),
        }
    }
}

impl Prog {
    fn new(mut states: Vec<State>, sets: Vec<ByteSet>, groups: usize) -> Prog {
        // Skip dummy states, as `_M_eliminate_dummy` does.
        let skip = |states: &[State], mut id: u32| {
            let mut guard = states.len();
            while id != NONE && states[id as usize].op == Op::Dummy && guard > 0 {
                id = states[id as usize].next;
                guard -= 1;
            }
            id
        };
        for i in 0..states.len() {
            let next = skip(&states, states[i].next);
            states[i].next = next;
            if Builder::has_alt(states[i].op) {
                let alt = skip(&states, states[i].alt);
                states[i].alt = alt;
            }
        }
        // Links that lead nowhere (only in unreachable copies left by `{m,n}`) go to a dead
        // node at the end, so that no index is ever out of range.
        let dead = states.len() as u32;
        for s in states.iter_mut() {
            if s.next == NONE {
                s.next = dead;
            }
            if s.alt == NONE {
                s.alt = dead;
            }
        }
        let mut nodes: Vec<Node> = states
            .iter()
            .map(|s| match s.op {
                Op::Alt => Node::Alt {
                    alt: s.alt,
                    next: s.next,
                },
                Op::Repeat => Node::Repeat {
                    alt: s.alt,
                    next: s.next,
                },
                Op::GroupBegin(g) => Node::Begin {
                    group: g,
                    next: s.next,
                },
                Op::GroupEnd(g) => Node::End {
                    group: g,
                    next: s.next,
                },
                Op::LineBegin => Node::LineBegin { next: s.next },
                Op::LineEnd => Node::LineEnd { next: s.next },
                Op::Match(set) => Node::Byte { set, next: s.next },
                Op::Accept => Node::Accept,
                Op::Dummy => Node::Unused,
            })
            .collect();
        nodes.push(Node::Unused);
        let Analysis {
            cyclic,
            scc,
            first,
            nullable,
        } = analyze(&nodes, &sets);
        for i in 0..nodes.len() {
            if let Node::Repeat { alt, next } = nodes[i] {
                if let Node::Byte { set, next: back } = nodes[alt as usize] {
                    if back as usize == i && !cyclic[i] {
                        nodes[i] = Node::Star { set, alt, next };
                    }
                }
            }
        }
        let start = scc[0] as usize;
        let start_skip = (!nullable[start]).then(|| StartSkip::new(&first[start]));
        Prog {
            nodes,
            sets,
            groups,
            cyclic,
            scc,
            first,
            nullable,
            start_skip,
        }
    }
}

struct Analysis {
    cyclic: Vec<bool>,
    scc: Vec<u32>,
    first: Vec<ByteSet>,
    nullable: Vec<bool>,
}

/// Finds the strongly connected components of the graph of non-consuming edges (Tarjan's
/// algorithm, iterative), marks the repeat nodes that lie on a cycle, and computes each
/// component's first bytes and nullability (components complete in reverse topological order,
/// so their successors are already known).
fn analyze(nodes: &[Node], sets: &[ByteSet]) -> Analysis {
    let n = nodes.len();
    let succ = |i: usize| -> [u32; 2] {
        match nodes[i] {
            Node::Alt { alt, next } | Node::Repeat { alt, next } | Node::Star { alt, next, .. } => {
                [alt, next]
            }
            Node::Begin { next, .. }
            | Node::End { next, .. }
            | Node::LineBegin { next }
            | Node::LineEnd { next } => [next, NONE],
            Node::Byte { .. } | Node::Accept | Node::Unused => [NONE, NONE],
        }
    };
    const UNVISITED: u32 = u32::MAX;
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut cyclic = vec![false; n];
    let mut component = vec![u32::MAX; n];
    let mut components = 0u32;
    let mut first: Vec<ByteSet> = Vec::new();
    let mut nullable: Vec<bool> = Vec::new();
    let mut counter = 0u32;
    // (node, next successor slot)
    let mut call: Vec<(u32, u8)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        call.push((root as u32, 0));
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut slot)) = call.last_mut() {
            let vi = v as usize;
            if (*slot as usize) < 2 {
                let w = succ(vi)[*slot as usize];
                *slot += 1;
                if w == NONE {
                    continue;
                }
                let wi = w as usize;
                if index[wi] == UNVISITED {
                    index[wi] = counter;
                    low[wi] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[wi] = true;
                    call.push((w, 0));
                } else if on_stack[wi] {
                    low[vi] = low[vi].min(index[wi]);
                }
                continue;
            }
            call.pop();
            if let Some(&(p, _)) = call.last() {
                let pi = p as usize;
                low[pi] = low[pi].min(low[vi]);
            }
            if low[vi] == index[vi] {
                let mut members = Vec::new();
                loop {
                    let w = stack.pop().unwrap();
                    on_stack[w as usize] = false;
                    component[w as usize] = components;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                let mut set = ByteSet::default();
                let mut null = false;
                for &m in &members {
                    match nodes[m as usize] {
                        Node::Byte { set: b, .. } => set.union(&sets[b as usize]),
                        Node::Accept => null = true,
                        _ => {}
                    }
                    for w in succ(m as usize) {
                        if w == NONE {
                            continue;
                        }
                        let c = component[w as usize];
                        if c != components {
                            set.union(&first[c as usize]);
                            null |= nullable[c as usize];
                        }
                    }
                }
                first.push(set);
                nullable.push(null);
                components += 1;
                let self_loop = succ(vi).contains(&v);
                if members.len() > 1 || self_loop {
                    for m in members {
                        if matches!(nodes[m as usize], Node::Repeat { .. }) {
                            cyclic[m as usize] = true;
                        }
                    }
                }
            }
        }
    }
    Analysis {
        cyclic,
        scc: component,
        first,
        nullable,
    }
}

// ---------------------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------------------

/// A successful match attempt.
struct Found {
    start: usize,
    end: usize,
    groups: Vec<Option<Range<usize>>>,
}

#[derive(Clone, Copy, Default)]
struct Cap {
    first: usize,
    second: usize,
    matched: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// An alternative whose left branch is being explored.
    AltLeft,
    /// An alternative whose right branch is being explored; `acc` holds the left's result.
    AltRight,
    /// A loop exploring one more iteration; `saved_*` is the counter to restore.
    RepeatMore,
    /// A loop that is not on a cycle of non-consuming edges (its counter never matters)
    /// exploring one more iteration.
    LoopMore,
    /// A loop exploring its exit.
    RepeatExit,
    /// A single-byte loop exploring its exit at `acc` (it tries `acc`, `acc - 1`, ..., `pos`).
    StarExit,
}

const NO_VALUE: usize = usize::MAX;
const NO_KEY: u64 = u64::MAX;

/// A branching node whose branches are being explored.
struct Pending {
    pos: usize,
    acc: usize,
    saved_pos: usize,
    /// Memo key (position and node), or `NO_KEY`.
    key: u64,
    node: u32,
    undo_len: u32,
    phase: Phase,
    saved_count: u8,
    /// Whether the key also has loop counters (on `Exec::key_counters`).
    counters: bool,
}

#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K> = HashMap<K, usize, BuildHasherDefault<FastHasher>>;

/// A memo key before it is stored: position and node, and the relevant loop counters.
type MemoKeyParts = (u64, Option<Box<[u32]>>);

/// Where the best result so far came from a memoised value: the walk must start there.
struct Resume {
    node: u32,
    pos: usize,
    counters: Option<Box<[u32]>>,
}

/// The buffers of an `Exec`, kept per thread between searches so that short searches do not
/// allocate.
#[derive(Default)]
struct Scratch {
    rep: Vec<(usize, u8)>,
    cyc: Vec<(usize, u32, u8)>,
    caps: Vec<Cap>,
    undo: Vec<(u32, Cap)>,
    pending: Vec<Pending>,
    key_counters: Vec<Box<[u32]>>,
    best_caps: Vec<Cap>,
}

thread_local! {
    static SCRATCH: Cell<Option<Scratch>> = const { Cell::new(None) };
}

/// Buffers larger than this many elements are freed rather than kept.
const SCRATCH_KEEP: usize = 1 << 12;

fn keep<T>(v: &mut Vec<T>) -> Vec<T> {
    if v.capacity() > SCRATCH_KEEP {
        Vec::new()
    } else {
        std::mem::take(v)
    }
}

impl Drop for Exec<'_> {
    fn drop(&mut self) {
        let sc = Scratch {
            rep: keep(&mut self.rep),
            cyc: keep(&mut self.cyc),
            caps: keep(&mut self.caps),
            undo: keep(&mut self.undo),
            pending: keep(&mut self.pending),
            key_counters: keep(&mut self.key_counters),
            best_caps: keep(&mut self.best_caps),
        };
        let _ = SCRATCH.try_with(|c| c.set(Some(sc)));
    }
}

/// The depth-first search of libstdc++'s executor, with an explicit stack and a memo.
///
/// From a node reached at a position, the search explores a fixed part of the possible paths;
/// `M(node, pos)` is the furthest accepting position among them (`None` if there is none), and
/// the first accepting path with the overall furthest position gives the groups. `M` depends on
/// the node, the position, and the iteration counters of the loops that can iterate without
/// consuming input and can be reached from the node, when they are active at that position, so
/// that is the memo key. (Other counters never matter: a loop can only be re-entered at the
/// position where its counter was set through a cycle of non-consuming edges.) The memo is only
/// switched on once the search has done more work than a few linear scans of the input with the
/// whole automaton, so ordinary searches pay nothing for it.
///
/// Two shortcuts keep ordinary searches cheap without changing what they find: a branch whose
/// paths must consume a byte other than the next one is not explored (it has no accepting path
/// and no effect on the groups), and a greedy loop over a single byte set scans its whole run
/// and then tries its exits from the end backwards, which is the order the search would take.
struct Exec<'a> {
    prog: &'a Prog,
    hay: &'a [u8],
    exact: bool,
    /// Per node: (position, count) of the loop iteration counter, as in libstdc++.
    rep: Vec<(usize, u8)>,
    /// The active counters of cyclic loops, in path order: (position, node, count).
    cyc: Vec<(usize, u32, u8)>,
    caps: Vec<Cap>,
    undo: Vec<(u32, Cap)>,
    pending: Vec<Pending>,
    key_counters: Vec<Box<[u32]>>,
    memo: FastMap<u64>,
    memo_counters: FastMap<(u64, Box<[u32]>)>,
    memo_on: bool,
    steps: u64,
    budget: u64,
    /// Steps spent in failed attempts, and how many make `search` consult the DFA.
    wasted: u64,
    dfa_after: u64,
    // Per attempt:
    start: usize,
    not_null: bool,
    track: bool,
    best: Option<usize>,
    best_caps: Vec<Cap>,
    best_resume: Option<Resume>,
}

impl<'a> Exec<'a> {
    fn new(prog: &'a Prog, hay: &'a [u8], exact: bool, memo_budget: Option<u64>) -> Exec<'a> {
        let size = (hay.len() as u64 + 1).saturating_mul(prog.nodes.len() as u64);
        let budget = memo_budget.unwrap_or_else(|| size.saturating_mul(4).saturating_add(256));
        let mut sc = SCRATCH
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_default();
        sc.rep.clear();
        sc.rep.resize(prog.nodes.len(), (usize::MAX, 0));
        sc.caps.clear();
        sc.caps.resize(prog.groups + 1, Cap::default());
        sc.cyc.clear();
        sc.undo.clear();
        sc.pending.clear();
        sc.key_counters.clear();
        Exec {
            prog,
            hay,
            exact,
            rep: sc.rep,
            cyc: sc.cyc,
            caps: sc.caps,
            undo: sc.undo,
            pending: sc.pending,
            key_counters: sc.key_counters,
            memo: FastMap::default(),
            memo_counters: FastMap::default(),
            memo_on: false,
            steps: 0,
            budget,
            wasted: 0,
            dfa_after: u64::MAX,
            start: 0,
            not_null: false,
            track: false,
            best: None,
            best_caps: sc.best_caps,
            best_resume: None,
        }
    }

    /// `regex_search` from `from`: attempts at `from`, `from + 1`, ..., the end of the input,
    /// skipping positions whose byte cannot start a match. Once failed attempts have wasted
    /// enough work, the DFA (if any) skips to the next position where a match can start.
    fn search(&mut self, from: usize, re: Option<&Regex>) -> Option<Found> {
        let hay = self.hay;
        let mut p = from;
        let mut failed = false;
        while p <= hay.len() {
            if let Some(skip) = &self.prog.start_skip {
                // A match needs at least one byte, and it must be one of a few.
                p = skip.next(hay, p)?;
            }
            if failed && self.wasted >= self.dfa_after {
                if let Some(dfa) = re.and_then(Regex::search_dfa) {
                    p = dfa.search(&Input::new(hay).range(p..))?.start();
                }
            }
            let before = self.steps;
            if let Some(m) = self.attempt(p, false) {
                return Some(m);
            }
            self.wasted += self.steps - before;
            failed = true;
            p += 1;
        }
        None
    }

    /// One search attempt starting exactly at `start`; with `not_null`, an empty match does not
    /// count.
    fn attempt(&mut self, start: usize, not_null: bool) -> Option<Found> {
        self.start = start;
        self.not_null = not_null;
        self.best = None;
        self.best_resume = None;
        for c in self.caps.iter_mut() {
            *c = Cap::default();
        }
        self.undo.clear();
        self.track = true;
        self.run(0, start);
        self.track = false;
        let end = self.best?;
        let mut caps = std::mem::take(&mut self.best_caps);
        if let Some(resume) = self.best_resume.take() {
            self.walk(resume, end, &mut caps);
        }
        let groups = caps[1..]
            .iter()
            .map(|c| c.matched.then_some(c.first..c.second))
            .collect();
        self.best_caps = caps;
        Some(Found { start, end, groups })
    }

    #[inline]
    fn accepts(&self, pos: usize) -> bool {
        if self.exact {
            pos == self.hay.len()
        } else {
            !(self.not_null && pos == self.start)
        }
    }

    /// The counters active at `pos` of the cyclic loops that `node` can reach without consuming
    /// input, canonically ordered; `None` if there are none.
    fn active_counters(&self, node: u32, pos: usize) -> Option<Box<[u32]>> {
        let scc = &self.prog.scc;
        let component = scc[node as usize];
        let relevant = |e: &&(usize, u32, u8)| scc[e.1 as usize] == component;
        let active = self.cyc.iter().rev().take_while(|e| e.0 == pos);
        if !active.clone().any(|e| relevant(&e)) {
            return None;
        }
        let mut v: Vec<u32> = active
            .filter(relevant)
            .map(|&(_, n, c)| n << 2 | u32::from(c))
            .collect();
        v.sort_unstable();
        // A loop re-entered at the same position appears twice; its current count is the
        // larger one.
        v.reverse();
        v.dedup_by_key(|x| *x >> 2);
        v.reverse();
        Some(v.into_boxed_slice())
    }

    /// The memo key of `node` at `pos`: its value is `M(node, pos)` encoded with `NO_VALUE`.
    fn memo_key(&self, node: u32, pos: usize) -> (u64, Option<Box<[u32]>>) {
        // Where an empty match does not count, accepting differs: use separate keys.
        let not_null = u64::from(self.not_null && pos == self.start);
        let at = ((pos as u64) << 21) | (not_null << 20) | u64::from(node);
        (at, self.active_counters(node, pos))
    }

    fn memo_get(&self, at: u64, counters: &Option<Box<[u32]>>) -> Option<usize> {
        match counters {
            None => self.memo.get(&at).copied(),
            Some(c) => self.memo_counters.get(&(at, c.clone())).copied(),
        }
    }

    fn note_accept(&mut self, pos: usize) {
        if self.track && self.best.is_none_or(|b| pos > b) {
            self.best = Some(pos);
            self.best_caps.clone_from(&self.caps);
            self.best_resume = None;
        }
    }

    fn note_memo_hit(&mut self, value: usize, node: u32, pos: usize, c: Option<Box<[u32]>>) {
        if self.track && value != NO_VALUE && self.best.is_none_or(|b| value > b) {
            self.best = Some(value);
            self.best_caps.clone_from(&self.caps);
            self.best_resume = Some(Resume {
                node,
                pos,
                counters: c,
            });
        }
    }

    /// Looks `node` up in the memo. Returns the memoised value, or the key to store the value
    /// under once computed (`None` when the memo is off).
    fn memo_lookup(&mut self, node: u32, pos: usize) -> Result<usize, Option<MemoKeyParts>> {
        if !self.memo_on {
            return Err(None);
        }
        let (at, counters) = self.memo_key(node, pos);
        match self.memo_get(at, &counters) {
            Some(v) => {
                self.note_memo_hit(v, node, pos, counters);
                Ok(v)
            }
            None => Err(Some((at, counters))),
        }
    }

    fn push(&mut self, node: u32, pos: usize, phase: Phase, key: Option<MemoKeyParts>) {
        let (key, counters) = match key {
            None => (NO_KEY, false),
            Some((at, None)) => (at, false),
            Some((at, Some(c))) => {
                self.key_counters.push(c);
                (at, true)
            }
        };
        self.pending.push(Pending {
            pos,
            acc: NO_VALUE,
            saved_pos: 0,
            key,
            node,
            undo_len: self.undo.len() as u32,
            phase,
            saved_count: 0,
            counters,
        });
    }

    /// Whether some path from `node` at `pos` might accept: either it can accept without
    /// consuming input here, or the byte at `pos` is one it can consume first.
    #[inline]
    fn live(&self, node: u32, pos: usize) -> bool {
        let c = self.prog.scc[node as usize] as usize;
        match self.hay.get(pos) {
            Some(&b) if self.prog.first[c].contains(b) => true,
            _ => self.prog.nullable[c] && self.accepts(pos),
        }
    }

    /// The furthest position in `lo..=hi` (trying `hi` first) from which `node` is live.
    #[inline]
    fn last_live(&self, node: u32, lo: usize, hi: usize) -> Option<usize> {
        let mut p = hi;
        loop {
            if self.live(node, p) {
                return Some(p);
            }
            if p == lo {
                return None;
            }
            p -= 1;
        }
    }

    /// Explores from `node` at `pos` and returns `M(node, pos)` (`NO_VALUE` for none). When
    /// tracking, also records the best accepting path.
    fn run(&mut self, node: u32, pos: usize) -> usize {
        let prog = self.prog;
        let nodes = &prog.nodes[..];
        let sets = &prog.sets[..];
        let hay = self.hay;
        let track = self.track;
        let base = self.pending.len();
        let mut steps = self.steps;
        let mut node = node;
        let mut pos = pos;
        'descend: loop {
            let mut result: usize = loop {
                steps += 1;
                match nodes[node as usize] {
                    Node::Byte { set, next } => match hay.get(pos) {
                        Some(&b) if sets[set as usize].contains(b) => {
                            pos += 1;
                            node = next;
                        }
                        _ => break NO_VALUE,
                    },
                    Node::Begin { group, next } => {
                        if track && group != 0 {
                            // Only a pending branch ever restores a group.
                            if !self.pending.is_empty() {
                                self.undo.push((group, self.caps[group as usize]));
                            }
                            self.caps[group as usize].first = pos;
                        }
                        node = next;
                    }
                    Node::End { group, next } => {
                        if track && group != 0 {
                            if !self.pending.is_empty() {
                                self.undo.push((group, self.caps[group as usize]));
                            }
                            let c = &mut self.caps[group as usize];
                            c.second = pos;
                            c.matched = true;
                        }
                        node = next;
                    }
                    Node::LineBegin { next } => {
                        if pos != 0 {
                            break NO_VALUE;
                        }
                        node = next;
                    }
                    Node::LineEnd { next } => {
                        if pos != hay.len() {
                            break NO_VALUE;
                        }
                        node = next;
                    }
                    Node::Accept => {
                        if self.accepts(pos) {
                            self.note_accept(pos);
                            break pos;
                        }
                        break NO_VALUE;
                    }
                    Node::Alt { alt, next } => {
                        // A branch that cannot match here is not worth a pending node.
                        match (self.live(alt, pos), self.live(next, pos)) {
                            (false, false) => break NO_VALUE,
                            (true, false) => {
                                node = alt;
                                continue;
                            }
                            (false, true) => {
                                node = next;
                                continue;
                            }
                            (true, true) => {}
                        }
                        let key = match self.memo_lookup(node, pos) {
                            Ok(v) => break v,
                            Err(key) => key,
                        };
                        self.push(node, pos, Phase::AltLeft, key);
                        node = alt;
                    }
                    Node::Star { set, next, .. } if !self.memo_on => {
                        // The same exploration as a `Repeat` over one byte: take the longest
                        // run, then try the exits from the end of the run backwards.
                        let set = &sets[set as usize];
                        let end = pos + hay[pos..].iter().take_while(|&&b| set.contains(b)).count();
                        steps += (end - pos) as u64;
                        let Some(exit) = self.last_live(next, pos, end) else {
                            break NO_VALUE;
                        };
                        if exit > pos {
                            self.push(node, pos, Phase::StarExit, None);
                            self.pending.last_mut().unwrap().acc = exit;
                        }
                        pos = exit;
                        node = next;
                    }
                    Node::Repeat { alt, next } | Node::Star { alt, next, .. } => {
                        let more = self.live(alt, pos);
                        let exit = self.live(next, pos);
                        if !more {
                            // Entering the loop would find nothing (and leave the counter as
                            // it was), so this is the exit.
                            if !exit {
                                break NO_VALUE;
                            }
                            node = next;
                            continue;
                        }
                        if !prog.cyclic[node as usize] {
                            // The counter of this loop can never stop an iteration.
                            if !exit {
                                node = alt;
                                continue;
                            }
                            let key = match self.memo_lookup(node, pos) {
                                Ok(v) => break v,
                                Err(key) => key,
                            };
                            self.push(node, pos, Phase::LoopMore, key);
                            node = alt;
                            continue;
                        }
                        let key = match self.memo_lookup(node, pos) {
                            Ok(v) => break v,
                            Err(key) => key,
                        };
                        let saved = self.rep[node as usize];
                        if !self.enter_loop(node, pos) {
                            self.push(node, pos, Phase::RepeatExit, key);
                            node = next;
                            continue;
                        }
                        self.push(node, pos, Phase::RepeatMore, key);
                        let f = self.pending.last_mut().unwrap();
                        f.saved_pos = saved.0;
                        f.saved_count = saved.1;
                        node = alt;
                    }
                    Node::Unused => break NO_VALUE,
                }
            };
            if !self.memo_on && steps > self.budget {
                self.memo_on = true;
            }
            // Return `result` to the pending nodes until one has another branch to explore.
            while self.pending.len() > base {
                let f = self.pending.last_mut().unwrap();
                let undo_len = f.undo_len as usize;
                if self.undo.len() > undo_len {
                    for (g, old) in self.undo.drain(undo_len..).rev() {
                        self.caps[g as usize] = old;
                    }
                }
                let f = self.pending.last_mut().unwrap();
                match f.phase {
                    Phase::AltLeft => {
                        f.acc = result;
                        f.phase = Phase::AltRight;
                        pos = f.pos;
                        node = match nodes[f.node as usize] {
                            Node::Alt { next, .. } => next,
                            _ => unreachable!(),
                        };
                        continue 'descend;
                    }
                    Phase::AltRight => {
                        // The furthest of both (`NO_VALUE` is the largest number).
                        result = match (result, f.acc) {
                            (NO_VALUE, a) | (a, NO_VALUE) => a,
                            (a, b) => a.max(b),
                        };
                    }
                    Phase::RepeatMore => {
                        let (n, saved) = (f.node, (f.saved_pos, f.saved_count));
                        if result == NO_VALUE {
                            f.phase = Phase::RepeatExit;
                            pos = f.pos;
                            node = match nodes[n as usize] {
                                Node::Repeat { next, .. } | Node::Star { next, .. } => next,
                                _ => unreachable!(),
                            };
                            self.leave_loop(n, saved);
                            continue 'descend;
                        }
                        self.leave_loop(n, saved);
                    }
                    Phase::LoopMore => {
                        if result == NO_VALUE {
                            f.phase = Phase::RepeatExit;
                            pos = f.pos;
                            node = match nodes[f.node as usize] {
                                Node::Repeat { next, .. } | Node::Star { next, .. } => next,
                                _ => unreachable!(),
                            };
                            continue 'descend;
                        }
                    }
                    Phase::RepeatExit => {}
                    Phase::StarExit => {
                        if result == NO_VALUE && f.acc > f.pos {
                            let (lo, hi, n) = (f.pos, f.acc - 1, f.node);
                            let next = match nodes[n as usize] {
                                Node::Star { next, .. } => next,
                                _ => unreachable!(),
                            };
                            if let Some(exit) = self.last_live(next, lo, hi) {
                                self.pending.last_mut().unwrap().acc = exit;
                                pos = exit;
                                node = next;
                                continue 'descend;
                            }
                        }
                    }
                }
                let f = self.pending.pop().unwrap();
                if f.key != NO_KEY {
                    if f.counters {
                        let c = self.key_counters.pop().unwrap();
                        self.memo_counters.insert((f.key, c), result);
                    } else {
                        self.memo.insert(f.key, result);
                    }
                }
            }
            self.steps = steps;
            return result;
        }
    }

    /// libstdc++'s `_M_rep_once_more` counter: a loop may be entered at most twice in a row at
    /// the same position. Returns whether the iteration may be explored.
    fn enter_loop(&mut self, node: u32, pos: usize) -> bool {
        let r = &mut self.rep[node as usize];
        if r.1 == 0 || r.0 != pos {
            *r = (pos, 1);
        } else if r.1 < 2 {
            r.1 += 1;
        } else {
            return false;
        }
        let count = r.1;
        if self.prog.cyclic[node as usize] {
            self.cyc.push((pos, node, count));
        }
        true
    }

    fn leave_loop(&mut self, node: u32, saved: (usize, u8)) {
        self.rep[node as usize] = saved;
        if self.prog.cyclic[node as usize] {
            self.cyc.pop();
        }
    }

    /// Follows the first path from a memoised node that reaches `target`, updating `caps`.
    fn walk(&mut self, resume: Resume, target: usize, caps: &mut [Cap]) {
        let prog = self.prog;
        let Resume {
            mut node,
            mut pos,
            counters,
        } = resume;
        let mut touched: Vec<u32> = Vec::new();
        // Recreate the loop counters that were active where the value was memoised.
        for &e in counters.iter().flat_map(|c| c.iter()) {
            let (n, count) = (e >> 2, (e & 3) as u8);
            self.rep[n as usize] = (pos, count);
            self.cyc.push((pos, n, count));
            touched.push(n);
        }
        loop {
            match prog.nodes[node as usize] {
                Node::Byte { next, .. } => {
                    pos += 1;
                    node = next;
                }
                Node::Begin { group, next } => {
                    caps[group as usize].first = pos;
                    node = next;
                }
                Node::End { group, next } => {
                    let c = &mut caps[group as usize];
                    c.second = pos;
                    c.matched = true;
                    node = next;
                }
                Node::LineBegin { next } | Node::LineEnd { next } => node = next,
                Node::Alt { alt, next } => {
                    node = if self.run(alt, pos) == target {
                        alt
                    } else {
                        next
                    };
                }
                Node::Repeat { alt, next } | Node::Star { alt, next, .. } => {
                    let saved = self.rep[node as usize];
                    if self.enter_loop(node, pos) {
                        if self.run(alt, pos) != NO_VALUE {
                            touched.push(node);
                            node = alt;
                            continue;
                        }
                        self.leave_loop(node, saved);
                    }
                    node = next;
                }
                Node::Accept | Node::Unused => break,
            }
        }
        // Reset the loop counters for later attempts.
        for n in touched {
            self.rep[n as usize] = (usize::MAX, 0);
        }
        self.cyc.clear();
    }
}

#[cfg(test)]
mod tests;
