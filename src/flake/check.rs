//! `nixeval check`: a flake's mistakes as data ([`Finding`]s), found by evaluating its outputs
//! the way `nix flake check` does and by reading its inputs and `flake.lock`.
//!
//! [`check_outputs`] follows current CppNix's `CmdFlakeCheck`: which outputs are known and how
//! each kind is checked (derivations with their `drvPath` computed, apps, overlays, NixOS
//! modules and configurations, `hydraJobs`, templates, bundlers, system names, deprecated and
//! unknown outputs), with the reference's messages as the first words of ours. Unlike the
//! reference it never stops at the first error: every failing attribute becomes its own
//! finding, with its attribute path and the position in the flake's own files that is closest
//! to the mistake. [`inputs::check_inputs`] adds what `nix` does not check: inputs missing from
//! or stale in `flake.lock`, `follows` that lead nowhere, unused inputs, several nixpkgs
//! revisions, unlocked or mutable references. [`format`] renders findings (human, JSON,
//! GitHub workflow commands, SARIF); nothing here prints or builds anything, and nothing here
//! writes `flake.lock`.
//!
//! Every finding has a stable code from [`RULES`]: `E` (an error: `nix flake check` fails, or
//! the flake cannot work) or `W` (a warning), then three digits. Codes are never renumbered.

pub mod format;
pub mod inputs;

use crate::error::EvalError;
use crate::eval::expr::Param;
use crate::eval::symbol::Symbol;
use crate::eval::value::{AttrEntry, Attrs, Thunk};
use crate::eval::{Evaluator, Value};
use crate::flake::call::LoadedFlake;
use crate::syntax::source::Pos;
use std::collections::BTreeSet;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One rule: its stable code, severity and what it is about.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// A short kebab-case name (`not-a-derivation`).
    pub name: &'static str,
    /// One sentence saying what the rule reports.
    pub summary: &'static str,
}

const fn rule(code: &'static str, severity: Severity, name: &'static str, summary: &'static str) -> Rule {
    Rule { code, severity, name, summary }
}

use Severity::{Error as E, Warning as W};

/// Every rule, by code. Codes are stable: never reused or renumbered.
pub const RULES: &[Rule] = &[
    rule("E001", E, "evaluation-error", "An output (or part of one) fails to evaluate."),
    rule("E002", E, "not-a-derivation", "An output that must be a derivation is something else, or its derivation path cannot be computed."),
    rule("E003", E, "invalid-system", "A system name has no '-' (systems look like 'x86_64-linux')."),
    rule("W004", W, "unknown-system", "A system name looks like a misspelling of a known system."),
    rule("E005", E, "not-a-set", "An output (or a per-system part of one) must be an attribute set."),
    rule("E010", E, "app-type", "An app lacks attribute 'type', or its type is not the string \"app\"."),
    rule("E011", E, "app-program", "An app lacks attribute 'program', or it is not a string."),
    rule("E012", E, "app-attribute", "An app has an attribute other than 'type', 'program' and 'meta'."),
    rule("W013", W, "app-meta", "An app lacks 'meta' or 'meta.description'."),
    rule("E020", E, "overlay-not-function", "An overlay is not a function."),
    rule("E021", E, "overlay-arguments", "An overlay's first argument is not named 'final' (or '_', '_final')."),
    rule("E030", E, "module-type", "A NixOS module is neither a function, an attribute set nor a path."),
    rule("E040", E, "nixos-configuration", "A NixOS configuration has no derivation at 'config.system.build.toplevel'."),
    rule("E050", E, "hydra-jobset", "A Hydra jobset is a derivation at the top level."),
    rule("E060", E, "template-path", "A template lacks 'path', or its path does not exist."),
    rule("E061", E, "template-description", "A template lacks 'description'."),
    rule("E062", E, "template-attribute", "A template has an attribute other than 'path', 'description' and 'welcomeText'."),
    rule("E070", E, "bundler", "A bundler is not a function."),
    rule("W080", W, "deprecated-output", "An output name is deprecated (defaultPackage, overlay, devShell, ...)."),
    rule("W081", W, "unknown-output", "An output name is not one nix knows."),
    rule("E100", E, "follows-nowhere", "An input follows an input that does not exist."),
    rule("W101", W, "input-not-locked", "An input is declared in flake.nix but has no entry in flake.lock."),
    rule("W102", W, "lock-entry-unused", "flake.lock has an entry for an input flake.nix no longer declares."),
    rule("W103", W, "lock-entry-stale", "An input's lock entry was made for a different reference."),
    rule("W104", W, "unused-input", "An input is declared but the outputs never use it."),
    rule("W105", W, "nixpkgs-revisions", "The lock holds several nixpkgs revisions; an input does not follow the flake's nixpkgs."),
    rule("E106", E, "unlocked-reference", "A lock entry does not pin its source (no revision or hash)."),
    rule("W107", W, "mutable-path-input", "An input is an absolute local path outside the repository."),
    rule("W090", W, "unavailable-input", "An output depends on an input that is not available offline; it could not be checked."),
    rule("W091", W, "placeholder-input", "A derivation was computed with placeholder paths for an input that is not available offline."),
];

