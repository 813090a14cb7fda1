//! Renders an [`EvalError`] for people: the message, the source location with a snippet of the
//! offending line and a caret under the position, a hint, and (with `--show-trace`) every trace
//! frame, in the layout Nix users know. Colour is applied only when the caller asks for it.

use super::EvalError;
use crate::syntax::source::{Pos, SourceMap};
use std::fmt::Write;

pub struct RenderOptions {
    pub show_trace: bool,
    pub color: bool,
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Writes `at FILE:LINE:COL:` (indented by `indent` spaces) and a snippet of the source: the
/// line before, the line, a caret under the column, and the line after, as CppNix shows them.
fn write_location(out: &mut String, map: &SourceMap, pos: Pos, color: bool, indent: usize) {
    let Some(loc) = map.location(pos) else { return };
    let file = map.file(loc.file);
    let (line, col) = file.line_col(loc.start);
    let where_ = format!("{}:{}:{}", file.name(), line, col);
    let _ = writeln!(out, "{:indent$}at {}:", "", paint(color, "35", &where_));
    let first = line.saturating_sub(1).max(1);
    let n_lines = file.line_col(file.text.len() as u32).0;
    let last = (line + 1).min(n_lines);
    for l in first..=last {
        let text = file.line_text(l);
        if text.is_empty() {
            let _ = writeln!(out, "{:>13}|", l);
        } else {
            let _ = writeln!(out, "{:>13}| {}", l, text);
        }
        if l == line {
            let prefix: String = text.chars().take(col as usize - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let _ = writeln!(out, "{:>13}| {}{}", "", prefix, paint(color, "31", "^"));
        }
    }
}

/// Renders the error as text ending with a newline, in the layout of current CppNix: with
/// `--show-trace`, the frames from the outermost in, each with its location, then the error
/// (without it, only the frames marked to be shown always).
pub fn render(err: &EvalError, map: &SourceMap, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let data = &err.0;
    let head = paint(opts.color, "31;1", "error:");
    let shown = |f: &&super::Frame| opts.show_trace || f.always;
    let indent = if data.frames.iter().any(|f| shown(&f)) {
        let _ = writeln!(out, "{head}");
        for frame in data.frames.iter().rev().filter(shown) {
            let _ = writeln!(out, "       … {}", indent_message(&frame.message));
            write_location(&mut out, map, frame.pos, opts.color, 9);
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "       {} {}", head, indent_message(&data.message));
        7
    } else {
        let _ = writeln!(out, "{} {}", head, indent_message(&data.message));
        7
    };
    write_location(&mut out, map, data.pos, opts.color, indent);
    if let Some(h) = &data.hint {
        let _ = writeln!(out, "       {} {}", paint(opts.color, "36", "hint:"), h);
    }
    out
}

fn indent_message(msg: &str) -> String {
    msg.replace('\n', "\n       ")
}

/// Prepares one message for standard error as CppNix's logger does (`filterANSIEscapes`):
/// escape sequences are dropped, except colour sequences (`ESC [ ... m`) when `keep_colors`;
/// a tab becomes spaces up to the next multiple of 8 characters, counted from the start of
/// the message (CppNix does not restart the count at a newline); `\r` and `\a` are dropped.
pub fn filter_ansi(s: &str, keep_colors: bool) -> String {
    if !s.bytes().any(|b| matches!(b, 0x1b | b'\t' | b'\r' | 0x07)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut width = 0usize;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                let mut seq = String::from('\x1b');
                let mut last = None;
                if chars.peek() == Some(&'[') {
                    seq.push('[');
                    chars.next();
                    while let Some(&p) = chars.peek().filter(|p| ('\x30'..='\x3f').contains(p)) {
                        seq.push(p);
                        chars.next();
                    }
                    while let Some(&p) = chars.peek().filter(|p| ('\x20'..='\x2f').contains(p)) {
                        seq.push(p);
                        chars.next();
                    }
                    if let Some(&p) = chars.peek().filter(|p| ('\x40'..='\x7e').contains(p)) {
                        seq.push(p);
                        last = Some(p);
                        chars.next();
                    }
                } else if chars.peek().is_some_and(|p| ('\x40'..='\x5f').contains(p)) {
                    chars.next();
                }
                if keep_colors && last == Some('m') {
                    out.push_str(&seq);
                }
            }
            '\t' => {
                out.push(' ');
                width += 1;
                while width % 8 != 0 {
                    out.push(' ');
                    width += 1;
                }
            }
            '\r' | '\x07' => {}
            c => {
                out.push(c);
                width += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{filter_ansi, render, RenderOptions};
    use crate::error::EvalError;
    use crate::syntax::source::{Origin, SourceMap};

    #[test]
    fn frames_marked_always_shown_without_show_trace() {
        let mut map = SourceMap::new();
        let f = map.add(Origin::Builtin("t.nix"), "f x\n".into());
        let (call, fun) = (map.pos(f, 0, 3), map.pos(f, 2, 3));
        let err = EvalError::type_error("bad").at(fun).frame(call, "while calling x").frame_always(call, "from call site");
        let plain = render(&err, &map, &RenderOptions { show_trace: false, color: false });
        assert!(plain.starts_with("error:\n       … from call site\n"), "{plain}");
        assert!(!plain.contains("while calling"), "{plain}");
        assert!(plain.contains("       error: bad\n"), "{plain}");
        let traced = render(&err, &map, &RenderOptions { show_trace: true, color: false });
        assert!(traced.contains("while calling x"), "{traced}");
        let bare = render(&EvalError::type_error("bad").at(fun).frame(call, "x"), &map, &RenderOptions { show_trace: false, color: false });
        assert!(bare.starts_with("error: bad\n"), "{bare}");
    }

    #[test]
    fn escapes_dropped_or_kept() {
        assert_eq!(filter_ansi("a\x1b[1;35mX\x1b[0m b", false), "aX b");
        assert_eq!(filter_ansi("a\x1b[1;35mX\x1b[0m b", true), "a\x1b[1;35mX\x1b[0m b");
        // Not a colour sequence: dropped even when colours are kept.
        assert_eq!(filter_ansi("a\x1b[2Kb\x1b(c", true), "ab(c");
        assert_eq!(filter_ansi("plain", false), "plain");
    }

    #[test]
    fn tabs_expand_from_message_start() {
        assert_eq!(filter_ansi("error: X y\tz", false), "error: X y      z");
        assert_eq!(filter_ansi("ab\ncd\te", false), "ab\ncd   e");
        assert_eq!(filter_ansi("a\r\x07b", false), "ab");
    }
}
