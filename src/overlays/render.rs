//! Renderings of an overlay [`Report`]: a readable table per package set (`text`), a JSON
//! document for tools, and graphs of the layer stacks with their `final`/`prev` reads for
//! Graphviz (`dot`) and Mermaid. Everything here is pure formatting of what the analysis
//! observed; nothing is evaluated.

use super::{Cycle, DefCtx, Report, Scope, Severity, Via};
use crate::eval::symbol::Symbol;
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// What the report is about, for the headings.
pub struct Heading {
    /// `overlays.default`, `«expression»`.
    pub overlay: String,
    /// `nixpkgs (nixeval's stand-in, x86_64-linux)`.
    pub base: String,
}

/// One attribute's definition, as shown.
struct DefRow {
    layer: usize,
    status: String,
    reads: Vec<String>,
}

fn layer_ref(s: &Scope, i: usize) -> String {
    format!("#{} {}", i, s.layers[i].label)
}

/// Who sees layer `i`'s definition of `name` through `prev`.
fn prev_readers(s: &Scope, i: usize, name: Symbol) -> Vec<usize> {
    (i + 1..s.layers.len())
        .filter(|&j| {
            s.layers[j].reads.iter().any(|r| r.via == Via::Prev && r.attr == name) && s.definer_below(j, name) == Some(i)
        })
        .collect()
}

fn read_text(s: &Scope, reader: usize, via: Via, attr: Symbol) -> String {
    let seen = match via {
        Via::Final => s.winner(attr),
        Via::Prev => s.definer_below(reader, attr),
    };
    match seen {
        Some(k) => format!("{}.{} → {}", via.as_str(), attr.as_str(), layer_ref(s, k)),
        None => format!("{}.{} → (missing)", via.as_str(), attr.as_str()),
    }
}

fn def_rows(s: &Scope, name: Symbol) -> Vec<DefRow> {
    let winner = s.winner(name);
    let mut rows = Vec::new();
    let base_has = s.base_attrs.as_ref().is_some_and(|a| a.contains(name));
    let definers: Vec<usize> =
        (0..s.layers.len()).filter(|&i| if i == 0 { base_has } else { s.layers[i].defines(name) }).collect();
    for &i in &definers {
        let l = &s.layers[i];
        let readers = prev_readers(s, i, name);
        let mut status = if Some(i) == winner {
            "wins".to_string()
        } else {
            let above = definers.iter().find(|&&j| j > i).copied().unwrap_or(i);
            format!("under #{above}")
        };
        if !readers.is_empty() {
            let r: Vec<String> = readers.iter().map(|r| format!("#{r}")).collect();
            let _ = write!(status, ", prev of {}", r.join(" "));
        }
        let mut reads = Vec::new();
        if i > 0 {
            if let Some((_, msg)) = l.errors.iter().find(|(n, _)| *n == name) {
                reads.push(format!("error: {msg}"));
            }
            for r in l.reads.iter().filter(|r| r.def == DefCtx::Attr(name)) {
                reads.push(read_text(s, i, r.via, r.attr));
            }
            if !l.evaluated.contains(&name) {
                reads.push("(not evaluated)".to_string());
            } else if reads.is_empty() {
                reads.push("(reads nothing)".to_string());
            }
        }
        rows.push(DefRow { layer: i, status, reads });
    }
    rows
}

/// The attributes a scope shows (after `--attr`).
fn shown_attrs(report: &Report, s: &Scope) -> Vec<Symbol> {
    s.overlay_attrs()
        .into_iter()
        .filter(|a| {
            report.filter.is_empty()
                || report.filter.iter().any(|f| f == a.as_str() || *f == format!("{}.{}", s.name, a.as_str()))
        })
        .collect()
}

/// Where a layer comes from: its position (unless it is already its name) and the composed
/// overlay it is part of.
fn where_of(i: usize, l: &super::Layer) -> String {
    if i == 0 {
        return "(base)".to_string();
    }
    let pos = l.origin.as_deref().filter(|o| *o != l.label);
    match (pos, &l.part_of) {
        (Some(o), Some(p)) => format!("{o}, in {p}"),
        (Some(o), None) => o.to_string(),
        (None, Some(p)) => format!("in {p}"),
        (None, None) => "-".to_string(),
    }
}

