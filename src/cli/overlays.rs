//! `nixeval overlays [FLAKEREF]`: shows how an overlay's layers build a package set — which
//! layer defines each attribute, which definition ends up in `final`, and what each definition
//! read from `final` and `prev` — by running [`crate::overlays`] on a flake's overlay (or an
//! expression) and a base, then printing a table, JSON, Graphviz or Mermaid.
//!
//! This module resolves names (flake overlays and their inputs' overlays by identity, file
//! positions relative to the flake), picks the base, and chooses the exit status; it does not
//! analyse anything itself.

use super::flake_args::{self, FlakeArgs};
use super::Exit;
use crate::error::render::{render, RenderOptions};
use crate::eval::symbol::Symbol;
use crate::eval::{EvalOptions, EvalResult, Evaluator, Thunk, Value};
use crate::flake::call::{load_flake, FlakeIo, FlakeOptions, Mounts};
use crate::overlays::render::{self as out, Heading};
use crate::overlays::{analyze, decompose_extends, value_id, Base, Options};
use crate::syntax::source::Pos;
use std::collections::HashMap;
use std::path::PathBuf;

pub const HELP: &str = "\
nixeval overlays: show how an overlay's `final` and `prev` build a package set

Usage: nixeval overlays [FLAKEREF] [OPTIONS]
       nixeval overlays -E EXPR [OPTIONS]

Takes an overlay (default: the flake's `overlays.default`), splits composed overlays
(composeManyExtensions, composeExtensions, lists, extends chains) into their layers, applies
them one by one to a base package set, and reports, for every attribute an overlay defines:
which layers define it, which definition wins in `final`, and what each definition read from
`final` (the finished set: sees every later layer) and from `prev` (the set below the layer).
Reads are observed while the evaluation runs, not guessed from the text. Python package sets
built from `pythonPackagesExtensions` are shown as nested layer stacks. Classic mistakes are
explained: infinite recursion through `final.x` inside `x` (with the loop), `prev` where a later
layer's change was wanted and the reverse, replacing a whole package set, and `self: super:`
argument names that `nix flake check` rejects.

Options:
      --overlay NAME           The overlay to show: `default`, `overlays.NAME` or `NAME`
      --all                    Show every overlay of the flake, one after the other
  -E, --expr EXPR              Show the overlay EXPR evaluates to instead of a flake's. EXPR may
                               be a function `{ lib }: ...` (it gets the stand-in nixpkgs lib),
                               a list of overlays, or a fixed point built with `lib.extends`
                               (whose innermost function is then the base)
      --base nixpkgs|empty|FILE
                               What the overlay is applied to: the flake's nixpkgs input (or
                               nixeval's stand-in nixpkgs) (default), an empty set, or the set,
                               the `final: { ... }` function or the extensible set in FILE
      --attr NAME              Only evaluate and show this attribute (repeatable;
                               `python3Packages.NAME` for a nested set)
      --format text|json|dot|mermaid
                               Output format (default text); dot and mermaid draw the layers
                               and the final/prev reads as a graph
      --system SYSTEM          The system of the package set (default: this machine's)
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME
      --no-stand-ins           Never replace an input that cannot be fetched with a stand-in
      --show-trace             Show the whole trace of errors
  -h, --help                   Show this help

Exit status: 0 success, 1 an evaluation error (the report is still printed, with the
failing definitions marked), 2 usage error.

Examples:
  nixeval overlays fixtures/flakes/python-app
  nixeval overlays --all --format json fixtures/flakes/python-app
  nixeval overlays --format dot . | dot -Tsvg > overlays.svg
  nixeval overlays -E '{ lib }: lib.composeManyExtensions [
      (final: prev: { a = 1; }) (final: prev: { b = final.a + 1; }) ]' --base empty
  nixeval eval --trace-fixpoint -E '{ lib }: (lib.fix (final: { a = 1; b = final.a + 1; })).b'
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Dot,
    Mermaid,
}

