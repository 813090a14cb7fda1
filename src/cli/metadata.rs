//! `nixeval metadata [FLAKEREF]`: what `nix flake metadata` shows, plus where every input was
//! found (local directory, store path, `--override-input`, stand-in), or that it is evaluated
//! as an opaque value (not available offline, no stand-in), or why it could not be read.
//! Inputs are located (hashed) but no flake is evaluated beyond reading `flake.nix` files.

use super::flake_args::{self, Outcome};
use super::{usage_error, Exit};
use crate::flake::call::{InputEntry, Origin};
use crate::flake::flakeref::attrs_to_json;
use crate::flake::source::format_utc_timestamp;

pub const HELP: &str = "\
nixeval metadata: show a flake's locked reference and its resolved inputs

Usage: nixeval metadata [FLAKEREF] [OPTIONS]

Prints what `nix flake metadata` prints (resolved and locked URL, description, store path,
revision, last modification, the inputs tree) and, for every input, where nixeval found it:
a local directory, a store path, an --override-input, a stand-in, or that it is opaque (not
available offline and without a stand-in: outputs that depend on it are listed as such).
The lock is completed in memory; flake.lock is never written.

Options:
      --json                   Print as JSON (the keys of `nix flake metadata --json`, plus
                               \"inputSources\")
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME
      --system SYSTEM          Accepted for symmetry with the other commands
      --no-stand-ins           Never replace an input that cannot be fetched with nixeval's
                               built-in stand-in (nixpkgs, flake-utils, systems, flake-parts)
                               or an opaque value: such inputs are errors
      --show-trace             Show the whole trace of errors
  -h, --help                   Show this help

Exit status: 0 success, 1 the flake could not be read or an input is unavailable (opaque inputs
count only with --no-stand-ins), 2 usage.

Examples:
  nixeval metadata fixtures/flakes/python-app
  nixeval metadata --json .
";

fn origin_json(l: &Result<crate::flake::call::Located, String>) -> serde_json::Value {
    use serde_json::json;
    match l {
        Ok(l) => {
            let (kind, detail) = match &l.origin {
                Origin::Root => ("root", String::new()),
                Origin::Override(r) => ("override", r.clone()),
                Origin::Local(p) => ("path", p.display().to_string()),
                Origin::Relative(p) => ("relative", p.display().to_string()),
                Origin::Store(s) => ("store", s.clone()),
                Origin::StandIn(label, _) => ("stand-in", label.clone()),
            };
            json!({ "source": kind, "from": detail, "path": l.store_path, "url": l.locked.to_string() })
        }
        Err(e) => json!({ "source": "unavailable", "error": e }),
    }
}

fn entries_json(entries: &[InputEntry]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for e in entries {
        let mut o = serde_json::Map::new();
        if let Some(f) = &e.follows {
            o.insert("follows".into(), serde_json::Value::String(f.join("/")));
        }
        if let Some(l) = &e.located {
            if let serde_json::Value::Object(x) = origin_json(l) {
                o.extend(x);
            }
            if e.opaque {
                o.insert("source".into(), "opaque".into());
            }
        }
        if !e.children.is_empty() {
            o.insert("inputs".into(), entries_json(&e.children));
        }
        m.insert(e.name.clone(), serde_json::Value::Object(o));
    }
    serde_json::Value::Object(m)
}

fn count_errors(entries: &[InputEntry]) -> usize {
    entries
        .iter()
        .map(|e| usize::from(!e.opaque && matches!(e.located, Some(Err(_)))) + count_errors(&e.children))
        .sum()
}

fn tree_text(entries: &[InputEntry], prefix: &str, bold: &dyn Fn(&str) -> String, out: &mut String) {
    for (i, e) in entries.iter().enumerate() {
        let last = i + 1 == entries.len();
        let head = format!("{}{}{}", prefix, if last { "└───" } else { "├───" }, bold(&e.name));
        let next = format!("{}{}", prefix, if last { "    " } else { "│   " });
        if let Some(f) = &e.follows {
            out.push_str(&format!("{} follows input '{}'\n", head, f.join("/")));
            continue;
        }
        match &e.located {
            Some(Ok(l)) => {
                let date = l
                    .locked
                    .input
                    .get_last_modified()
                    .map(|t| {
                        let d = format_utc_timestamp(t);
                        format!(" ({}-{}-{} {}:{}:{})", &d[0..4], &d[4..6], &d[6..8], &d[8..10], &d[10..12], &d[12..14])
                    })
                    .unwrap_or_default();
                out.push_str(&format!("{}: {}{} [{}]\n", head, l.locked, date, l.origin.describe()));
            }
            Some(Err(_)) if e.opaque => {
                out.push_str(&format!(
                    "{}: {} [opaque: not available offline and no stand-in]\n",
                    head,
                    e.original.as_deref().unwrap_or("?")
                ));
            }
            Some(Err(err)) => {
                out.push_str(&format!("{}: {} [unavailable: {}]\n", head, e.original.as_deref().unwrap_or("?"), err));
            }
            None => out.push_str(&format!("{}: {}\n", head, e.locked.as_deref().unwrap_or("?"))),
        }
        tree_text(&e.children, &next, bold, out);
    }
}

pub fn run(args: Vec<String>) -> Exit {
    let args = match super::parse_or_help(args, HELP, |a| flake_args::parse(a, &["--json"])) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    if !args.rest.is_empty() {
        return usage_error("only one flake reference can be given", HELP);
    }
    let color = flake_args::stdout_color();
    let out = flake_args::run_with_flake(args, move |s| {
        let tree = s.flake.input_tree(s.ev, true);
        let errors = count_errors(&tree);
        let root = &s.flake.root;
        let original = &s.flake.original_url;
        let locked = &root.locked;
        let stdout = if s.args.json {
            let mut j = serde_json::Map::new();
            if let Some(d) = &s.flake.description {
                j.insert("description".into(), d.clone().into());
            }
            let orig_ref = crate::flake::flakeref::parse_flake_ref(original, &Default::default()).ok();
            let orig_attrs = orig_ref.as_ref().map(|r| attrs_to_json(&r.to_attr_map())).unwrap_or_default();
            j.insert("originalUrl".into(), original.clone().into());
            j.insert("original".into(), orig_attrs.clone());
            j.insert("resolvedUrl".into(), original.clone().into());
            j.insert("resolved".into(), orig_attrs);
            j.insert("url".into(), s.flake.locked_url.clone().into());
            j.insert("locked".into(), attrs_to_json(&locked.to_attr_map()));
            if let Some(r) = &root.rev {
                j.insert("revision".into(), r.clone().into());
            }
            if let Some(r) = &root.dirty_rev {
                j.insert("dirtyRevision".into(), r.clone().into());
            }
            if let Some(Ok(n)) = &root.rev_count {
                j.insert("revCount".into(), (*n).into());
            }
            j.insert("lastModified".into(), root.last_modified.into());
            j.insert("path".into(), root.store_path.clone().into());
            j.insert("locks".into(), s.flake.located_lock_json());
            j.insert("inputSources".into(), entries_json(&tree));
            format!("{}\n", serde_json::Value::Object(j))
        } else {
            let bold = |t: &str| if color { format!("\x1b[1m{}\x1b[0m", t) } else { t.to_string() };
            let mut o = String::new();
            o.push_str(&format!("{}  {}\n", bold("Resolved URL:"), original));
            o.push_str(&format!("{}    {}\n", bold("Locked URL:"), s.flake.locked_url));
            if let Some(d) = &s.flake.description {
                o.push_str(&format!("{}   {}\n", bold("Description:"), d));
            }
            o.push_str(&format!("{}          {}\n", bold("Path:"), root.store_path));
            if let Some(r) = &root.rev {
                o.push_str(&format!("{}      {}\n", bold("Revision:"), r));
            }
            if let Some(r) = &root.dirty_rev {
                o.push_str(&format!("{}      {}\n", bold("Revision:"), r));
            }
            if let Some(Ok(n)) = &root.rev_count {
                o.push_str(&format!("{}     {}\n", bold("Revisions:"), n));
            }
            let d = root.last_modified_date();
            o.push_str(&format!(
                "{} {}-{}-{} {}:{}:{}\n",
                bold("Last modified:"),
                &d[0..4],
                &d[4..6],
                &d[6..8],
                &d[8..10],
                &d[10..12],
                &d[12..14]
            ));
            if !tree.is_empty() {
                o.push_str(&format!("{}\n", bold("Inputs:")));
                tree_text(&tree, "", &bold, &mut o);
            }
            o
        };
        Outcome { code: if errors == 0 { 0 } else { 1 }, stdout, stderr: String::new() }
    });
    flake_args::finish(out)
}