/// The rule with this code.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// A range in a file: 1-based lines and columns (bytes, as CppNix counts), end exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Relative to the flake's source tree when inside it (`flake.nix`, `sub/flake.nix`);
    /// otherwise the path as the evaluator sees it.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The text of the first line of the span (for snippets).
    pub source_line: String,
}

/// A text edit: replace `span` with `replacement` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// How to fix a finding: always a sentence, and an edit when the fix is mechanical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edit: Option<Edit>,
}

/// One problem found in a flake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// What was found and what was expected.
    pub message: String,
    /// The top-level output (`packages`), or `inputs` for input and lock findings.
    pub output: String,
    /// The attribute path (`packages.x86_64-linux.default`, `inputs.nixpkgs`).
    pub attr_path: String,
    pub span: Option<Span>,
    /// A short label for the snippet (`defined here`).
    pub label: Option<String>,
    /// Extra lines: the evaluation trace, details.
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Finding {
    fn new(code: &'static str, output: &str, attr_path: String, message: String) -> Finding {
        let severity = rule_of(code).map_or(Severity::Error, |r| r.severity);
        Finding {
            code,
            severity,
            message,
            output: output.to_string(),
            attr_path,
            span: None,
            label: None,
            notes: Vec::new(),
            fix: None,
        }
    }
}

/// What to check.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The current system: per-system outputs of other systems are only checked with
    /// `all_systems`.
    pub system: String,
    pub all_systems: bool,
}

/// The result of checking a flake.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Systems whose outputs were not evaluated (without `--all-systems`).
    pub omitted_systems: BTreeSet<String>,
    /// The top-level outputs that were checked.
    pub outputs: Vec<String>,
}

impl Report {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/// Turns evaluator positions into [`Span`]s relative to the flake's source tree.
pub struct Locator {
    /// `/nix/store/<hash>-source/`: files under it belong to the flake.
    prefix: String,
}

impl Locator {
    pub fn new(flake: &LoadedFlake) -> Locator {
        Locator { prefix: format!("{}/", flake.root.store_path) }
    }

    /// Whether a position is in one of the flake's own files.
    pub fn is_local(&self, ev: &Evaluator, pos: Pos) -> bool {
        ev.sources.describe(pos).is_some_and(|(name, _, _)| name.starts_with(&self.prefix))
    }

    pub fn span(&self, ev: &Evaluator, pos: Pos) -> Option<Span> {
        let loc = ev.sources.location(pos)?;
        let file = ev.sources.file(loc.file);
        let (line, column) = file.line_col(loc.start);
        let (end_line, end_column) = file.line_col(loc.end.max(loc.start));
        let name = file.name();
        let shown = name.strip_prefix(&self.prefix).map(str::to_string).unwrap_or(name);
        Some(Span { file: shown, line, column, end_line, end_column, source_line: file.line_text(line).to_string() })
    }

