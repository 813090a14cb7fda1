//! The lexer: Nix source bytes → tokens with byte spans, following the rules (and the
//! longest-match choices) of CppNix's flex lexer.
//!
//! It keeps a stack of modes as the reference does: ordinary code, `"..."` strings, `''...''`
//! strings, and the inside of a path literal (where `${` interpolates and a trailing slash is an
//! error). `{` and `${` open a code mode that the matching `}` closes, so the lexer needs no help
//! from the parser and tokens can be looked at ahead of time.
//!
//! It deliberately does not unescape strings, strip indentation or convert numbers: literal
//! tokens are spans of the source, and lowering gives them meaning (so the rules live in one
//! place, `eval::lower`). Lone carriage returns are expected to have been turned into line feeds
//! already (`syntax::normalise_line_ends`).

/// What a token is. Literal tokens (numbers, paths, string parts) are spans of the source.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tok {
    Ident,
    Int,
    Float,
    Uri,
    /// The first segment of a path literal (`./a/b`, `/x`, `~/y`, `a/`): the path's other parts
    /// and its [`Tok::PathEnd`] follow.
    Path,
    /// `<name>`.
    SearchPath,
    /// Literal text inside a path, after an interpolation.
    PathPart,
    /// The (empty) end of a path literal.
    PathEnd,
    /// `"`, text, and the closing `"`.
    StrOpen,
    StrPart,
    StrClose,
    /// `''`, text (raw, escapes included), and the closing `''`.
    IndOpen,
    IndPart,
    IndClose,
    /// `${` (inside strings, paths and attribute names alike).
    Interp,
    If,
    Then,
    Else,
    Assert,
    With,
    Let,
    In,
    Rec,
    Inherit,
    OrKw,
    Ellipsis,
    Eq,
    NotEq,
    LessEq,
    GreaterEq,
    And,
    Or,
    Impl,
    Update,
    Concat,
    PipeFrom,
    PipeInto,
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Semi,
    Colon,
    Comma,
    Dot,
    Assign,
    Question,
    At,
    Plus,
    Minus,
    Star,
    Slash,
    Less,
    Greater,
    Not,
    Eof,
    /// A character that starts no token (a stray control character, `'`, `` ` ``, `&`,
    /// non-ASCII text outside strings, ...): CppNix's lexer passes such a byte to the grammar,
    /// which knows no token for it (`unexpected invalid token`).
    Invalid,
    /// A byte sequence that is no token (the message says why).
    Error,
}

impl Tok {
    /// How the token is named in syntax errors: the names of CppNix's grammar.
    pub fn describe(self) -> &'static str {
        use Tok::*;
        match self {
            Ident => "ID",
            Int => "INT_LIT",
            Float => "FLOAT_LIT",
            Uri => "URI",
            Path | PathPart => "PATH",
            SearchPath => "SPATH",
            PathEnd => "PATH_END",
            StrOpen | StrClose => "'\"'",
            StrPart => "STR",
            IndOpen => "IND_STRING_OPEN",
            IndPart => "IND_STR",
            IndClose => "IND_STRING_CLOSE",
            Interp => "DOLLAR_CURLY",
            If => "IF",
            Then => "THEN",
            Else => "ELSE",
            Assert => "ASSERT",
            With => "WITH",
            Let => "LET",
            In => "IN_KW",
            Rec => "REC",
            Inherit => "INHERIT",
            OrKw => "OR_KW",
            Ellipsis => "ELLIPSIS",
            Eq => "EQ",
            NotEq => "NEQ",
            LessEq => "LEQ",
            GreaterEq => "GEQ",
            And => "AND",
            Or => "OR",
            Impl => "IMPL",
            Update => "UPDATE",
            Concat => "CONCAT",
            PipeFrom => "PIPE_FROM",
            PipeInto => "PIPE_INTO",
            LBrace => "'{'",
            RBrace => "'}'",
            LBrack => "'['",
            RBrack => "']'",
            LParen => "'('",
            RParen => "')'",
            Semi => "';'",
            Colon => "':'",
            Comma => "','",
            Dot => "'.'",
            Assign => "'='",
            Question => "'?'",
            At => "'@'",
            Plus => "'+'",
            Minus => "'-'",
            Star => "'*'",
            Slash => "'/'",
            Less => "'<'",
            Greater => "'>'",
            Not => "'!'",
            Eof => "end of file",
            Invalid => "invalid token",
            Error => "token",
        }
    }
}