#[derive(Clone)]
struct Args {
    flake: FlakeArgs,
    overlay: Option<String>,
    all: bool,
    expr: Option<String>,
    base: String,
    attrs: Vec<String>,
    format: Format,
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut rest = Vec::new();
    let mut overlay = None;
    let mut all = false;
    let mut expr = None;
    let mut base = "nixpkgs".to_string();
    let mut attrs = Vec::new();
    let mut format = Format::Text;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("flag '{name}' requires an argument"));
        match a.as_str() {
            "--overlay" => overlay = Some(value(&a)?),
            "--all" => all = true,
            "-E" | "--expr" => expr = Some(value(&a)?),
            "--base" => base = value(&a)?,
            "--attr" | "-A" => attrs.push(value(&a)?),
            "--format" => {
                format = match value(&a)?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "dot" => Format::Dot,
                    "mermaid" => Format::Mermaid,
                    other => return Err(format!("unknown format '{other}' (expected text, json, dot or mermaid)")),
                }
            }
            "--json" => format = Format::Json,
            _ => rest.push(a),
        }
    }
    let flake = flake_args::parse(rest, &[])?;
    if !flake.rest.is_empty() {
        return Err("only one flake reference can be given".into());
    }
    if expr.is_some() && (overlay.is_some() || all || flake.flake_ref.is_some()) {
        return Err("-E cannot be combined with a flake reference, --overlay or --all".into());
    }
    if all && overlay.is_some() {
        return Err("--all and --overlay cannot be combined".into());
    }
    Ok(Args { flake, overlay, all, expr, base, attrs, format })
}

pub fn run(args: Vec<String>) -> Exit {
    let args = match super::parse_or_help(args, HELP, parse) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    let color = flake_args::stdout_color();
    let ecolor = super::stderr_color();
    const STACK: usize = 1 << 30;
    let outcome = crate::eval::with_big_stack(STACK, move || {
        let mut options = EvalOptions { max_stack_bytes: STACK - (64 << 20), impure: false, ..EvalOptions::default() };
        if let Some(s) = &args.flake.system {
            options.system = s.clone();
        }
        let mounts = Mounts::default();
        let mut ev = Evaluator::new(options, Box::new(FlakeIo::new(mounts.clone())));
        ev.caches.get_flake = Some(crate::builtins::getflake::GetFlakeState::new(mounts.clone()));
        ev.reset_stack_base();
        let mut session = Session { ev: &mut ev, mounts, args: &args, color, ecolor, stderr: String::new() };
        let code = session.main();
        (code, std::mem::take(&mut session.stderr), session.stdout_text())
    });
    let (code, stderr, stdout) = outcome;
    let o = flake_args::Outcome { code, stdout, stderr };
    if code == 2 {
        eprint!("{}", o.stderr);
        return Exit::Usage;
    }
    flake_args::finish(o)
}

struct Session<'a> {
    ev: &'a mut Evaluator,
    mounts: Mounts,
    args: &'a Args,
    color: bool,
    ecolor: bool,
    stderr: String,
}

