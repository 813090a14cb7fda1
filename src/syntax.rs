//! Parsing: source text → rnix syntax tree (which never fails: it returns a tree plus errors),
//! then the first syntax error, if any, as an [`EvalError`] with a position and a message in
//! CppNix's words. The tree is handed to `eval::lower`, which performs the checks rnix leaves
//! out (duplicate attributes and formals, dynamic attributes in `let`, ...).
//! This module knows nothing about evaluation except the entry point that chains both steps.

pub mod source;

use crate::error::{ErrorKind, EvalError};
use crate::eval::expr::Expr;
use crate::eval::lower::{lower_root, Globals, LowerOptions};
use crate::eval::symbol::Symbol;
use rnix::SyntaxKind;
use source::{FileId, SourceMap};

/// Parses `text` (registered as `file`) and lowers it to IR.
pub fn parse_and_lower(
    text: &str,
    file: FileId,
    base_dir: String,
    globals: &Globals,
    map: &mut SourceMap,
    options: &LowerOptions,
    scope: Option<&[Symbol]>,
    warnings: &mut Vec<EvalError>,
) -> Result<Expr, EvalError> {
    check_nesting(text, file, map)?;
    let normalised = normalise_line_ends(text);
    let text: &str = &normalised;
    let parse = rnix::Root::parse(text);
    if let Some(err) = parse.errors().first() {
        return Err(syntax_error(err, text, file, map));
    }
    lower_root(&parse.tree(), file, base_dir, globals, map, options, scope, warnings)
}

/// A lone carriage return ends a line (and a `#` comment) in CppNix's lexer; rnix only knows
/// `\n`. Replacing lone CRs by LFs keeps every byte offset unchanged.
pub fn normalise_line_ends(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    if !bytes.iter().enumerate().any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for i in 0..out.len() {
        if out[i] == b'\r' && out.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    std::borrow::Cow::Owned(String::from_utf8(out).expect("replacing ASCII bytes keeps UTF-8 valid"))
}

/// How deeply brackets may nest. CppNix's parser gives up ("memory exhausted") a little
/// below 5000 levels; deeper trees also make the syntax tree library slow (quadratic).
pub const MAX_NESTING: usize = 5000;

/// Rejects sources whose brackets nest deeper than [`MAX_NESTING`], before parsing them.
/// A quick scan decides for nearly every file; only files it finds close to the limit are
/// tokenized to measure the depth exactly.
fn check_nesting(text: &str, file: FileId, map: &mut SourceMap) -> Result<(), EvalError> {
    if quick_nesting_depth(text.as_bytes()) < MAX_NESTING / 2 {
        return Ok(());
    }
    check_nesting_exactly(text, file, map)
}

/// The bracket nesting depth of Nix source, from a scan that knows strings, indented strings
/// and comments (brackets inside them do not count) and counts `${` as an opening bracket.
/// Used only to decide whether the exact (tokenizing) check is needed.
pub fn quick_nesting_depth(b: &[u8]) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        Code,
        Str,
        Indented,
    }
    // The contexts that closing brackets return to.
    let mut stack: Vec<Ctx> = Vec::new();
    let mut ctx = Ctx::Code;
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'\'' || c == b'-';
    while i < b.len() {
        let c = b[i];
        match ctx {
            Ctx::Code => match c {
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                        i += 1;
                    }
                    i += 2;
                    continue;
                }
                b'"' => ctx = Ctx::Str,
                b'\'' if b.get(i + 1) == Some(&b'\'') && (i == 0 || !ident(b[i - 1])) => {
                    ctx = Ctx::Indented;
                    i += 1;
                }
                b'(' | b'[' | b'{' => {
                    stack.push(Ctx::Code);
                    depth += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Code);
                    depth += 1;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    ctx = stack.pop().unwrap_or(Ctx::Code);
                }
                _ => {}
            },
            Ctx::Str => match c {
                b'\\' => i += 1,
                b'"' => ctx = Ctx::Code,
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Str);
                    ctx = Ctx::Code;
                    depth += 1;
                    i += 1;
                }
                _ => {}
            },
            Ctx::Indented => match c {
                b'\'' if b.get(i + 1) == Some(&b'\'') => {
                    match b.get(i + 2) {
                        // `'''` and `''$` are escapes, and so is `''\` with the byte after it.
                        Some(b'\'') | Some(b'$') => i += 1,
                        Some(b'\\') => i += 2,
                        _ => ctx = Ctx::Code,
                    }
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Indented);
                    ctx = Ctx::Code;
                    depth += 1;
                    i += 1;
                }
                _ => {}
            },
        }
        max = max.max(depth);
        i += 1;
    }
    max
}

