//! Rendering a [`Report`] as text: `human` (rustc-style snippets grouped by output, then a
//! summary line), `json` (an array with one object per finding), `github` (GitHub Actions
//! workflow commands, so findings show inline on pull requests) and `sarif` (SARIF 2.1.0 for
//! code-scanning tools). Every renderer returns a string; nothing here prints or decides an
//! exit status. Colour (ANSI) is used only when the caller asks for it.

use super::{Finding, Report, Severity, Span, RULES};
use serde_json::{json, Map, Value as J};
use std::fmt::Write;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// Renders `report` in `format`; `color` applies to `human` only.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human(report, color),
        Format::Json => json_lines(report),
        Format::Github => github(report),
        Format::Sarif => sarif(report),
    }
}

/// The findings grouped by output: outputs in the order they were checked, `inputs` last.
pub fn grouped(report: &Report) -> Vec<(&str, Vec<&Finding>)> {
    let mut order: Vec<&str> = report.outputs.iter().map(String::as_str).collect();
    for f in &report.findings {
        if !order.contains(&f.output.as_str()) {
            order.push(&f.output);
        }
    }
    if let Some(i) = order.iter().position(|o| *o == "inputs") {
        let x = order.remove(i);
        order.push(x);
    }
    order
        .into_iter()
        .filter_map(|o| {
            let fs: Vec<&Finding> = report.findings.iter().filter(|f| f.output == o).collect();
            (!fs.is_empty()).then_some((o, fs))
        })
        .collect()
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{}m{}\x1b[0m", code, text)
    } else {
        text.to_string()
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{} {}{}", n, word, if n == 1 { "" } else { "s" })
}

fn human(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for (output, findings) in grouped(report) {
        let title = if output == "inputs" { "inputs and flake.lock".to_string() } else { format!("output '{}'", output) };
        let _ = writeln!(out, "{}", paint(color, "1", &format!("── {} ──", title)));
        for f in findings {
            human_finding(&mut out, f, color);
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if !report.omitted_systems.is_empty() {
        let systems: Vec<&str> = report.omitted_systems.iter().map(String::as_str).collect();
        let _ = writeln!(
            out,
            "{} the outputs of these systems were not checked: {} (use '--all-systems' to check them)",
            paint(color, "1", "note:"),
            systems.join(", ")
        );
    }
    if errors == 0 && warnings == 0 {
        let _ = writeln!(out, "{}", paint(color, "32", "all checks passed!"));
    } else {
        let head = if errors > 0 { paint(color, "31;1", "error:") } else { paint(color, "33;1", "warning:") };
        let _ = writeln!(
            out,
            "{} {}, {} in {} checked",
            head,
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(report.outputs.len(), "output")
        );
    }
    out
}

fn human_finding(out: &mut String, f: &Finding, color: bool) {
    let (word, code) = match f.severity {
        Severity::Error => ("error", "31;1"),
        Severity::Warning => ("warning", "33;1"),
    };
    let _ = writeln!(out, "{}{}", paint(color, code, &format!("{}[{}]", word, f.code)), paint(color, "1", &format!(": {}", f.message)));
    let blue = |s: &str| paint(color, "34;1", s);
    match &f.span {
        Some(s) => {
            let num = s.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{}{} {}:{}:{}", pad, blue("-->"), s.file, s.line, s.column);
            let _ = writeln!(out, "{} {}", pad, blue("|"));
            let _ = writeln!(out, "{} {} {}", blue(&num), blue("|"), s.source_line);
            let _ = writeln!(out, "{} {} {}", pad, blue("|"), underline(s, f, color, code));
            for n in &f.notes {
                let _ = writeln!(out, "{} {} note: {}", pad, blue("="), n);
            }
            if let Some(fix) = &f.fix {
                let _ = writeln!(out, "{} {} help: {}", pad, blue("="), fix.description);
            }
        }
        None => {
            let _ = writeln!(out, " {} {}", blue("-->"), f.attr_path);
            for n in &f.notes {
                let _ = writeln!(out, "  {} note: {}", blue("="), n);
            }
            if let Some(fix) = &f.fix {
                let _ = writeln!(out, "  {} help: {}", blue("="), fix.description);
            }
        }
    }
    out.push('\n');
}

fn underline(s: &Span, f: &Finding, color: bool, code: &str) -> String {
    let start = (s.column as usize).saturating_sub(1);
    let prefix: String = s.source_line.chars().take(start).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let line_len = s.source_line.chars().count();
    let width = if s.end_line == s.line && s.end_column > s.column {
        (s.end_column - s.column) as usize
    } else {
        line_len.saturating_sub(start).max(1)
    };
    let marks = "^".repeat(width.clamp(1, 200));
    let label = f.label.as_deref().map(|l| format!(" {}", l)).unwrap_or_default();
    format!("{}{}", prefix, paint(color, code, &format!("{}{}", marks, label)))
}

fn span_json(s: &Span) -> Map<String, J> {
    let mut m = Map::new();
    m.insert("file".into(), json!(s.file));
    m.insert("line".into(), json!(s.line));
    m.insert("column".into(), json!(s.column));
    m.insert("endLine".into(), json!(s.end_line));
    m.insert("endColumn".into(), json!(s.end_column));
    m
}

/// One finding as a JSON object.
pub fn finding_json(f: &Finding) -> J {
    let mut m = Map::new();
    m.insert("code".into(), json!(f.code));
    m.insert("severity".into(), json!(f.severity.as_str()));
    m.insert("message".into(), json!(f.message));
    m.insert("output".into(), json!(f.output));
    m.insert("attrPath".into(), json!(f.attr_path));
    match &f.span {
        Some(s) => m.extend(span_json(s)),
        None => {
            for k in ["file", "line", "column", "endLine", "endColumn"] {
                m.insert(k.into(), J::Null);
            }
        }
    }
    m.insert("notes".into(), json!(f.notes));
    m.insert(
        "fix".into(),
        match &f.fix {
            None => J::Null,
            Some(fix) => {
                let mut x = Map::new();
                x.insert("description".into(), json!(fix.description));
                if let Some(e) = &fix.edit {
                    let mut em = span_json(&e.span);
                    em.insert("replacement".into(), json!(e.replacement));
                    x.insert("edit".into(), J::Object(em));
                }
                J::Object(x)
            }
        },
    );
    J::Object(m)
}

fn json_lines(report: &Report) -> String {
    if report.findings.is_empty() {
        return "[]\n".into();
    }
    let mut out = String::from("[\n");
    for (i, f) in report.findings.iter().enumerate() {
        out.push_str("  ");
        out.push_str(&finding_json(f).to_string());
        out.push_str(if i + 1 == report.findings.len() { "\n" } else { ",\n" });
    }
    out.push_str("]\n");
    out
}

/// Escapes the message of a workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(s) = f.span.as_ref().filter(|s| !s.file.starts_with('/')) {
            props.push(format!("file={}", gh_prop(&s.file)));
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.column));
            props.push(format!("endLine={}", s.end_line));
            props.push(format!("endColumn={}", s.end_column));
        }
        let rule = super::rule_of(f.code).map(|r| r.name).unwrap_or("");
        props.push(format!("title={}", gh_prop(&format!("{} {}", f.code, rule))));
        let mut msg = format!("{}: {}", f.attr_path, f.message);
        if let Some(s) = f.span.as_ref().filter(|s| s.file.starts_with('/')) {
            let _ = write!(msg, "\nat {}:{}:{}", s.file, s.line, s.column);
        }
        if let Some(fix) = &f.fix {
            let _ = write!(msg, "\nhelp: {}", fix.description);
        }
        let _ = writeln!(out, "::{} {}::{}", cmd, props.join(","), gh_data(&msg));
    }
    out
}