/// A token and its byte range in the source.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Code,
    Str,
    Ind,
    /// Inside a path literal, after text not ending in `/`.
    InPath,
    /// Inside a path literal, after text ending in `/` (something must follow).
    InPathSlash,
    /// After an error: only [`Tok::Eof`] follows.
    Failed,
}

/// The lexer. Call [`Lexer::next_token`] until it returns [`Tok::Eof`] (or [`Tok::Error`],
/// after which it keeps returning `Eof`).
pub struct Lexer<'s> {
    src: &'s [u8],
    pos: usize,
    /// The current mode.
    mode: Mode,
    /// The modes to return to, innermost last; empty means top-level code (where a stray `}`
    /// pops nothing).
    modes: Vec<Mode>,
    /// Why the last [`Tok::Error`] was returned.
    pub error: &'static str,
    /// Open brackets (`(`, `[`, `{`, `${`), counted as `syntax::check_nesting` counts them.
    depth: usize,
}

const PATH: u8 = 1;
const IDENT: u8 = 2;
const URI: u8 = 4;
const SCHEME: u8 = 8;

/// Character classes: `PATH_CHAR`, identifier characters, URI characters, URI scheme characters.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut k = 0;
        if alnum || matches!(b, b'.' | b'_' | b'-' | b'+') {
            k |= PATH;
        }
        if alnum || matches!(b, b'_' | b'\'' | b'-') {
            k |= IDENT;
        }
        if alnum
            || matches!(
                b,
                b'%' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b',' | b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\''
            )
        {
            k |= URI;
        }
        if alnum || matches!(b, b'+' | b'-' | b'.') {
            k |= SCHEME;
        }
        t[c] = k;
        c += 1;
    }
    t
};

#[inline]
fn is_path_char(c: u8) -> bool {
    CLASS[c as usize] & PATH != 0
}

#[inline]
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[inline]
fn is_ident_char(c: u8) -> bool {
    CLASS[c as usize] & IDENT != 0
}

#[inline]
fn is_uri_char(c: u8) -> bool {
    CLASS[c as usize] & URI != 0
}