thread_local! {
    static STDOUT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// One overlay to show: its name and value, and the base that goes with it.
struct Subject {
    name: String,
    overlay: Value,
    base: Option<(Base, String)>,
}

impl Session<'_> {
    fn stdout_text(&self) -> String {
        STDOUT.with(|s| std::mem::take(&mut *s.borrow_mut()))
    }

    fn emit(&self, text: &str) {
        STDOUT.with(|s| s.borrow_mut().push_str(text));
    }

    fn render_err(&self, e: &crate::error::EvalError) -> String {
        render(e, &self.ev.sources, &RenderOptions { show_trace: self.args.flake.show_trace, color: self.ecolor })
    }

    fn system(&self) -> String {
        self.ev.options.system.clone()
    }

    fn main(&mut self) -> u8 {
        match self.args.expr.clone() {
            Some(e) => self.main_expr(&e),
            None => self.main_flake(),
        }
    }

    fn cwd() -> String {
        std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into())
    }

    /// `lib` of the stand-in nixpkgs (mounted at its store path).
    fn standin_root(&mut self) -> String {
        let tree = &crate::flake::standins::NIXPKGS;
        let sp = tree.store_path();
        self.mounts.add_embedded(&sp, tree);
        sp
    }

    fn standin_pkgs(&mut self) -> EvalResult<Value> {
        let root = self.standin_root();
        let system = self.system();
        let text = format!(
            "import {root}/pkgs/default.nix {{ lib = import {root}/lib; system = \"{}\"; }}",
            system.replace('"', "")
        );
        self.ev.eval_str(&text, "/")
    }

    fn standin_lib(&mut self) -> EvalResult<Value> {
        let root = self.standin_root();
        self.ev.eval_str(&format!("import {root}/lib"), "/")
    }

    /// The base named by `--base`, for a flake whose nixpkgs input is `nixpkgs` (if any).
    fn base(&mut self, nixpkgs: Option<Thunk>) -> EvalResult<(Base, String)> {
        let system = self.system();
        match self.args.base.as_str() {
            "nixpkgs" => {
                if let Some(n) = nixpkgs {
                    let v = self.ev.force(&n)?;
                    if let Some(p) = get_path(self.ev, &v, &["legacyPackages", &system])? {
                        return Ok((Base::Extensible(p), format!("nixpkgs (the flake's input 'nixpkgs', {system})")));
                    }
                }
                let p = self.standin_pkgs()?;
                Ok((Base::Extensible(p), format!("nixpkgs (nixeval's stand-in, {system})")))
            }
            "empty" => Ok((Base::Set(Value::empty_attrs()), "an empty set".to_string())),
            file => {
                let path = if file.starts_with('/') { file.to_string() } else { format!("{}/{}", Self::cwd(), file) };
                let v = self.ev.eval_file(&crate::eval::lower::canon_path(&path))?;
                let v = self.call_with_lib(v)?;
                let label = file.to_string();
                Ok(match &v {
                    Value::Attrs(a) if a.contains(Symbol::new("extend")) => (Base::Extensible(v), label),
                    Value::Attrs(_) => (Base::Set(v), label),
                    _ if v.is_function() => (Base::Function(v), label),
                    other => return Err(crate::builtins::type_err("a set or a function", other).frame(Pos::NONE, format!("while evaluating the base '{file}'"))),
                })
            }
        }
    }

    /// Calls `{ lib, ... }: ...` with the stand-in library.
    fn call_with_lib(&mut self, v: Value) -> EvalResult<Value> {
        if let Value::Lambda(c) = &v {
            if let crate::eval::expr::Param::Formals { formals, .. } = &c.def.param {
                if formals.iter().any(|f| f.name.as_str() == "lib") {
                    let lib = self.standin_lib()?;
                    let arg = crate::builtins::make_attrs(vec![("lib", lib)]);
                    return self.ev.call_value(v.clone(), arg.into(), Pos::NONE);
                }
            }
        }
        Ok(v)
    }

    fn main_expr(&mut self, e: &str) -> u8 {
        let r = (|| -> EvalResult<Subject> {
            let v = self.ev.eval_str(e, &Self::cwd())?;
            let v = self.call_with_lib(v)?;
            let (inner, layers) = decompose_extends(self.ev, &v)?;
            if !layers.is_empty() && self.args.base == "nixpkgs" {
                let overlay = Value::list(layers.into_iter().map(Thunk::Ready).collect());
                return Ok(Subject { name: "the expression's extends chain".into(), overlay, base: Some((Base::Function(inner), "the innermost function of the chain".into())) });
            }
            Ok(Subject { name: "the expression's overlay".into(), overlay: v, base: None })
        })();
        match r {
            Ok(subject) => self.show(vec![subject], None, None),
            Err(e) => {
                self.stderr.push_str(&self.render_err(&e));
                1
            }
        }
    }

    fn main_flake(&mut self) -> u8 {
        let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let mut fopts = FlakeOptions::new(base_dir);
        fopts.overrides = self.args.flake.overrides.clone();
        fopts.stand_ins = std::rc::Rc::new(crate::flake::standins::BuiltinStandIns { enabled: !self.args.flake.no_stand_ins });
        let reference = self.args.flake.flake_ref.clone().unwrap_or_else(|| ".".to_string());
        let mounts = self.mounts.clone();
        let flake = match load_flake(self.ev, &mounts, &reference, &fopts) {
            Ok(f) => f,
            Err(e) => {
                self.stderr.push_str(&self.render_err(&e));
                return 1;
            }
        };
        for n in &flake.notes {
            if n.starts_with("Git tree") {
                self.stderr.push_str(&format!("{} {n}\n", if self.ecolor { "\x1b[35;1mwarning:\x1b[0m" } else { "warning:" }));
            } else {
                self.stderr.push_str(n);
                self.stderr.push('\n');
            }
        }
        let r = (|| -> EvalResult<(Vec<Subject>, Value)> {
            let fv = self.ev.force(&flake.value)?;
            let overlays = match get_path(self.ev, &fv, &["overlays"])? {
                Some(Value::Attrs(a)) => a,
                Some(other) => return Err(crate::builtins::type_err("a set", &other).frame(Pos::NONE, "while evaluating the flake output 'overlays'")),
                None => {
                    return Err(crate::error::EvalError::new(
                        crate::error::ErrorKind::MissingAttr,
                        format!("flake '{}' does not provide attribute 'overlays'", flake.original_url),
                    ))
                }
            };
            let mut wanted: Vec<String> = if self.args.all {
                overlays.sorted_by_name().iter().map(|e| e.name.as_str().to_string()).collect()
            } else {
                let n = self.args.overlay.clone().unwrap_or_else(|| "default".into());
                vec![n.strip_prefix("overlays.").unwrap_or(&n).to_string()]
            };
            wanted.dedup();
            let mut subjects = Vec::new();
            for name in wanted {
                let Some(t) = overlays.get(Symbol::new(&name)).cloned() else {
                    let names: Vec<&str> = overlays.sorted_by_name().iter().map(|e| e.name.as_str()).collect();
                    return Err(crate::error::EvalError::new(
                        crate::error::ErrorKind::MissingAttr,
                        format!("flake '{}' has no overlay '{}' (it has: {})", flake.original_url, name, if names.is_empty() { "none".to_string() } else { names.join(", ") }),
                    ));
                };
                let v = self.ev.force(&t).map_err(|e| e.frame(Pos::NONE, format!("while evaluating the flake output 'overlays.{name}'")))?;
                subjects.push(Subject { name: format!("overlays.{name}"), overlay: v, base: None });
            }
            Ok((subjects, fv))
        })();
        let code = match r {
            Ok((subjects, fv)) => {
                let nixpkgs = match &fv {
                    Value::Attrs(a) => a.get(Symbol::new("inputs")).and_then(|t| t.value_if_ready()).and_then(|i| match i {
                        Value::Attrs(i) => i.get(Symbol::new("nixpkgs")).cloned(),
                        _ => None,
                    }),
                    _ => None,
                };
                let nixpkgs = match (&nixpkgs, &fv) {
                    (None, Value::Attrs(a)) => match a.get(Symbol::new("inputs")).cloned() {
                        Some(t) => match self.ev.force(&t) {
                            Ok(Value::Attrs(i)) => i.get(Symbol::new("nixpkgs")).cloned(),
                            _ => None,
                        },
                        None => None,
                    },
                    _ => nixpkgs,
                };
                self.show(subjects, nixpkgs, Some(fv))
            }
            Err(e) => {
                self.stderr.push_str(&self.render_err(&e));
                1
            }
        };
        let mut pre = String::new();
        for n in flake.stand_in_notes() {
            pre.push_str(&n);
            pre.push('\n');
        }
        for w in flake.warnings() {
            pre.push_str(&format!("warning: {w}\n"));
        }
        self.stderr = pre + &self.stderr;
        code
    }

    /// Analyses and prints each subject.
    fn show(&mut self, subjects: Vec<Subject>, nixpkgs: Option<Thunk>, flake: Option<Value>) -> u8 {
        let mut code = 0u8;
        let mut json_docs = Vec::new();
        let many = subjects.len() > 1;
        for (k, subject) in subjects.into_iter().enumerate() {
            let (base, base_label) = match subject.base {
                Some(b) => b,
                None => match self.base(nixpkgs.clone()) {
                    Ok(b) => b,
                    Err(e) => {
                        self.stderr.push_str(&self.render_err(&e));
                        return 1;
                    }
                },
            };
            let short_base = base_label.split(" (").next().unwrap_or(&base_label).to_string();
            let set_name = if short_base == "nixpkgs" { "pkgs".to_string() } else { "the package set".to_string() };
            let opts = Options { base_label: short_base, set_name, attrs: self.args.attrs.clone() };
            let mut report = analyze(self.ev, base, &subject.overlay, &opts);
            let names = flake.as_ref().map(|f| collect_names(self.ev, f)).unwrap_or_default();
            let roots = flake.as_ref().map(|f| collect_roots(self.ev, f)).unwrap_or_default();
            let namer = |v: &Value| value_id(v).and_then(|id| names.get(&id).cloned());
            let origin = |o: &str| shorten_origin(o, &roots);
            report.finish(self.ev, &namer, &origin);
            let heading = Heading { overlay: subject.name.clone(), base: base_label.clone() };
            if report.failed() {
                code = 1;
            }
            if let Some(e) = &report.fatal {
                self.stderr.push_str(&format!("error while applying {}:\n", subject.name));
                self.stderr.push_str(&self.render_err(e));
            }
            for (attr, e) in &report.errors {
                self.stderr.push_str(&format!("error while evaluating final.{attr} for {}:\n", subject.name));
                self.stderr.push_str(&self.render_err(e));
            }
            match self.args.format {
                Format::Text => {
                    if k > 0 {
                        self.emit("\n");
                    }
                    self.emit(&out::text(&report, &heading, self.color));
                }
                Format::Json => json_docs.push(out::to_json(&report, &heading)),
                Format::Dot => self.emit(&out::dot(&report, &heading)),
                Format::Mermaid => {
                    if k > 0 {
                        self.emit("\n");
                    }
                    self.emit(&out::mermaid(&report, &heading));
                }
            }
        }
        if self.args.format == Format::Json {
            let doc = if many { serde_json::Value::Array(json_docs) } else { json_docs.pop().unwrap_or(serde_json::Value::Null) };
            self.emit(&format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()));
        }
        code
    }
}

