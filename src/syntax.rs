//! Parsing: source text → syntax tree ([`ast`], by the hand-written [`lexer`] and [`parser`]),
//! handed to `eval::lower`, which performs the checks that need names (duplicate attributes and
//! formals, dynamic attributes in `let`, ...) and builds the evaluator's IR.
//! Syntax errors are the parser's own, worded as CppNix's bison parser words them (its token
//! names, the expected tokens where it lists them, an unexpected end of file placed at the end
//! of the text as current CppNix does). rnix is not used to parse; tests compare which files
//! both accept.
//! This module knows nothing about evaluation except the entry point that chains both steps.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod source;

use crate::error::{ErrorKind, EvalError};
use crate::eval::expr::Expr;
use crate::eval::lower::{lower_root, Globals, LowerOptions};
use crate::eval::symbol::Symbol;
use lexer::{Lexer, Tok};
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
    let normalised = normalise_line_ends(text);
    let root = match parser::parse(&normalised) {
        Ok(root) => root,
        Err(err) => {
            // Too deep a nesting is reported before any syntax error, wherever it is.
            check_nesting(text, file, map)?;
            return Err(parse_failure(err, file, map));
        }
    };
    lower_root(&root, &normalised, file, base_dir, globals, map, options, scope, warnings)
}

/// Renders source text the way `nix-instantiate --parse` shows an expression (the text is
/// expected to parse: see [`parse_and_lower`]).
pub fn show_source(text: &str, file: FileId, globals: &Globals, map: &mut SourceMap, options: &LowerOptions) -> String {
    let normalised = normalise_line_ends(text);
    match parser::parse(&normalised) {
        Ok(root) => crate::eval::lower::show_root(&root, &normalised, file, globals, map, options),
        Err(_) => String::new(),
    }
}

/// The error for a file the parser rejected, in CppNix's words.
fn parse_failure(err: parser::ParseError, file: FileId, map: &mut SourceMap) -> EvalError {
    let pos = map.pos(file, err.start, err.end);
    EvalError::new(ErrorKind::Parse, err.message).at(pos)
}

/// Whether the parser and rnix disagree on accepting `text` (used by tests, as a second opinion
/// on what the grammar accepts).
pub fn parsers_disagree(text: &str) -> bool {
    let normalised = normalise_line_ends(text);
    parser::parse(&normalised).is_ok() != rnix::Root::parse(&normalised).errors().is_empty()
}

/// A lone carriage return ends a line (and a `#` comment) in CppNix's lexer; rnix only knows
/// `\n`. Replacing lone CRs by LFs keeps every byte offset unchanged.
pub fn normalise_line_ends(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'\r') || !bytes.iter().enumerate().any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
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
    let mut lexer = Lexer::new(text);
    loop {
        let t = lexer.next_token();
        match t.kind {
            Tok::Eof => return Ok(()),
            Tok::Error if lexer.nested_too_deeply() => {
                let pos = map.pos(file, t.start, t.end);
                return Err(EvalError::new(ErrorKind::Parse, "expression nested too deeply").at(pos));
            }
            // The parser stops at the first character that is no token, as CppNix's does.
            Tok::Error | Tok::Invalid => return Ok(()),
            _ => {}
        }
    }
}

/// Checks syntax only; returns the first error.
pub fn check_syntax(text: &str, file: FileId, map: &mut SourceMap) -> Result<(), EvalError> {
    let normalised = normalise_line_ends(text);
    match parser::parse(&normalised) {
        Ok(_) => Ok(()),
        Err(err) => {
            check_nesting(text, file, map)?;
            Err(parse_failure(err, file, map))
        }
    }
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

    /// Where rnix's lexer reads the text differently from CppNix's, the parser words the error.
    #[test]
    fn syntax_errors_are_found_where_cppnix_finds_them() {
        let cases = [
            ("let e = 1; in [ 1.5e +1 ]", "syntax error, unexpected '+'", 22),
            ("let e = 1; in { a = 1.5e; b }", "syntax error, unexpected '}', expecting '.' or '='", 29),
            ("[ .5e }", "syntax error, unexpected '}'", 7),
            ("{ a = 1 }", "syntax error, unexpected '}', expecting ';'", 9),
            ("x.", "syntax error, unexpected end of file, expecting ID or OR_KW or DOLLAR_CURLY or '\"'", 3),
        ];
        for (text, msg, col) in cases {
            let mut map = SourceMap::new();
            let file = map.add(crate::syntax::source::Origin::String, text.to_string().into());
            let err = check_syntax(text, file, &mut map).expect_err(text);
            assert_eq!(err.message(), msg, "{text}");
            assert_eq!(map.describe(err.pos()).map(|(_, _, c)| c), Some(col), "{text}");
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
        let files = super::tests_support::corpus();
        assert!(files.len() > 500, "only {} files found", files.len());
        for (path, text) in files {
            let quick = super::quick_nesting_depth(text.as_bytes());
            let exact = token_depth(&text);
            assert!(quick >= exact || exact < 10, "{}: quick {quick} < exact {exact}", path.display());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// Every Nix file of the language suite, the fixtures and the stand-ins, with its text.
    pub fn corpus() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("tests/lang"), root.join("fixtures"), root.join("src/flake/standins")];
        let mut out = Vec::new();
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "nix") {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        out.push((path, text));
                    }
                }
            }
        }
        out.sort();
        out
    }

    use super::lexer::{Lexer, Tok};

    /// The depth measured on the lexer's tokens (up to the first error).
    pub fn token_depth(text: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0usize);
        let mut lexer = Lexer::new(text);
        loop {
            match lexer.next_token().kind {
                Tok::LParen | Tok::LBrack | Tok::LBrace | Tok::Interp => {
                    depth += 1;
                    max = max.max(depth);
                }
                Tok::RParen | Tok::RBrack | Tok::RBrace => depth = depth.saturating_sub(1),
                Tok::Eof | Tok::Error | Tok::Invalid => return max,
                _ => {}
            }
        }
    }
}