fn keyword(word: &[u8]) -> Option<Tok> {
    Some(match word {
        b"if" => Tok::If,
        b"then" => Tok::Then,
        b"else" => Tok::Else,
        b"assert" => Tok::Assert,
        b"with" => Tok::With,
        b"let" => Tok::Let,
        b"in" => Tok::In,
        b"rec" => Tok::Rec,
        b"inherit" => Tok::Inherit,
        b"or" => Tok::OrKw,
        _ => return None,
    })
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer { src: src.as_bytes(), pos: 0, mode: Mode::Code, modes: Vec::new(), error: "", depth: 0 }
    }

    /// Whether the last error was brackets nested deeper than `syntax::MAX_NESTING`.
    pub fn nested_too_deeply(&self) -> bool {
        self.depth > super::MAX_NESTING
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        // Past the end reads as NUL, which no rule accepts (a NUL inside the text is rejected
        // wherever the rules would not take it either).
        self.src.get(i).copied().unwrap_or(0)
    }

    fn tok(&mut self, kind: Tok, start: usize, end: usize) -> Token {
        self.pos = end;
        Token { kind, start: start as u32, end: end as u32 }
    }

    /// An error at the end of the text (where CppNix places an unexpected end of file).
    fn fail_at_end(&mut self, msg: &'static str) -> Token {
        let n = self.src.len();
        self.fail(msg, n, n)
    }

    /// An error token; `msg` is the whole message, in CppNix's words.
    fn fail(&mut self, msg: &'static str, start: usize, end: usize) -> Token {
        self.error = msg;
        self.mode = Mode::Failed;
        let end = end.min(self.src.len()).max(start);
        self.tok(Tok::Error, start, end)
    }

    /// The next token. Brackets nested deeper than `syntax::MAX_NESTING` are an error.
    pub fn next_token(&mut self) -> Token {
        if self.mode == Mode::Code {
            return self.code();
        }
        self.next_token_other()
    }

    /// Appends tokens to `out`: at most `max` (and at least one), stopping after [`Tok::Eof`].
    /// Cheaper per token than calls of [`Lexer::next_token`], as the code path is inlined here.
    pub fn fill(&mut self, out: &mut Vec<Token>, max: usize) {
        for _ in 0..max.max(1) {
            let t = if self.mode == Mode::Code { self.code() } else { self.next_token_other() };
            out.push(t);
            if t.kind == Tok::Eof {
                break;
            }
        }
    }

    /// The next token outside ordinary code.
    #[inline(never)]
    fn next_token_other(&mut self) -> Token {
        match self.mode {
            Mode::Code => self.code(),
            Mode::Str => self.string(),
            Mode::Ind => self.indented(),
            Mode::InPath => self.in_path(false),
            Mode::InPathSlash => self.in_path(true),
            Mode::Failed => {
                let n = self.src.len();
                Token { kind: Tok::Eof, start: n as u32, end: n as u32 }
            }
        }
    }

    #[inline]
    fn push_mode(&mut self, m: Mode) {
        self.modes.push(self.mode);
        self.mode = m;
    }

    #[inline]
    fn pop_mode(&mut self) {
        self.mode = self.modes.pop().unwrap_or(Mode::Code);
    }

    /// An opening bracket (`(`, `[`, `{`, `${`): brackets nested deeper than
    /// `syntax::MAX_NESTING` are an error.
    #[inline]
    fn open(&mut self, kind: Tok, start: usize, end: usize) -> Token {
        self.depth += 1;
        if self.depth > super::MAX_NESTING {
            return self.fail("syntax error, expression nested too deeply", start, end);
        }
        self.tok(kind, start, end)
    }

    #[inline]
    fn close(&mut self, kind: Tok, start: usize) -> Token {
        self.depth = self.depth.saturating_sub(1);
        self.tok(kind, start, start + 1)
    }

    fn string(&mut self) -> Token {
        let start = self.pos;
        let mut i = start;
        loop {
            let Some(&c) = self.src.get(i) else {
                return self.fail_at_end("syntax error, unexpected end of file, expecting '\"'");
            };
            match c {
                b'"' => {
                    if i > start {
                        return self.tok(Tok::StrPart, start, i);
                    }
                    self.pop_mode();
                    return self.tok(Tok::StrClose, i, i + 1);
                }
                b'\\' => {
                    if i + 1 >= self.src.len() {
                        return self.fail_at_end("syntax error, unexpected end of file, expecting '\"'");
                    }
                    i += 2;
                }
                b'$' => match self.at(i + 1) {
                    b'{' => return self.interpolation(Tok::StrPart, start, i),
                    b'"' | b'\\' => i += 1,
                    _ if i + 1 >= self.src.len() => return self.fail_at_end("syntax error, unexpected end of file, expecting '\"'"),
                    _ => i += 2,
                },
                _ => i += 1,
            }
        }
    }

    /// `${` at `i` inside a string whose text since `start` is a `part` token: that text first,
    /// then (on the next call) the interpolation's opening, which switches to code.
    fn interpolation(&mut self, part: Tok, start: usize, i: usize) -> Token {
        if i > start {
            return self.tok(part, start, i);
        }
        self.push_mode(Mode::Code);
        self.open(Tok::Interp, i, i + 2)
    }

    fn indented(&mut self) -> Token {
        let start = self.pos;
        let mut i = start;
        let n = self.src.len();
        loop {
            if i >= n {
                return self.fail_at_end("syntax error, unexpected end of file, expecting IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE");
            }
            match self.src[i] {
                b'\'' if self.at(i + 1) == b'\'' => match self.at(i + 2) {
                    b'\'' | b'$' if i + 2 < n => i += 3,
                    b'\\' if i + 3 < n => i += 4,
                    _ => {
                        if i > start {
                            return self.tok(Tok::IndPart, start, i);
                        }
                        self.pop_mode();
                        return self.tok(Tok::IndClose, i, i + 2);
                    }
                },
                b'\'' => {
                    // `'` before `$` stands alone (so `'${` still interpolates).
                    if self.at(i + 1) == b'$' || i + 1 >= n {
                        i += 1;
                    } else {
                        i += 2;
                    }
                }
                b'$' => match self.at(i + 1) {
                    b'{' => return self.interpolation(Tok::IndPart, start, i),
                    b'\'' => i += 1,
                    _ if i + 1 >= n => i += 1,
                    _ => i += 2,
                },
                _ => i += 1,
            }
        }
    }

    /// The length of the longest `{PATH}|{PATH_SEG}|{PATH_CHAR}+` at `i` (0 if none).
    fn path_text_len(&self, i: usize) -> usize {
        let mut j = i;
        while is_path_char(self.at(j)) {
            j += 1;
        }
        loop {
            if self.at(j) != b'/' {
                break;
            }
            if is_path_char(self.at(j + 1)) {
                j += 2;
                while is_path_char(self.at(j)) {
                    j += 1;
                }
            } else {
                j += 1;
                break;
            }
        }
        j - i
    }

    fn in_path(&mut self, after_slash: bool) -> Token {
        let i = self.pos;
        if self.at(i) == b'$' && self.at(i + 1) == b'{' {
            self.mode = Mode::InPath;
            self.push_mode(Mode::Code);
            return self.open(Tok::Interp, i, i + 2);
        }
        let len = self.path_text_len(i);
        if len > 0 {
            let m = if self.src[i + len - 1] == b'/' { Mode::InPathSlash } else { Mode::InPath };
            self.mode = m;
            return self.tok(Tok::PathPart, i, i + len);
        }
        if after_slash {
            return self.fail("path has a trailing slash", i, i);
        }
        self.pop_mode();
        self.tok(Tok::PathEnd, i, i)
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) {
        let src = self.src;
        let mut i = self.pos;
        loop {
            match src.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => {
                    while i < src.len() && src[i] != b'\n' && src[i] != b'\r' {
                        i += 1;
                    }
                }
                Some(b'/') if src.get(i + 1) == Some(&b'*') => {
                    let mut j = i + 2;
                    loop {
                        if j + 1 >= src.len() {
                            // Not a comment without its end: `/` is then an operator, as in
                            // CppNix's lexer.
                            self.pos = i;
                            return;
                        }
                        if src[j] == b'*' && src[j + 1] == b'/' {
                            break;
                        }
                        j += 1;
                    }
                    i = j + 2;
                }
                _ => break,
            }
        }
        self.pos = i;
    }

    #[inline(always)]
    fn code(&mut self) -> Token {
        self.skip_trivia();
        let i = self.pos;
        let Some(&c) = self.src.get(i) else {
            return Token { kind: Tok::Eof, start: i as u32, end: i as u32 };
        };
        if self.may_start_word(c, i) {
            if let Some(t) = self.word(i) {
                return t;
            }
        }
        let next = self.at(i + 1);
        let (kind, len) = match c {
            b'.' if next == b'.' && self.at(i + 2) == b'.' => (Tok::Ellipsis, 3),
            b'=' if next == b'=' => (Tok::Eq, 2),
            b'!' if next == b'=' => (Tok::NotEq, 2),
            b'<' if next == b'=' => (Tok::LessEq, 2),
            b'>' if next == b'=' => (Tok::GreaterEq, 2),
            b'&' if next == b'&' => (Tok::And, 2),
            b'|' if next == b'|' => (Tok::Or, 2),
            b'-' if next == b'>' => (Tok::Impl, 2),
            b'/' if next == b'/' => (Tok::Update, 2),
            b'+' if next == b'+' => (Tok::Concat, 2),
            b'<' if next == b'|' => (Tok::PipeFrom, 2),
            b'|' if next == b'>' => (Tok::PipeInto, 2),
            b'$' if next == b'{' => {
                self.push_mode(Mode::Code);
                return self.open(Tok::Interp, i, i + 2);
            }
            b'}' => {
                self.pop_mode();
                return self.close(Tok::RBrace, i);
            }
            b'{' => {
                self.push_mode(Mode::Code);
                return self.open(Tok::LBrace, i, i + 1);
            }
            b'"' => {
                self.push_mode(Mode::Str);
                (Tok::StrOpen, 1)
            }
            b'\'' if next == b'\'' => {
                self.push_mode(Mode::Ind);
                (Tok::IndOpen, 2)
            }
            b'(' => return self.open(Tok::LParen, i, i + 1),
            b')' => return self.close(Tok::RParen, i),
            b'[' => return self.open(Tok::LBrack, i, i + 1),
            b']' => return self.close(Tok::RBrack, i),
            b';' => (Tok::Semi, 1),
            b':' => (Tok::Colon, 1),
            b',' => (Tok::Comma, 1),
            b'.' => (Tok::Dot, 1),
            b'=' => (Tok::Assign, 1),
            b'?' => (Tok::Question, 1),
            b'@' => (Tok::At, 1),
            b'+' => (Tok::Plus, 1),
            b'-' => (Tok::Minus, 1),
            b'*' => (Tok::Star, 1),
            b'/' => (Tok::Slash, 1),
            b'<' => (Tok::Less, 1),
            b'>' => (Tok::Greater, 1),
            b'!' => (Tok::Not, 1),
            // As in CppNix, whose lexer hands a NUL byte to the grammar as token 0: the end of
            // the input (what follows it is never read).
            0 => return Token { kind: Tok::Eof, start: i as u32, end: i as u32 },
            _ => {
                // The whole character (the text is UTF-8), so that lexing resumes after it.
                let len = match c {
                    0xf0.. => 4,
                    0xe0.. => 3,
                    0xc0.. => 2,
                    _ => 1,
                };
                (Tok::Invalid, len.min(self.src.len() - i))
            }
        };
        self.tok(kind, i, i + len)
    }

    /// Whether a word (identifier, number, path, URI) may start with `c` at `i`. Only a word
    /// can start with a letter or digit; the other characters a word may start with are far more
    /// often operators (`.`, `-`, `+`, `/`, `<`), and are operators unless what follows could make
    /// a word that is longer: a `/` after path characters (a path), a digit after `.` (a float),
    /// a path character after `/` or `<`, `${` after `/`.
    #[inline(always)]
    fn may_start_word(&self, c: u8, i: usize) -> bool {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'0'..=b'9' | b'~' => true,
            b'.' | b'-' | b'+' => {
                if c == b'.' && self.at(i + 1).is_ascii_digit() {
                    return true;
                }
                let mut k = i + 1;
                while is_path_char(self.at(k)) {
                    k += 1;
                }
                self.at(k) == b'/'
            }
            b'/' => {
                let n = self.at(i + 1);
                is_path_char(n) || n == b'$'
            }
            b'<' => is_path_char(self.at(i + 1)),
            _ => false,
        }
    }

    /// Identifiers, keywords, numbers, paths and URIs: the longest match wins, ties go to the
    /// rule listed first in the reference lexer (identifier, integer, float, path, `~` path,
    /// `<>` path, URI). `None` when none applies (an operator then).
    #[inline(always)]
    fn word(&mut self, i: usize) -> Option<Token> {
        let c = self.src[i];
        // The common case: an identifier, keyword or integer that nothing longer could start:
        // no `/` or `:` ends the run of path characters from here (paths need a `/`, URIs a `:`
        // after a scheme made of path characters).
        if is_ident_start(c) || c.is_ascii_digit() {
            let digits = c.is_ascii_digit();
            let class = if digits { PATH } else { IDENT };
            let mut j = i + 1;
            while CLASS[self.at(j) as usize] & class != 0 {
                j += 1;
            }
            let mut k = j;
            while is_path_char(self.at(k)) {
                k += 1;
            }
            let word = &self.src[i..j];
            if !matches!(self.at(k), b'/' | b':') && (!digits || (k == j && word.iter().all(u8::is_ascii_digit))) {
                let kind = if digits { Tok::Int } else { keyword(word).unwrap_or(Tok::Ident) };
                return Some(self.tok(kind, i, j));
            }
        }
        self.word_slow(i)
    }

    #[inline(never)]
    fn word_slow(&mut self, i: usize) -> Option<Token> {
        let c = self.src[i];
        // Operators that start like a word and are longer than it win (`...` before `./`).
        let mut best = (0usize, Tok::Error);
        let op_len = match c {
            b'.' if self.at(i + 1) == b'.' && self.at(i + 2) == b'.' => 3,
            b'<' | b'-' | b'+' | b'/' | b'.' => {
                let n = self.at(i + 1);
                if matches!((c, n), (b'<', b'=') | (b'<', b'|') | (b'-', b'>') | (b'+', b'+') | (b'/', b'/')) {
                    2
                } else {
                    1
                }
            }
            _ => 0,
        };
        let consider = |len: usize, kind: Tok, best: &mut (usize, Tok)| {
            if len > best.0 {
                *best = (len, kind);
            }
        };
        if is_ident_start(c) {
            let mut j = i + 1;
            while is_ident_char(self.at(j)) {
                j += 1;
            }
            let kind = keyword(&self.src[i..j]).unwrap_or(Tok::Ident);
            consider(j - i, kind, &mut best);
        }
        if c.is_ascii_digit() {
            let mut j = i + 1;
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
            consider(j - i, Tok::Int, &mut best);
        }
        if c.is_ascii_digit() || c == b'.' {
            consider(self.float_len(i), Tok::Float, &mut best);
        }
        // `xxx/${`: the path starts with its first segment.
        let mut seg = i;
        while is_path_char(self.at(seg)) {
            seg += 1;
        }
        if self.at(seg) == b'/' && self.at(seg + 1) == b'$' && self.at(seg + 2) == b'{' {
            consider(seg + 3 - i, Tok::Path, &mut best);
        }
        consider(self.path_len(i), Tok::Path, &mut best);
        if c == b'~' && self.at(i + 1) == b'/' {
            if self.at(i + 2) == b'$' && self.at(i + 3) == b'{' {
                consider(4, Tok::Path, &mut best);
            }
            // `~` followed by PATH's segments.
            let mut j = i + 1;
            while self.at(j) == b'/' && is_path_char(self.at(j + 1)) {
                j += 2;
                while is_path_char(self.at(j)) {
                    j += 1;
                }
            }
            if j > i + 1 {
                if self.at(j) == b'/' {
                    j += 1;
                }
                consider(j - i, Tok::Path, &mut best);
            }
        }
        if c == b'<' {
            let mut j = i + 1;
            loop {
                let s = j;
                while is_path_char(self.at(j)) {
                    j += 1;
                }
                if j == s {
                    j = 0;
                    break;
                }
                if self.at(j) == b'/' {
                    j += 1;
                } else {
                    break;
                }
            }
            if j > 0 && self.at(j) == b'>' {
                consider(j + 1 - i, Tok::SearchPath, &mut best);
            }
        }
        if c.is_ascii_alphabetic() {
            let mut j = i + 1;
            while CLASS[self.at(j) as usize] & SCHEME != 0 {
                j += 1;
            }
            if self.at(j) == b':' && is_uri_char(self.at(j + 1)) {
                j += 1;
                while is_uri_char(self.at(j)) {
                    j += 1;
                }
                consider(j - i, Tok::Uri, &mut best);
            }
        }
        let (len, kind) = best;
        if len == 0 || len <= op_len {
            return None;
        }
        if kind == Tok::Path {
            return Some(self.path_start(i, len));
        }
        Some(self.tok(kind, i, i + len))
    }

    /// A path literal's first token. `len` may include a `${` that follows a first segment
    /// ending in `/`; the token stops before it.
    fn path_start(&mut self, i: usize, len: usize) -> Token {
        let mut end = i + len;
        if self.src[end - 1] == b'{' && self.src[end - 2] == b'$' {
            end -= 2;
        }
        let m = if self.src[end - 1] == b'/' { Mode::InPathSlash } else { Mode::InPath };
        self.push_mode(m);
        self.tok(Tok::Path, i, end)
    }

    /// `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?` at `i` (0 if it does not match).
    fn path_len(&self, i: usize) -> usize {
        let mut j = i;
        while is_path_char(self.at(j)) {
            j += 1;
        }
        let mut segments = 0;
        while self.at(j) == b'/' && is_path_char(self.at(j + 1)) {
            j += 2;
            while is_path_char(self.at(j)) {
                j += 1;
            }
            segments += 1;
        }
        if segments == 0 {
            return 0;
        }
        if self.at(j) == b'/' {
            j += 1;
        }
        j - i
    }

    /// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?` at `i` (0 if it does not match).
    fn float_len(&self, i: usize) -> usize {
        let mut j = i;
        let c = self.at(j);
        if (b'1'..=b'9').contains(&c) {
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
            if self.at(j) != b'.' {
                return 0;
            }
            j += 1;
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
        } else {
            if c == b'0' {
                j += 1;
            }
            if self.at(j) != b'.' || !self.at(j + 1).is_ascii_digit() {
                return 0;
            }
            j += 1;
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
        }
        if matches!(self.at(j), b'e' | b'E') {
            let mut k = j + 1;
            if matches!(self.at(k), b'+' | b'-') {
                k += 1;
            }
            if self.at(k).is_ascii_digit() {
                while self.at(k).is_ascii_digit() {
                    k += 1;
                }
                j = k;
            }
        }
        j - i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, &str)> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            if t.kind == Tok::Eof {
                break;
            }
            out.push((t.kind, &src[t.start as usize..t.end as usize]));
            if t.kind == Tok::Error {
                break;
            }
        }
        out
    }

    #[test]
    fn words_take_the_longest_match() {
        use Tok::*;
        assert_eq!(kinds("a-b'c"), vec![(Ident, "a-b'c")]);
        assert_eq!(kinds("x:x"), vec![(Uri, "x:x")]);
        assert_eq!(kinds("x: x"), vec![(Ident, "x"), (Colon, ":"), (Ident, "x")]);
        assert_eq!(kinds("1/2"), vec![(Path, "1/2"), (PathEnd, "")]);
        assert_eq!(kinds("a//b"), vec![(Ident, "a"), (Update, "//"), (Ident, "b")]);
        assert_eq!(kinds("1.5e3 .5 1. 01"), vec![(Float, "1.5e3"), (Float, ".5"), (Float, "1."), (Int, "01")]);
        assert_eq!(kinds("2e5"), vec![(Int, "2"), (Ident, "e5")]);
        assert_eq!(kinds("or inherit"), vec![(OrKw, "or"), (Inherit, "inherit")]);
        assert_eq!(kinds("<nixpkgs/lib> <a"), vec![(SearchPath, "<nixpkgs/lib>"), (Less, "<"), (Ident, "a")]);
        assert_eq!(kinds("... ./."), vec![(Ellipsis, "..."), (Path, "./."), (PathEnd, "")]);
        assert_eq!(kinds("a|>b<|c"), vec![(Ident, "a"), (PipeInto, "|>"), (Ident, "b"), (PipeFrom, "<|"), (Ident, "c")]);
        assert_eq!(kinds("https://x.org/a?b=c"), vec![(Uri, "https://x.org/a?b=c")]);
    }

    #[test]
    fn paths_with_interpolation() {
        use Tok::*;
        assert_eq!(
            kinds("./${x}.nix;"),
            vec![(Path, "./"), (Interp, "${"), (Ident, "x"), (RBrace, "}"), (PathPart, ".nix"), (PathEnd, ""), (Semi, ";")]
        );
        assert_eq!(kinds("~/a/"), vec![(Path, "~/a/"), (Error, "")]);
        assert_eq!(kinds("~/${x}"), vec![(Path, "~/"), (Interp, "${"), (Ident, "x"), (RBrace, "}"), (PathEnd, "")]);
        assert_eq!(kinds("/a/b/${x}/c"), vec![
            (Path, "/a/b/"), (Interp, "${"), (Ident, "x"), (RBrace, "}"), (PathPart, "/c"), (PathEnd, "")
        ]);
    }

    #[test]
    fn strings() {
        use Tok::*;
        assert_eq!(
            kinds(r#""a\"${b}$${c}$""#),
            vec![(StrOpen, "\""), (StrPart, "a\\\""), (Interp, "${"), (Ident, "b"), (RBrace, "}"), (StrPart, "$${c}$"), (StrClose, "\"")]
        );
        assert_eq!(
            kinds("'' a ''${x} ''\\n '${y}''"),
            vec![
                (IndOpen, "''"),
                (IndPart, " a ''${x} ''\\n '"),
                (Interp, "${"),
                (Ident, "y"),
                (RBrace, "}"),
                (IndClose, "''")
            ]
        );
        // An unterminated string is an unexpected end of file, placed at the end.
        assert_eq!(kinds("\"abc"), vec![(StrOpen, "\""), (Error, "")]);
        assert_eq!(kinds("{ a = \"${ { b = 1; }.b }\"; }").len(), 17);
    }

    #[test]
    fn comments_and_errors() {
        use Tok::*;
        assert_eq!(kinds("# x\n1 /* y */ 2"), vec![(Int, "1"), (Int, "2")]);
        // Without its end, `/*` is no comment: `/` and `*` are operators, as in CppNix.
        assert_eq!(kinds("1 /* y"), vec![(Int, "1"), (Slash, "/"), (Star, "*"), (Ident, "y")]);
        // A character that starts no token is a token of its own (the grammar refuses it),
        // after which lexing goes on; a multi-byte character is taken whole.
        assert_eq!(kinds("a & b"), vec![(Ident, "a"), (Invalid, "&"), (Ident, "b")]);
        assert_eq!(kinds("é€'`\x01"), vec![(Invalid, "é"), (Invalid, "€"), (Invalid, "'"), (Invalid, "`"), (Invalid, "\x01")]);
        // A NUL byte ends the input, as in CppNix.
        assert_eq!(kinds("1 \0 2 )"), vec![(Int, "1")]);
        // Inside a string it is text (refused later, when the string is made).
        assert_eq!(kinds("\"a\0b\"").len(), 3);
    }
}