/// Follows an attribute path, `None` when an attribute is missing.
fn get_path(ev: &mut Evaluator, v: &Value, path: &[&str]) -> EvalResult<Option<Value>> {
    let mut cur = v.clone();
    for p in path {
        let Value::Attrs(a) = &cur else { return Ok(None) };
        let Some(t) = a.get(Symbol::new(p)).cloned() else { return Ok(None) };
        cur = ev.force(&t)?;
    }
    Ok(Some(cur))
}

fn ready_attrs(t: &Thunk) -> Option<crate::eval::value::Attrs> {
    match t.value_if_ready() {
        Some(Value::Attrs(a)) => Some(a),
        _ => None,
    }
}

/// Names of overlay functions by identity: the flake's `overlays.NAME` and, for inputs already
/// evaluated, `INPUT.overlays.NAME`. Nothing new is evaluated here.
fn collect_names(_ev: &mut Evaluator, flake: &Value) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    let Value::Attrs(f) = flake else { return out };
    let mut add = |set: &crate::eval::value::Attrs, prefix: &str| {
        for e in set.iter() {
            if let Some(v) = e.value.value_if_ready() {
                if let Some(id) = value_id(&v) {
                    out.entry(id).or_insert_with(|| format!("{prefix}{}", e.name.as_str()));
                }
            }
        }
    };
    if let Some(o) = f.get(Symbol::new("overlays")).and_then(ready_attrs) {
        add(&o, "overlays.");
    }
    if let Some(inputs) = f.get(Symbol::new("inputs")).and_then(ready_attrs) {
        for i in inputs.sorted_by_name() {
            if let Some(iv) = ready_attrs(&i.value) {
                if let Some(o) = iv.get(Symbol::new("overlays")).and_then(ready_attrs) {
                    add(&o, &format!("{}.overlays.", i.name.as_str()));
                }
            }
        }
    }
    out
}