fn bold(color: bool, s: &str) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn sev(color: bool, s: Severity) -> String {
    if !color {
        return s.as_str().to_string();
    }
    let c = match s {
        Severity::Error => "31;1",
        Severity::Warning => "35;1",
        Severity::Note => "36;1",
    };
    format!("\x1b[{c}m{}\x1b[0m", s.as_str())
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// The readable rendering: each package set's layer stack and attribute table, then findings.
pub fn text(report: &Report, h: &Heading, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} applied to {}", bold(color, &h.overlay), h.base);
    out.push_str(
        "Reading guide: layers apply bottom to top. `prev` is the set the layers below a layer made; \
         `final` is the finished set at the top (late-bound: it sees every later layer).\n",
    );
    for (si, s) in report.scopes.iter().enumerate() {
        out.push('\n');
        let title = match &s.via {
            None => format!("{}: {} layer(s)", s.name, s.layers.len()),
            Some(v) => format!("{}, nested: built from final.{}: {} layer(s)", s.name, v, s.layers.len()),
        };
        let _ = writeln!(out, "{}", bold(color, &title));
        let lw = s.layers.iter().map(|l| l.label.chars().count()).max().unwrap_or(0);
        let wheres: Vec<String> = s.layers.iter().enumerate().map(|(i, l)| where_of(i, l)).collect();
        let ow = wheres.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        for (i, l) in s.layers.iter().enumerate().rev() {
            let origin = wheres[i].clone();
            let mut line = format!("  #{:<2} {}  {}", i, pad(&l.label, lw), pad(&origin, ow));
            if let Some((a, b)) = &l.args {
                let _ = write!(line, "  {a}: {b}:");
            }
            if i > 0 {
                match &l.defines {
                    Some(d) => {
                        let mut names: Vec<&str> = d.iter().map(|s| s.as_str()).collect();
                        names.sort_unstable();
                        let _ = write!(line, "  defines {}", if names.is_empty() { "nothing".to_string() } else { names.join(" ") });
                    }
                    None => line.push_str("  (never applied)"),
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let attrs = shown_attrs(report, s);
        let mut rows: Vec<[String; 4]> = Vec::new();
        for a in &attrs {
            for (k, r) in def_rows(s, *a).into_iter().enumerate() {
                let name = if k == 0 { a.as_str().to_string() } else { String::new() };
                let mut reads = r.reads.into_iter();
                rows.push([name, layer_ref(s, r.layer), r.status, reads.next().unwrap_or_default()]);
                for more in reads {
                    rows.push([String::new(), String::new(), String::new(), more]);
                }
            }
        }
        // Reads made while building a layer's set, or later from functions it returned.
        for (i, l) in s.layers.iter().enumerate().skip(1) {
            for (ctx, what) in [(DefCtx::Body, "(its set)"), (DefCtx::Escaped, "(functions it returned)")] {
                let reads: Vec<String> = l.reads.iter().filter(|r| r.def == ctx).map(|r| read_text(s, i, r.via, r.attr)).collect();
                for (k, rd) in reads.into_iter().enumerate() {
                    let (n, ly) = if k == 0 { (what.to_string(), layer_ref(s, i)) } else { (String::new(), String::new()) };
                    rows.push([n, ly, String::new(), rd]);
                }
            }
        }
        if rows.is_empty() {
            out.push_str("  (no attributes defined by overlays)\n");
        } else {
            let head = ["ATTRIBUTE", "DEFINED BY (bottom to top)", "IN FINAL", "READS (observed while evaluating)"];
            let mut w = [0usize; 3];
            for (k, wk) in w.iter_mut().enumerate() {
                *wk = rows.iter().map(|r| r[k].chars().count()).chain([head[k].len()]).max().unwrap_or(0);
            }
            out.push('\n');
            let hl = format!("  {}  {}  {}  {}", pad(head[0], w[0]), pad(head[1], w[1]), pad(head[2], w[2]), head[3]);
            let _ = writeln!(out, "{}", bold(color, &hl));
            for r in rows {
                let line = format!("  {}  {}  {}  {}", pad(&r[0], w[0]), pad(&r[1], w[1]), pad(&r[2], w[2]), r[3]);
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
        let _ = si;
    }
    out.push('\n');
    if report.findings.is_empty() {
        out.push_str("No classic overlay mistakes found.\n");
    } else {
        let _ = writeln!(out, "{}", bold(color, "Findings:"));
        for f in &report.findings {
            let _ = writeln!(out, "  {} [{}]: {}", sev(color, f.severity), f.code, f.message);
            for line in wrap(&f.explanation, 90) {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    out
}

fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `overlays.a: x ─final.y→ overlays.b: y ─final.x→ overlays.a: x`.
pub fn cycle_path(report: &Report, c: &Cycle) -> String {
    let mut out = String::new();
    for (k, st) in c.steps.iter().enumerate() {
        let s = &report.scopes[st.scope];
        if k > 0 {
            match st.reached_by {
                Some((via, a)) => {
                    let _ = write!(out, " ─{}.{}→ ", via.as_str(), a.as_str());
                }
                None => out.push_str(" → "),
            }
        }
        let what = st.attr.map_or("(its set)".to_string(), |a| a.as_str().to_string());
        let _ = write!(out, "{}'s {}", s.layers[st.layer].label, what);
    }
    let (_, via, name) = c.closing;
    let s = &report.scopes[c.steps[0].scope];
    let first = &c.steps[0];
    let _ = write!(
        out,
        " ─{}.{}→ {}'s {} (still being evaluated)",
        via.as_str(),
        name.as_str(),
        s.layers[first.layer].label,
        first.attr.map_or("(its set)", |a| a.as_str())
    );
    out
}

fn seen_json(s: &Scope, reader: usize, via: Via, attr: Symbol) -> Json {
    let seen = match via {
        Via::Final => s.winner(attr),
        Via::Prev => s.definer_below(reader, attr),
    };
    json!(seen)
}

/// The JSON document.
pub fn to_json(report: &Report, h: &Heading) -> Json {
    let mut scopes = Vec::new();
    for s in &report.scopes {
        let layers: Vec<Json> = s
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut defines: Vec<&str> = l.defines.iter().flatten().map(|s| s.as_str()).collect();
                defines.sort_unstable();
                json!({
                    "index": i,
                    "label": l.label,
                    "base": i == 0,
                    "origin": l.origin,
                    "partOf": l.part_of,
                    "arguments": l.args.as_ref().map(|(a, b)| vec![a.clone(), b.clone()]),
                    "defines": if i == 0 { Json::Null } else { json!(defines) },
                    "reads": l.reads.iter().map(|r| json!({
                        "in": match r.def { DefCtx::Attr(a) => json!(a.as_str()), DefCtx::Body => json!("(its set)"), DefCtx::Escaped => json!("(functions it returned)") },
                        "from": r.via.as_str(),
                        "attribute": r.attr.as_str(),
                        "sees": seen_json(s, i, r.via, r.attr),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let attrs: Vec<Json> = shown_attrs(report, s)
            .into_iter()
            .map(|a| {
                let defs: Vec<Json> = def_rows(s, a)
                    .into_iter()
                    .map(|r| {
                        let l = &s.layers[r.layer];
                        json!({
                            "layer": r.layer,
                            "wins": s.winner(a) == Some(r.layer),
                            "evaluated": if r.layer == 0 { Json::Null } else { json!(l.evaluated.contains(&a)) },
                            "error": l.errors.iter().find(|(n, _)| *n == a).map(|(_, m)| m.clone()),
                            "seenAsPrevBy": prev_readers(s, r.layer, a),
                            "reads": l.reads.iter().filter(|x| x.def == DefCtx::Attr(a)).map(|x| json!({
                                "from": x.via.as_str(),
                                "attribute": x.attr.as_str(),
                                "sees": seen_json(s, r.layer, x.via, x.attr),
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                json!({ "name": a.as_str(), "winner": s.winner(a), "definitions": defs })
            })
            .collect();
        scopes.push(json!({ "name": s.name, "nestedVia": s.via, "layers": layers, "attributes": attrs }));
    }
    let findings: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "code": f.code,
                "severity": f.severity.as_str(),
                "set": report.scopes[f.scope].name,
                "layer": f.layer,
                "attribute": f.attr,
                "message": f.message,
                "explanation": f.explanation,
            })
        })
        .collect();
    json!({
        "overlay": h.overlay,
        "base": h.base,
        "sets": scopes,
        "findings": findings,
        "error": report.fatal.as_ref().map(|e| e.message().to_string()),
    })
}

/// Edges of the graph: (reader scope, reader layer, seen layer, via, attribute).
fn read_edges(s: &Scope) -> Vec<(usize, usize, Via, String)> {
    let mut v = Vec::new();
    for (i, l) in s.layers.iter().enumerate().skip(1) {
        for r in &l.reads {
            let seen = match r.via {
                Via::Final => s.winner(r.attr),
                Via::Prev => s.definer_below(i, r.attr),
            };
            if let Some(k) = seen {
                let e = (i, k, r.via, r.attr.as_str().to_string());
                if !v.contains(&e) {
                    v.push(e);
                }
            }
        }
    }
    v
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn node_label(s: &Scope, i: usize) -> String {
    let l = &s.layers[i];
    match where_of(i, l).as_str() {
        "-" => format!("#{i} {}", l.label),
        w => format!("#{i} {}\n{w}", l.label),
    }
}

/// The Graphviz rendering: one cluster per package set, the stack as bold edges upwards,
/// `prev` reads as solid and `final` reads as dashed edges from the reading layer to the layer
/// whose definition it got.
pub fn dot(report: &Report, h: &Heading) -> String {
    let mut out = String::new();
    out.push_str("digraph overlays {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n  edge [fontname=\"monospace\", fontsize=10];\n");
    let _ = writeln!(out, "  label=\"{} applied to {}\";\n  labelloc=t;", dot_escape(&h.overlay), dot_escape(&h.base));
    for (si, s) in report.scopes.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{si} {{");
        let title = match &s.via {
            None => s.name.clone(),
            Some(v) => format!("{} (from final.{})", s.name, v),
        };
        let _ = writeln!(out, "    label=\"{}\";", dot_escape(&title));
        for i in 0..s.layers.len() {
            let _ = writeln!(out, "    s{si}_l{i} [label=\"{}\"];", dot_escape(&node_label(s, i)));
        }
        for i in 1..s.layers.len() {
            let _ = writeln!(out, "    s{si}_l{} -> s{si}_l{i} [style=bold, color=gray, label=\"prev\"];", i - 1);
        }
        out.push_str("  }\n");
        for (i, k, via, a) in read_edges(s) {
            let style = match via {
                Via::Final => "style=dashed, color=red",
                Via::Prev => "style=solid, color=blue",
            };
            let _ = writeln!(out, "  s{si}_l{i} -> s{si}_l{k} [{style}, label=\"{}.{}\"];", via.as_str(), dot_escape(&a));
        }
        if let Some(v) = &s.via {
            if let Some(w) = report.scopes[0].winner(Symbol::new(v)) {
                let _ = writeln!(out, "  s0_l{w} -> s{si}_l0 [style=dotted, label=\"{}\"];", dot_escape(v));
            }
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

/// The Mermaid rendering (a `flowchart`), with the same nodes and edges as [`dot`].
pub fn mermaid(report: &Report, h: &Heading) -> String {
    let mut out = String::new();
    out.push_str("flowchart BT\n");
    let _ = writeln!(out, "  %% {} applied to {}", h.overlay.replace('\n', " "), h.base.replace('\n', " "));
    for (si, s) in report.scopes.iter().enumerate() {
        let title = match &s.via {
            None => s.name.clone(),
            Some(v) => format!("{} (from final.{})", s.name, v),
        };
        let _ = writeln!(out, "  subgraph s{si}[\"{}\"]", mermaid_escape(&title));
        for i in 0..s.layers.len() {
            let _ = writeln!(out, "    s{si}_l{i}[\"{}\"]", mermaid_escape(&node_label(s, i)));
        }
        out.push_str("  end\n");
        for i in 1..s.layers.len() {
            let _ = writeln!(out, "  s{si}_l{} ==>|prev| s{si}_l{i}", i - 1);
        }
        for (i, k, via, a) in read_edges(s) {
            let arrow = match via {
                Via::Final => "-.->",
                Via::Prev => "-->",
            };
            let _ = writeln!(out, "  s{si}_l{i} {arrow}|\"{}.{}\"| s{si}_l{k}", via.as_str(), mermaid_escape(&a));
        }
        if let Some(v) = &s.via {
            if let Some(w) = report.scopes[0].winner(Symbol::new(v)) {
                let _ = writeln!(out, "  s0_l{w} -.-|\"{}\"| s{si}_l0", mermaid_escape(v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_and_escaping() {
        assert_eq!(wrap("a b c", 3), vec!["a b", "c"]);
        assert_eq!(dot_escape("a\"b\\"), "a\\\"b\\\\");
        assert_eq!(mermaid_escape("a\"b\nc"), "a#quot;b<br/>c");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