fn check_nesting_exactly(text: &str, file: FileId, map: &mut SourceMap) -> Result<(), EvalError> {
    use SyntaxKind::*;
    let mut depth = 0usize;
    let mut offset = 0usize;
    for (kind, tok) in rnix::tokenize(text) {
        match kind {
            TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START => {
                depth += 1;
                if depth > MAX_NESTING {
                    let pos = map.pos(file, offset as u32, (offset + tok.len()) as u32);
                    return Err(EvalError::new(ErrorKind::Parse, "expression nested too deeply").at(pos));
                }
            }
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END => depth = depth.saturating_sub(1),
            _ => {}
        }
        offset += tok.len();
    }
    Ok(())
}

/// Checks syntax only; returns the first error.
pub fn check_syntax(text: &str, file: FileId, map: &mut SourceMap) -> Result<(), EvalError> {
    check_nesting(text, file, map)?;
    let parse = rnix::Root::parse(text);
    match parse.errors().first() {
        Some(err) => Err(syntax_error(err, text, file, map)),
        None => Ok(()),
    }
}

fn token_name(kind: SyntaxKind) -> &'static str {
    use SyntaxKind::*;
    match kind {
        TOKEN_ADD => "'+'",
        TOKEN_AND_AND => "'&&'",
        TOKEN_ASSIGN => "'='",
        TOKEN_ASSERT => "'assert'",
        TOKEN_AT => "'@'",
        TOKEN_COLON => "':'",
        TOKEN_COMMA => "','",
        TOKEN_CONCAT => "'++'",
        TOKEN_DIV => "'/'",
        TOKEN_DOT => "'.'",
        TOKEN_ELLIPSIS => "'...'",
        TOKEN_ELSE => "'else'",
        TOKEN_EQUAL => "'=='",
        TOKEN_FLOAT => "float",
        TOKEN_IDENT => "identifier",
        TOKEN_IF => "'if'",
        TOKEN_IMPLICATION => "'->'",
        TOKEN_IN => "'in'",
        TOKEN_INHERIT => "'inherit'",
        TOKEN_INTEGER => "integer",
        TOKEN_INTERPOL_END => "'}'",
        TOKEN_INTERPOL_START => "'${'",
        TOKEN_INVERT => "'!'",
        TOKEN_L_BRACE => "'{'",
        TOKEN_L_BRACK => "'['",
        TOKEN_L_PAREN => "'('",
        TOKEN_LESS => "'<'",
        TOKEN_LESS_OR_EQ => "'<='",
        TOKEN_LET => "'let'",
        TOKEN_MORE => "'>'",
        TOKEN_MORE_OR_EQ => "'>='",
        TOKEN_MUL => "'*'",
        TOKEN_NOT_EQUAL => "'!='",
        TOKEN_OR => "'or'",
        TOKEN_OR_OR => "'||'",
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME => "path",
        TOKEN_PATH_SEARCH => "search path",
        TOKEN_QUESTION => "'?'",
        TOKEN_R_BRACE => "'}'",
        TOKEN_R_BRACK => "']'",
        TOKEN_R_PAREN => "')'",
        TOKEN_REC => "'rec'",
        TOKEN_SEMICOLON => "';'",
        TOKEN_STRING_CONTENT => "string",
        TOKEN_STRING_END | TOKEN_STRING_START => "'\"'",
        TOKEN_SUB => "'-'",
        TOKEN_THEN => "'then'",
        TOKEN_UPDATE => "'//'",
        TOKEN_URI => "URI",
        TOKEN_WITH => "'with'",
        TOKEN_PIPE_LEFT => "'<|'",
        TOKEN_PIPE_RIGHT => "'|>'",
        _ => "token",
    }
}

/// Whether a token rnix could not lex is a path literal ending in `/` (`/a/b/`, `./a/`,
/// `a/b/`, `~/a/`), which CppNix's lexer rejects with its own message.
fn is_path_with_trailing_slash(s: &str) -> bool {
    s.len() > 1
        && s.ends_with('/')
        && s[..s.len() - 1].contains('/')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-+~/".contains(&b))
}

