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
/// `--show-trace`, the frames from the outermost in, each with its location, then the error.
pub fn render(err: &EvalError, map: &SourceMap, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let data = &err.0;
    let head = paint(opts.color, "31;1", "error:");
    let indent = if opts.show_trace && !data.frames.is_empty() {
        let _ = writeln!(out, "{head}");
        for frame in data.frames.iter().rev() {
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