    /// The best position for an error: its own if that is in the flake's files, else the
    /// innermost trace frame in them, else `fallback`.
    fn error_pos(&self, ev: &Evaluator, e: &EvalError, fallback: Pos) -> Pos {
        if self.is_local(ev, e.pos()) {
            return e.pos();
        }
        for f in &e.0.frames {
            if self.is_local(ev, f.pos) {
                return f.pos;
            }
        }
        if !e.pos().is_none() && fallback.is_none() {
            return e.pos();
        }
        fallback
    }
}

// ---------------------------------------------------------------------------------------------
// Checking outputs
// ---------------------------------------------------------------------------------------------

/// Deprecated outputs and what replaces them (CppNix's list).
pub const DEPRECATED: &[(&str, &str)] = &[
    ("defaultPackage", "packages.<system>.default"),
    ("defaultApp", "apps.<system>.default"),
    ("defaultTemplate", "templates.default"),
    ("defaultBundler", "bundlers.<system>.default"),
    ("overlay", "overlays.default"),
    ("devShell", "devShells.<system>.default"),
    ("nixosModule", "nixosModules.default"),
];

/// Outputs `nix flake check` checks.
pub const CHECKED: &[&str] = &[
    "checks", "formatter", "packages", "devShells", "apps", "defaultPackage", "devShell", "defaultApp",
    "legacyPackages", "overlay", "overlays", "nixosModule", "nixosModules", "nixosConfigurations", "hydraJobs",
    "defaultTemplate", "templates", "defaultBundler", "bundlers",
];

/// Outputs `nix flake check` knows but does not check.
pub const KNOWN_UNCHECKED: &[&str] = &[
    "lib", "darwinConfigurations", "darwinModules", "flakeModule", "flakeModules", "herculesCI",
    "homeConfigurations", "homeModule", "homeModules", "nixopsConfigurations",
];

/// Systems nixpkgs knows, for spelling suggestions.
const KNOWN_SYSTEMS: &[&str] = &[
    "x86_64-linux", "aarch64-linux", "x86_64-darwin", "aarch64-darwin", "i686-linux", "armv6l-linux",
    "armv7l-linux", "riscv64-linux", "powerpc64le-linux", "mipsel-linux", "loongarch64-linux", "x86_64-freebsd",
    "i686-freebsd", "x86_64-netbsd", "x86_64-openbsd", "aarch64-freebsd", "wasm32-wasi", "wasm64-wasi",
    "x86_64-windows", "i686-windows", "x86_64-cygwin", "riscv32-linux", "s390x-linux", "m68k-linux",
    "microblaze-linux", "armv5tel-linux", "powerpc64-linux", "aarch64-none", "arm-none", "x86_64-genode",
];

fn sym(s: &str) -> Symbol {
    Symbol::new(s)
}

/// CppNix's `argHasName`: `name`, `_` or `_name`.
fn arg_has_name(arg: &str, expected: &str) -> bool {
    arg == expected || arg == "_" || arg.strip_prefix('_') == Some(expected)
}

/// A value described for messages: `a set with attributes [ a b ]`, `a function`, ...
pub fn describe_value(v: &Value) -> String {
    match v {
        Value::Attrs(a) => {
            let names: Vec<&str> = a.sorted_by_name().iter().map(|e| e.name.as_str()).collect();
            if names.is_empty() {
                "an empty set".into()
            } else if names.len() > 8 {
                format!("a set with attributes [ {} ... ] ({} in all)", names[..8].join(" "), names.len())
            } else {
                format!("a set with attributes [ {} ]", names.join(" "))
            }
        }
        Value::String(s) => format!("the string \"{}\"", shorten(&s.to_str_lossy(), 60)),
        Value::Path(p) => format!("the path {}", p),
        other => other.type_phrase().to_string(),
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

struct Checker<'a> {
    ev: &'a mut Evaluator,
    loc: Locator,
    opts: &'a CheckOptions,
    report: Report,
    /// The output being checked.
    output: String,
}

/// A step below an output: the attribute's name, value and definition position.
struct Item {
    path: String,
    value: Thunk,
    pos: Pos,
}

impl Checker<'_> {
    fn push(&mut self, mut f: Finding, pos: Pos) -> &mut Finding {
        if f.span.is_none() {
            f.span = self.loc.span(self.ev, pos);
        }
        self.report.findings.push(f);
        let n = self.report.findings.len() - 1;
        &mut self.report.findings[n]
    }

    fn finding(&mut self, code: &'static str, path: &str, message: String, pos: Pos) -> &mut Finding {
        // A value of the wrong kind that depends on an unavailable input is not a mistake of
        // the flake: it could not be checked.
        let code = if code.starts_with('E') && message.contains(crate::eval::opaque::MARKER) { "W090" } else { code };
        let f = Finding::new(code, &self.output.clone(), path.to_string(), message);
        self.push(f, pos)
    }

    /// Records an evaluation error at `path`: the message, the trace as notes, and the best
    /// position in the flake's files.
    fn eval_error(&mut self, path: &str, e: &EvalError, fallback: Pos) {
        if let Some(input) = crate::eval::opaque::input_of_error(e) {
            return self.unavailable(path, &input, e.message(), fallback);
        }
        let pos = self.loc.error_pos(self.ev, e, fallback);
        let mut f = Finding::new("E001", &self.output, path.to_string(), format!("while evaluating '{}': {}", path, e.message()));
        f.span = self.loc.span(self.ev, pos);
        if pos != e.pos() {
            if let Some(s) = self.loc.span(self.ev, e.pos()) {
                f.notes.push(format!("the error is raised at {}:{}:{}", s.file, s.line, s.column));
            }
        }
        for fr in e.0.frames.iter().take(6) {
            match self.loc.span(self.ev, fr.pos) {
                Some(s) => f.notes.push(format!("{} (at {}:{}:{})", fr.message, s.file, s.line, s.column)),
                None => f.notes.push(fr.message.clone()),
            }
        }
        if let Some(h) = &e.0.hint {
            f.fix = Some(Fix { description: h.clone(), edit: None });
        }
        self.push(f, pos);
    }

    /// W090: what is at `path` depends on the unavailable input `input` (`detail`: how).
    fn unavailable(&mut self, path: &str, input: &str, detail: &str, pos: Pos) {
        let msg = format!("'{}' depends on unavailable input '{}' and was not checked ({})", path, input, detail);
        let f = self.finding("W090", path, msg, pos);
        f.fix = Some(Fix {
            description: format!("provide the input with '--override-input {} PATH' (a local checkout) to check it", input),
            edit: None,
        });
    }

    fn force(&mut self, path: &str, t: &Thunk, pos: Pos) -> Option<Value> {
        match self.ev.force(t) {
            Ok(Value::Opaque(o)) => {
                self.unavailable(path, &o.input.clone(), &o.path.clone(), pos);
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                self.eval_error(path, &e, pos);
                None
            }
        }
    }

    /// Forces an attribute set, reporting anything else as E005.
    fn force_set(&mut self, path: &str, t: &Thunk, pos: Pos, expected: &str) -> Option<Attrs> {
        match self.force(path, t, pos)? {
            Value::Attrs(a) => Some(a),
            other => {
                let msg = format!("'{}' is {}, but {} was expected", path, describe_value(&other), expected);
                self.finding("E005", path, msg, pos);
                None
            }
        }
    }

    fn children(&self, path: &str, a: &Attrs) -> Vec<Item> {
        a.sorted_by_name()
            .into_iter()
            .map(|e: &AttrEntry| Item { path: format!("{}.{}", path, e.name.as_str()), value: e.value.clone(), pos: e.pos })
            .collect()
    }

    /// `checkSystemName` and `checkSystemType`: whether to check this system's outputs.
    fn system(&mut self, path: &str, system: &str, pos: Pos) -> bool {
        if !system.contains('-') {
            let msg = format!("'{}' is not a valid system type (expected '<cpu>-<os>', such as 'x86_64-linux')", system);
            let suggestion = crate::error::did_you_mean(&system.replace('_', "").to_lowercase(), KNOWN_SYSTEMS.iter().copied())
                .or_else(|| crate::error::did_you_mean(system, KNOWN_SYSTEMS.iter().copied()));
            let span = self.loc.span(self.ev, pos);
            let f = self.finding("E003", path, msg, pos);
            if let Some(s) = suggestion {
                f.fix = Some(Fix {
                    description: format!("did you mean '{}'?", s),
                    edit: span.filter(|sp| sp.source_line.get(sp.column as usize - 1..sp.end_column as usize - 1) == Some(system)).map(|sp| Edit { span: sp, replacement: s.clone() }),
                });
            }
        } else if !KNOWN_SYSTEMS.contains(&system) {
            if let Some(s) = crate::error::did_you_mean(system, KNOWN_SYSTEMS.iter().copied()) {
                let span = self.loc.span(self.ev, pos);
                let msg = format!("'{}' is not a system nixpkgs knows; did you mean '{}'?", system, s);
                let f = self.finding("W004", path, msg, pos);
                f.fix = Some(Fix {
                    description: format!("rename it to '{}'", s),
                    edit: span.filter(|sp| sp.source_line.get(sp.column as usize - 1..sp.end_column as usize - 1) == Some(system)).map(|sp| Edit { span: sp, replacement: s }),
                });
            }
        }
        if !self.opts.all_systems && system != self.opts.system {
            self.report.omitted_systems.insert(system.to_string());
            return false;
        }
        true
    }

    /// The per-system layer of an output: `f` is called on each system's value to check.
    fn per_system(&mut self, name: &str, t: &Thunk, pos: Pos, f: &mut dyn FnMut(&mut Self, Item)) {
        let Some(a) = self.force_set(name, t, pos, "a set of systems") else { return };
        for item in self.children(name, &a) {
            let system = item.path[name.len() + 1..].to_string();
            if self.system(&item.path, &system, item.pos) {
                f(self, item);
            }
        }
    }

    /// Calls `f` on each attribute of the set at `item`.
    fn each(&mut self, item: Item, expected: &str, f: &mut dyn FnMut(&mut Self, Item)) {
        let Some(a) = self.force_set(&item.path, &item.value, item.pos, expected) else { return };
        for child in self.children(&item.path, &a) {
            f(self, child);
        }
    }

    /// `checkDerivation`: a derivation whose name and `drvPath` evaluate.
    fn derivation(&mut self, item: Item) {
        let Some(v) = self.force(&item.path, &item.value, item.pos) else { return };
        let is_drv = match &v {
            Value::Attrs(a) => match a.get(sym("type")) {
                Some(t) => match self.ev.force(t) {
                    Ok(Value::String(s)) => s.as_bytes() == b"derivation",
                    Ok(_) => false,
                    Err(e) => return self.eval_error(&item.path, &e, item.pos),
                },
                None => false,
            },
            _ => false,
        };
        if !is_drv {
            let hint = match &v {
                Value::Attrs(a) if a.contains(sym("name")) && (a.contains(sym("src")) || a.contains(sym("buildInputs")) || a.contains(sym("version")) || a.contains(sym("builder"))) => {
                    " — did you forget to call mkDerivation?"
                }
                Value::Attrs(a) if a.is_empty() => "",
                Value::Attrs(_) => " — expected a derivation (a set with type = \"derivation\")",
                v if v.is_function() => " — did you forget to call it?",
                _ => "",
            };
            let msg = format!("flake attribute '{}' is not a derivation: it is {}{}", item.path, describe_value(&v), hint);
            self.finding("E002", &item.path, msg, item.pos);
            return;
        }
        let Value::Attrs(a) = &v else { return };
        for (attr, what) in [("name", "name"), ("drvPath", "derivation path")] {
            let Some(t) = a.get(sym(attr)).cloned() else {
                let msg = format!("derivation '{}' lacks attribute '{}'", item.path, attr);
                self.finding("E002", &item.path, msg, item.pos);
                return;
            };
            match self.ev.force(&t) {
                Ok(Value::String(s)) => {
                    let inputs = if attr == "drvPath" { self.ev.caches.opaque.tainted(&s.to_str_lossy()) } else { Vec::new() };
                    for input in inputs {
                        let msg = format!(
                            "the derivation '{}' was computed with placeholder paths for unavailable input '{}'; its store paths are not the real ones",
                            item.path, input
                        );
                        self.finding("W091", &item.path, msg, item.pos);
                    }
                }
                Ok(other) => {
                    let msg = format!("the {} of derivation '{}' is {}, but a string was expected", what, item.path, describe_value(&other));
                    self.finding("E002", &item.path, msg, item.pos);
                    return;
                }
                Err(e) => {
                    let e = e.frame(item.pos, format!("while checking the derivation '{}'", item.path));
                    return self.eval_error(&item.path, &e, item.pos);
                }
            }
        }
    }

    /// `checkApp`, as current CppNix, plus the type `nix run` requires.
    fn app(&mut self, item: Item) {
        let path = item.path.clone();
        let Some(v) = self.force(&path, &item.value, item.pos) else { return };
        let Value::Attrs(a) = &v else {
            let msg = format!("app '{}' is {}, but an app definition ({{ type = \"app\"; program = \"...\"; }}) was expected", path, describe_value(&v));
            self.finding("E010", &path, msg, item.pos);
            return;
        };
        let is_drv = matches!(a.get(sym("type")).map(|t| self.ev.force(t)), Some(Ok(Value::String(s))) if s.as_bytes() == b"derivation");
        match a.get_entry(sym("type")).cloned() {
            None => {
                let f = self.finding("E010", &path, format!("app '{}' lacks attribute 'type' (expected type = \"app\")", path), item.pos);
                f.fix = Some(Fix { description: "add `type = \"app\";`".into(), edit: None });
            }
            Some(e) => match self.ev.force(&e.value) {
                Ok(Value::String(s)) if s.as_bytes() == b"app" => {}
                Ok(Value::String(_)) if is_drv => {
                    let msg = format!("app '{}' is a derivation, but an app definition was expected", path);
                    let f = self.finding("E010", &path, msg, item.pos);
                    f.fix = Some(Fix {
                        description: "wrap it: { type = \"app\"; program = \"${drv}/bin/NAME\"; meta.description = \"...\"; }".into(),
                        edit: None,
                    });
                    return;
                }
                Ok(other) => {
                    let msg = format!("app '{}' has type {}, but \"app\" was expected", path, describe_value(&other));
                    self.finding("E010", &path, msg, e.pos);
                }
                Err(err) => self.eval_error(&format!("{}.type", path), &err, e.pos),
            },
        }
        match a.get_entry(sym("program")).cloned() {
            None => {
                let f = self.finding("E011", &path, format!("app '{}' lacks attribute 'program' (expected the path of an executable)", path), item.pos);
                f.fix = Some(Fix { description: "add `program = \"${package}/bin/NAME\";`".into(), edit: None });
            }
            Some(e) => match self.ev.force(&e.value) {
                Ok(Value::String(_)) => {}
                Ok(Value::Attrs(p)) if p.contains(sym("outPath")) => {
                    let msg = format!("the program of app '{}' is a set (a package?), but a string was expected", path);
                    let f = self.finding("E011", &format!("{}.program", path), msg, e.pos);
                    f.fix = Some(Fix { description: "use the executable's path: \"${pkg}/bin/NAME\" (or lib.getExe pkg)".into(), edit: None });
                }
                Ok(other) => {
                    let msg = format!("the program of app '{}' is {}, but a string was expected", path, describe_value(&other));
                    self.finding("E011", &format!("{}.program", path), msg, e.pos);
                }
                Err(err) => self.eval_error(&format!("{}.program", path), &err, e.pos),
            },
        }
        match a.get_entry(sym("meta")).cloned() {
            None => {
                self.finding("W013", &path, format!("app '{}' lacks attribute 'meta' (expected meta.description)", path), item.pos);
            }
            Some(e) => match self.ev.force(&e.value) {
                Ok(Value::Attrs(m)) => match m.get_entry(sym("description")).cloned() {
                    None => {
                        self.finding("W013", &path, format!("app '{}' lacks attribute 'meta.description'", path), e.pos);
                    }
                    Some(d) => match self.ev.force(&d.value) {
                        Ok(Value::String(s)) if !s.has_context() => {}
                        Ok(other) => {
                            let msg = format!("the meta.description of app '{}' is {}, but a string without context was expected", path, describe_value(&other));
                            self.finding("E001", &path, msg, d.pos);
                        }
                        Err(err) => self.eval_error(&format!("{}.meta.description", path), &err, d.pos),
                    },
                },
                Ok(other) => {
                    let msg = format!("the meta of app '{}' is {}, but a set was expected", path, describe_value(&other));
                    self.finding("E001", &path, msg, e.pos);
                }
                Err(err) => self.eval_error(&format!("{}.meta", path), &err, e.pos),
            },
        }
        for e in a.sorted_by_name() {
            let n = e.name.as_str();
            if !matches!(n, "type" | "program" | "meta") {
                let msg = format!("app '{}' has unsupported attribute '{}' (allowed: type, program, meta)", path, n);
                self.finding("E012", &path, msg, e.pos);
            }
        }
    }

    /// `checkOverlay`: a plain lambda whose first argument is `final` (or `_`, `_final`).
    fn overlay(&mut self, item: Item) {
        let Some(v) = self.force(&item.path, &item.value, item.pos) else { return };
        let Value::Lambda(c) = &v else {
            let msg = format!("overlay '{}' is not a function, but {} instead (expected final: prev: {{ ... }})", item.path, describe_value(&v));
            self.finding("E020", &item.path, msg, item.pos);
            return;
        };
        let lambda_pos = if self.loc.is_local(self.ev, c.def.pos) { c.def.pos } else { item.pos };
        match &c.def.param {
            Param::Ident(name) if arg_has_name(name.as_str(), "final") => {}
            Param::Ident(name) => {
                let msg = format!("overlay '{}' does not take an argument named 'final' (its first argument is '{}')", item.path, name.as_str());
                // Underline just the argument when the lambda starts with it.
                let mut span = self.loc.span(self.ev, lambda_pos);
                if let Some(sp) = span.as_mut() {
                    let n = name.as_str();
                    if sp.source_line.get(sp.column as usize - 1..).is_some_and(|t| t.starts_with(n)) {
                        sp.end_line = sp.line;
                        sp.end_column = sp.column + n.len() as u32;
                    }
                }
                let mut f = Finding::new("E021", &self.output, item.path.clone(), msg);
                f.span = span;
                let f = self.push(f, lambda_pos);
                f.fix = Some(Fix {
                    description: format!("name the arguments 'final: prev:' (rename '{}' to 'final' in the overlay's body too)", name.as_str()),
                    edit: None,
                });
            }
            Param::Formals { .. } => {
                let msg = format!("overlay '{}' does not take an argument named 'final' (it takes a set pattern {{ ... }})", item.path);
                let f = self.finding("E021", &item.path, msg, lambda_pos);
                f.fix = Some(Fix { description: "an overlay is a function of two arguments: final: prev: { ... }".into(), edit: None });
            }
        }
    }

    /// `checkModule`: the module evaluates; it must be something the module system accepts.
    fn module(&mut self, item: Item) {
        let Some(v) = self.force(&item.path, &item.value, item.pos) else { return };
        let ok = matches!(v, Value::Attrs(_) | Value::Path(_)) || v.is_function()
            || matches!(&v, Value::String(s) if s.as_bytes().starts_with(b"/"));
        if !ok {
            let msg = format!("NixOS module '{}' is {}, but a function, a set or a path was expected", item.path, describe_value(&v));
            self.finding("E030", &item.path, msg, item.pos);
        }
    }

    /// `checkNixOSConfiguration`: `config.system.build.toplevel` is a derivation.
    fn nixos_configuration(&mut self, item: Item) {
        let mut v = match self.force(&item.path, &item.value, item.pos) {
            Some(v) => v,
            None => return,
        };
        let mut walked = String::new();
        for step in ["config", "system", "build", "toplevel"] {
            let next = match &v {
                Value::Attrs(a) => a.get(sym(step)).cloned(),
                _ => None,
            };
            let Some(t) = next else {
                let msg = format!(
                    "NixOS configuration '{}' has no attribute '{}{}' (it is {}); expected the result of nixpkgs.lib.nixosSystem",
                    item.path,
                    walked,
                    step,
                    describe_value(&v)
                );
                self.finding("E040", &item.path, msg, item.pos);
                return;
            };
            walked.push_str(step);
            walked.push('.');
            match self.ev.force(&t) {
                Ok(x) => v = x,
                Err(e) => {
                    let e = e.frame(item.pos, format!("while checking the NixOS configuration '{}'", item.path));
                    return self.eval_error(&item.path, &e, item.pos);
                }
            }
        }
        let is_drv = match &v {
            Value::Attrs(a) => matches!(a.get(sym("type")).map(|t| self.ev.force(t)), Some(Ok(Value::String(s))) if s.as_bytes() == b"derivation"),
            _ => false,
        };
        if !is_drv {
            let msg = format!("attribute 'config.system.build.toplevel' of '{}' is not a derivation: it is {}", item.path, describe_value(&v));
            self.finding("E040", &item.path, msg, item.pos);
        }
    }

    /// `checkHydraJobs`: nested sets of derivations, not a derivation at the top.
    fn hydra_jobs(&mut self, item: Item, top: bool) {
        let Some(a) = self.force_set(&item.path, &item.value, item.pos, "a set of jobs") else { return };
        if top && self.is_derivation(&a) {
            let msg = format!("jobset '{}' should not be a derivation at top-level (expected a set of jobs)", item.path);
            self.finding("E050", &item.path, msg, item.pos);
            return;
        }
        for child in self.children(&item.path, &a) {
            let Some(v) = self.force(&child.path, &child.value, child.pos) else { continue };
            match &v {
                Value::Attrs(c) if self.is_derivation(c) => self.derivation(child),
                Value::Attrs(_) => self.hydra_jobs(child, false),
                other => {
                    let msg = format!("Hydra job '{}' is {}, but a derivation or a set of jobs was expected", child.path, describe_value(other));
                    self.finding("E005", &child.path, msg, child.pos);
                }
            }
        }
    }

    fn is_derivation(&mut self, a: &Attrs) -> bool {
        matches!(a.get(sym("type")).map(|t| self.ev.force(t)), Some(Ok(Value::String(s))) if s.as_bytes() == b"derivation")
    }

    /// `checkTemplate`: `path` exists, `description` is a string, nothing else but `welcomeText`.
    fn template(&mut self, item: Item) {
        let path = item.path.clone();
        let Some(a) = self.force_set(&path, &item.value, item.pos, "a template ({ path; description; })") else { return };
        match a.get_entry(sym("path")).cloned() {
            None => {
                self.finding("E060", &path, format!("template '{}' lacks attribute 'path' (expected the template's directory, e.g. ./templates/default)", path), item.pos);
            }
            Some(e) => match self.ev.force(&e.value) {
                Ok(Value::Path(p)) => self.template_path(&path, &p, e.pos),
                Ok(Value::String(s)) if s.as_bytes().starts_with(b"/") => {
                    let p = s.to_str_lossy().into_owned();
                    self.template_path(&path, &p, e.pos)
                }
                Ok(other) => {
                    let msg = format!("the path of template '{}' is {}, but a path was expected", path, describe_value(&other));
                    self.finding("E060", &path, msg, e.pos);
                }
                Err(err) => self.eval_error(&format!("{}.path", path), &err, e.pos),
            },
        }
        match a.get_entry(sym("description")).cloned() {
            None => {
                self.finding("E061", &path, format!("template '{}' lacks attribute 'description'", path), item.pos);
            }
            Some(e) => match self.ev.force(&e.value) {
                Ok(Value::String(s)) if !s.has_context() => {}
                Ok(other) => {
                    let msg = format!("the description of template '{}' is {}, but a string was expected", path, describe_value(&other));
                    self.finding("E061", &path, msg, e.pos);
                }
                Err(err) => self.eval_error(&format!("{}.description", path), &err, e.pos),
            },
        }
        for e in a.sorted_by_name() {
            let n = e.name.as_str();
            if !matches!(n, "path" | "description" | "welcomeText") {
                let msg = format!("template '{}' has unsupported attribute '{}' (allowed: path, description, welcomeText)", path, n);
                self.finding("E062", &path, msg, e.pos);
            }
        }
    }

    fn template_path(&mut self, path: &str, p: &str, pos: Pos) {
        if !self.ev.io.path_exists(p) {
            let shown = p.strip_prefix(&self.loc.prefix).map(|r| format!("./{}", r)).unwrap_or_else(|| p.to_string());
            let msg = format!("template '{}' refers to a non-existent path '{}'", path, shown);
            self.finding("E060", path, msg, pos);
        }
    }

    /// `checkBundler`: a function.
    fn bundler(&mut self, item: Item) {
        let Some(v) = self.force(&item.path, &item.value, item.pos) else { return };
        if !matches!(v, Value::Lambda(_)) {
            let msg = format!("bundler '{}' is {}, but a function (drv: ...) was expected", item.path, describe_value(&v));
            self.finding("E070", &item.path, msg, item.pos);
        }
    }

    fn output(&mut self, name: &str, t: &Thunk, pos: Pos) {
        self.output = name.to_string();
        let Some(_) = self.force(name, t, pos) else { return };
        if let Some((_, replacement)) = DEPRECATED.iter().find(|(n, _)| *n == name) {
            let msg = format!("flake output attribute '{}' is deprecated; use '{}' instead", name, replacement);
            let f = self.finding("W080", name, msg, pos);
            f.fix = Some(Fix { description: format!("move it to '{}'", replacement), edit: None });
        }
        match name {
            "checks" | "packages" | "devShells" => self.per_system(name, t, pos, &mut |c, item| {
                c.each(item, "a set of derivations", &mut |c, d| c.derivation(d))
            }),
            "formatter" | "defaultPackage" | "devShell" => self.per_system(name, t, pos, &mut |c, item| c.derivation(item)),
            "apps" => self.per_system(name, t, pos, &mut |c, item| c.each(item, "a set of apps", &mut |c, d| c.app(d))),
            "defaultApp" => self.per_system(name, t, pos, &mut |c, item| c.app(item)),
            "legacyPackages" => self.per_system(name, t, pos, &mut |_, _| {}),
            "overlay" => self.overlay(Item { path: name.into(), value: t.clone(), pos }),
            "overlays" => self.each(Item { path: name.into(), value: t.clone(), pos }, "a set of overlays", &mut |c, o| c.overlay(o)),
            "nixosModule" => self.module(Item { path: name.into(), value: t.clone(), pos }),
            "nixosModules" => self.each(Item { path: name.into(), value: t.clone(), pos }, "a set of NixOS modules", &mut |c, m| c.module(m)),
            "nixosConfigurations" => self.each(Item { path: name.into(), value: t.clone(), pos }, "a set of NixOS configurations", &mut |c, m| {
                c.nixos_configuration(m)
            }),
            "hydraJobs" => self.hydra_jobs(Item { path: name.into(), value: t.clone(), pos }, true),
            "defaultTemplate" => self.template(Item { path: name.into(), value: t.clone(), pos }),
            "templates" => self.each(Item { path: name.into(), value: t.clone(), pos }, "a set of templates", &mut |c, m| c.template(m)),
            "defaultBundler" => self.per_system(name, t, pos, &mut |c, item| c.bundler(item)),
            "bundlers" => self.per_system(name, t, pos, &mut |c, item| c.each(item, "a set of bundlers", &mut |c, b| c.bundler(b))),
            n if KNOWN_UNCHECKED.contains(&n) => {}
            _ => {
                let known = CHECKED.iter().chain(KNOWN_UNCHECKED.iter()).copied();
                let suggestion = crate::error::did_you_mean(name, known);
                let span = self.loc.span(self.ev, pos);
                let msg = match &suggestion {
                    Some(s) => format!("unknown flake output '{}'; did you mean '{}'?", name, s),
                    None => format!("unknown flake output '{}'", name),
                };
                let f = self.finding("W081", name, msg, pos);
                if let Some(s) = suggestion {
                    let edit = span
                        .filter(|sp| sp.line == sp.end_line && sp.source_line.get(sp.column as usize - 1..sp.end_column as usize - 1) == Some(name))
                        .map(|sp| Edit { span: sp, replacement: s.clone() });
                    f.fix = Some(Fix { description: format!("rename it to '{}'", s), edit });
                }
            }
        }
    }
}

/// Checks every output of a loaded flake, as `nix flake check --no-build --keep-going` does.
pub fn check_outputs(ev: &mut Evaluator, flake: &LoadedFlake, opts: &CheckOptions) -> Report {
    let loc = Locator::new(flake);
    let mut c = Checker { ev, loc, opts, report: Report::default(), output: String::new() };
    let outputs = match c.ev.force(&flake.value) {
        Ok(Value::Attrs(a)) => match a.get(sym("outputs")).cloned() {
            Some(t) => c.force_set("outputs", &t, Pos::NONE, "a set of outputs"),
            None => None,
        },
        Ok(_) => None,
        Err(e) => {
            c.output = "outputs".into();
            c.eval_error("outputs", &e, Pos::NONE);
            None
        }
    };
    let Some(outputs) = outputs else { return c.report };
    // hydraJobs first, as the reference does.
    let mut entries: Vec<&AttrEntry> = outputs.sorted_by_name();
    entries.sort_by_key(|e| e.name.as_str() != "hydraJobs");
    for e in entries {
        let name = e.name.as_str();
        c.report.outputs.push(name.to_string());
        c.output(name, &e.value, e.pos);
    }
    c.report
}

/// Turns a failure to load the flake into findings, when it is a mistake in the flake rather
/// than a reason nixeval cannot run: a `follows` that leads nowhere (E100) or an error with a
/// position in a `flake.nix` (E001). `None` means the flake could not be read at all.
pub fn load_error_findings(ev: &mut Evaluator, e: &EvalError) -> Option<Vec<Finding>> {
    if e.message().contains("follows a non-existent input") {
        return inputs::follows_error(ev, e.message()).map(|f| vec![f]);
    }
    if let Some(f) = inputs::unlocked_error(ev, e.message()) {
        return Some(vec![f]);
    }
    let (name, _, _) = ev.sources.describe(e.pos())?;
    let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
    let loc = Locator { prefix: format!("{}/", dir) };
    let mut f = Finding::new("E001", "flake.nix", "flake.nix".into(), e.message().to_string());
    f.span = loc.span(ev, e.pos());
    for fr in e.0.frames.iter().take(6) {
        f.notes.push(fr.message.clone());
    }
    if let Some(h) = &e.0.hint {
        f.fix = Some(Fix { description: h.clone(), edit: None });
    }
    Some(vec![f])
}

/// Checks a loaded flake: its outputs, then its inputs and lock file.
pub fn check_flake(ev: &mut Evaluator, flake: &LoadedFlake, opts: &CheckOptions) -> Report {
    let mut report = check_outputs(ev, flake, opts);
    report.findings.extend(inputs::check_inputs(ev, flake));
    // Group by output (in the order checked, inputs last), keeping the order within each.
    let rank = |o: &str| report.outputs.iter().position(|x| x == o).unwrap_or(usize::MAX);
    let mut keyed: Vec<(usize, Finding)> = report.findings.drain(..).map(|f| (rank(&f.output), f)).collect();
    keyed.sort_by_key(|(r, _)| *r);
    report.findings = keyed.into_iter().map(|(_, f)| f).collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            let (letter, digits) = r.code.split_at(1);
            assert_eq!(digits.len(), 3, "{}", r.code);
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{}", r.code);
            let expected = match r.severity {
                Severity::Error => "E",
                Severity::Warning => "W",
            };
            assert_eq!(letter, expected, "{} has the wrong letter for its severity", r.code);
        }
    }

    #[test]
    fn arg_names_follow_the_reference() {
        assert!(arg_has_name("final", "final"));
        assert!(arg_has_name("_", "final"));
        assert!(arg_has_name("_final", "final"));
        assert!(!arg_has_name("self", "final"));
        assert!(!arg_has_name("_self", "final"));
    }

    #[test]
    fn values_are_described_with_their_attributes() {
        let v = Value::attrs(Attrs::from_unsorted(vec![
            AttrEntry { name: sym("src"), pos: Pos::NONE, value: Thunk::Ready(Value::Null) },
            AttrEntry { name: sym("name"), pos: Pos::NONE, value: Thunk::Ready(Value::Null) },
        ]));
        assert_eq!(describe_value(&v), "a set with attributes [ name src ]");
        assert_eq!(describe_value(&Value::Int(1)), "an integer");
        assert_eq!(describe_value(&Value::empty_attrs()), "an empty set");
    }
}