fn syntax_error(err: &rnix::ParseError, text: &str, file: FileId, map: &mut SourceMap) -> EvalError {
    use rnix::ParseError as P;
    let end = text.len() as u32;
    let (msg, start, stop) = match err {
        P::Unexpected(r) | P::UnexpectedExtra(r) => {
            let s = &text[usize::from(r.start())..usize::from(r.end())];
            let shown: String = s.chars().take(20).collect();
            (format!("syntax error, unexpected '{}'", shown.trim()), r.start().into(), r.end().into())
        }
        P::UnexpectedWanted(SyntaxKind::TOKEN_ERROR, r, _)
            if is_path_with_trailing_slash(&text[usize::from(r.start())..usize::from(r.end())]) =>
        {
            ("path has a trailing slash".to_string(), r.start().into(), r.end().into())
        }
        P::UnexpectedWanted(found, r, wanted) => {
            let mut w: Vec<&str> = wanted.iter().map(|k| token_name(*k)).collect();
            w.dedup();
            (
                format!("syntax error, unexpected {}, expecting {}", token_name(*found), w.join(" or ")),
                r.start().into(),
                r.end().into(),
            )
        }
        P::UnexpectedDoubleBind(r) => ("syntax error, pattern bound twice".to_string(), r.start().into(), r.end().into()),
        P::UnexpectedEOF => ("syntax error, unexpected end of file".to_string(), end, end),
        P::UnexpectedEOFWanted(wanted) => {
            let mut w: Vec<&str> = wanted.iter().map(|k| token_name(*k)).collect();
            w.dedup();
            (format!("syntax error, unexpected end of file, expecting {}", w.join(" or ")), end, end)
        }
        P::DuplicatedArgs(r, name) => {
            (format!("duplicate formal function argument '{}'", name), r.start().into(), r.end().into())
        }
        P::RecursionLimitExceeded => ("expression nested too deeply".to_string(), 0, 0),
        _ => (format!("syntax error: {}", err), 0, 0),
    };
    let pos = map.pos(file, start, stop);
    EvalError::new(ErrorKind::Parse, msg).at(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::tests_support::token_depth;

    #[test]
    fn quick_depth_agrees_with_tokens() {
        let cases = [
            "1",
            "[ [ [ 1 ] ] ]",
            r#""((((" + "]]]""#,
            r#"" ${ { a = [ "${ "(" }" ]; }.a } ""#,
            "''\n  ((( ${ [ 1 ] } '''  ''${ [ ''\\[ \n''",
            "# ((((\n[ /* [[[[ */ 1 ]",
            "let f' = x: x; g'' = [ f' ]; in ( g'' )",
            "{ a = ''x''; b = [ ( 1 ) ]; }",
            r#""\${ [ [" + ./a/${"b"}"#,
            "x: (y: [ x y ])",
        ];
        for c in cases {
            assert_eq!(quick_nesting_depth(c.as_bytes()), token_depth(c), "{c}");
        }
    }

    #[test]
    fn deep_nesting_is_still_rejected() {
        let text = format!("{}1{}", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
        let mut map = SourceMap::new();
        let file = map.add(crate::syntax::source::Origin::String, text.clone().into());
        assert!(check_nesting(&text, file, &mut map).is_err());
        let text = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(check_nesting(&text, file, &mut map).is_ok());
    }
}

#[cfg(test)]
mod corpus_tests {
    use super::tests_support::token_depth;

    /// Every Nix file of the language suite and the fixtures: the quick scan finds the same
    /// depth as the tokens (it must never find less, or deep files would skip the exact check).
    #[test]
    fn quick_depth_agrees_on_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("tests/lang"), root.join("fixtures"), root.join("src/flake/standins")];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "nix") {
                    let Ok(text) = std::fs::read_to_string(&path) else { continue };
                    let quick = super::quick_nesting_depth(text.as_bytes());
                    let exact = token_depth(&text);
                    assert!(quick >= exact || exact < 10, "{}: quick {quick} < exact {exact}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "only {checked} files found");
    }
}

#[cfg(test)]
mod tests_support {
    /// The depth measured on rnix's tokens.
    pub fn token_depth(text: &str) -> usize {
        use rnix::SyntaxKind::*;
        let (mut depth, mut max) = (0usize, 0usize);
        for (kind, _) in rnix::tokenize(text) {
            match kind {
                TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START => {
                    depth += 1;
                    max = max.max(depth);
                }
                TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        max
    }
}