fn region(s: &Span) -> J {
    json!({ "startLine": s.line, "startColumn": s.column, "endLine": s.end_line, "endColumn": s.end_column })
}

fn artifact(file: &str) -> J {
    if file.starts_with('/') {
        json!({ "uri": format!("file://{}", file) })
    } else {
        json!({ "uri": file, "uriBaseId": "%SRCROOT%" })
    }
}

fn sarif(report: &Report) -> String {
    let rules: Vec<J> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "defaultConfiguration": { "level": r.severity.as_str() },
            })
        })
        .collect();
    let results: Vec<J> = report
        .findings
        .iter()
        .map(|f| {
            let mut r = Map::new();
            r.insert("ruleId".into(), json!(f.code));
            if let Some(i) = RULES.iter().position(|r| r.code == f.code) {
                r.insert("ruleIndex".into(), json!(i));
            }
            r.insert("level".into(), json!(f.severity.as_str()));
            let mut text = f.message.clone();
            if let Some(fix) = &f.fix {
                let _ = write!(text, " (help: {})", fix.description);
            }
            r.insert("message".into(), json!({ "text": text }));
            let mut location = Map::new();
            if let Some(s) = &f.span {
                location.insert("physicalLocation".into(), json!({ "artifactLocation": artifact(&s.file), "region": region(s) }));
            }
            location.insert("logicalLocations".into(), json!([{ "fullyQualifiedName": f.attr_path, "kind": "member" }]));
            r.insert("locations".into(), json!([J::Object(location)]));
            if let Some(e) = f.fix.as_ref().and_then(|x| x.edit.as_ref().map(|e| (x, e))) {
                let (fix, edit) = e;
                r.insert(
                    "fixes".into(),
                    json!([{
                        "description": { "text": fix.description },
                        "artifactChanges": [{
                            "artifactLocation": artifact(&edit.span.file),
                            "replacements": [{ "deletedRegion": region(&edit.span), "insertedContent": { "text": edit.replacement } }],
                        }],
                    }]),
                );
            }
            J::Object(r)
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "nixeval",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The root of the flake's source tree" } } },
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let span = Span { file: "flake.nix".into(), line: 3, column: 5, end_line: 3, end_column: 12, source_line: "    default = { };".into() };
        let mut f = Finding::new("E002", "packages", "packages.x86_64-linux.default".into(), "not a derivation, 100%: yes".into());
        f.span = Some(span);
        Report { findings: vec![f], outputs: vec!["packages".into()], ..Report::default() }
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let text = render(&sample(), Format::Github, false);
        assert_eq!(
            text,
            "::error file=flake.nix,line=3,col=5,endLine=3,endColumn=12,title=E002 not-a-derivation::packages.x86_64-linux.default: not a derivation, 100%25: yes\n"
        );
        assert_eq!(gh_prop("a,b:c\n"), "a%2Cb%3Ac%0A");
    }

    #[test]
    fn human_output_underlines_the_span() {
        let text = render(&sample(), Format::Human, false);
        assert!(text.contains("error[E002]: not a derivation"), "{text}");
        assert!(text.contains("--> flake.nix:3:5"), "{text}");
        assert!(text.contains("  |     ^^^^^^^\n"), "{text}");
        assert!(text.ends_with("error: 1 error, 0 warnings in 1 output checked\n"), "{text}");
    }

    #[test]
    fn empty_reports_render_as_clean() {
        let r = Report::default();
        assert_eq!(render(&r, Format::Json, false), "[]\n");
        assert_eq!(render(&r, Format::Human, false), "all checks passed!\n");
        let s: J = serde_json::from_str(&render(&r, Format::Sarif, false)).unwrap();
        assert_eq!(s["version"], "2.1.0");
        assert_eq!(s["runs"][0]["results"], json!([]));
    }
}