/// Store paths of the flake and its evaluated inputs, with the prefix to show instead.
fn collect_roots(_ev: &mut Evaluator, flake: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Value::Attrs(f) = flake else { return out };
    let out_path = |a: &crate::eval::value::Attrs| match a.get(Symbol::new("outPath")).and_then(|t| t.value_if_ready()) {
        Some(Value::String(s)) => Some(s.to_str_lossy().into_owned()),
        Some(Value::Path(p)) => Some(p.to_string()),
        _ => None,
    };
    if let Some(p) = out_path(f) {
        out.push((format!("{p}/"), String::new()));
    }
    if let Some(inputs) = f.get(Symbol::new("inputs")).and_then(ready_attrs) {
        for i in inputs.sorted_by_name() {
            if let Some(iv) = ready_attrs(&i.value) {
                if let Some(p) = out_path(&iv) {
                    out.push((format!("{p}/"), format!("{}:", i.name.as_str())));
                }
            }
        }
    }
    out
}

fn shorten_origin(o: &str, roots: &[(String, String)]) -> String {
    for (prefix, shown) in roots {
        if let Some(rest) = o.strip_prefix(prefix.as_str()) {
            return format!("{shown}{rest}");
        }
    }
    if let Some(rest) = o.strip_prefix("/nix/store/") {
        // `/nix/store/HASH-NAME/file` → `NAME:file`.
        if let Some((first, file)) = rest.split_once('/') {
            if let Some((_, name)) = first.split_once('-') {
                return format!("{name}:{file}");
            }
        }
    }
    o.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_shown_relative_to_their_flake() {
        let roots = vec![("/nix/store/abc-source/".to_string(), String::new()), ("/nix/store/def-source/".to_string(), "repo:".to_string())];
        assert_eq!(shorten_origin("/nix/store/abc-source/flake.nix:3", &roots), "flake.nix:3");
        assert_eq!(shorten_origin("/nix/store/def-source/flake.nix:9", &roots), "repo:flake.nix:9");
        assert_eq!(shorten_origin("/nix/store/xyz-source/lib/a.nix:1", &roots), "source:lib/a.nix:1");
        assert_eq!(shorten_origin("«string»:1", &roots), "«string»:1");
    }

    #[test]
    fn flags() {
        let a = parse(vec!["--format".into(), "dot".into(), "--attr".into(), "x".into(), "dir".into()]).unwrap();
        assert!(a.format == Format::Dot && a.attrs == ["x"] && a.flake.flake_ref.as_deref() == Some("dir"));
        assert!(parse(vec!["--format".into(), "svg".into()]).is_err());
        assert!(parse(vec!["-E".into(), "x".into(), "--all".into()]).is_err());
    }
}
