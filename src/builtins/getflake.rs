//! `builtins.getFlake`: loads a flake from a flake reference and returns its value as
//! call-flake builds it (`outputs // sourceInfo // { inputs; outputs; sourceInfo; _type =
//! "flake"; ... }`), through the flake loader of [`crate::flake::call`].
//!
//! Like CppNix, the reference is parsed without a base directory (so it must be absolute or a
//! URL), and in pure evaluation mode it must be locked (`narHash` for `path:`, `rev` for Git).
//! The builtin only works when the evaluator reads files through a
//! [`FlakeIo`](crate::flake::call::FlakeIo) whose [`Mounts`] handle is kept in
//! [`GetFlakeState`] (`Caches::get_flake`), which is what `nixeval eval` sets up: the loader
//! makes the store paths of the sources it locates readable there. Each reference is loaded
//! once per evaluation. Deliberately not done: fetching anything over the network (only local
//! `path:` and `git+file:` flakes, plus nixeval's stand-ins for their inputs), flake
//! registries, writing `flake.lock`.

use super::Builtin;
use crate::error::EvalError;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::flake::call::{load_flake, FlakeOptions, Mounts};
use crate::flake::flakeref::{parse_flake_ref, ParseOptions};
use std::path::PathBuf;
use std::rc::Rc;

pub const BUILTINS: &[Builtin] = &[Builtin { name: "getFlake", arity: 1, func: get_flake }];

/// What `getFlake` keeps during an evaluation: the mount table of the evaluator's
/// [`FlakeIo`](crate::flake::call::FlakeIo) and the flakes loaded so far, by reference.
pub struct GetFlakeState {
    mounts: Mounts,
    loaded: rustc_hash::FxHashMap<String, Thunk>,
}

impl GetFlakeState {
    /// `mounts` must be the table the evaluator's `FlakeIo` reads through.
    pub fn new(mounts: Mounts) -> GetFlakeState {
        GetFlakeState { mounts, loaded: Default::default() }
    }
}

fn get_flake(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = ev.arg_string(args, 0, "getFlake")?;
    if s.has_context() {
        return Err(EvalError::eval(format!(
            "the string '{}' is not allowed to refer to a store path",
            s.to_str_lossy()
        )));
    }
    let text = s.to_str_lossy().into_owned();
    let flake_ref = parse_flake_ref(&text, &ParseOptions { allow_missing: true, ..ParseOptions::default() })
        .map_err(|e| EvalError::eval(e.message().to_string()))?;
    if !ev.options.impure && !flake_ref.input.is_locked() {
        // CppNix puts the call site into the message; here the evaluator shows it with the error.
        return Err(EvalError::eval(format!(
            "cannot call 'getFlake' on unlocked flake reference '{}' (use --impure to override)",
            text
        )));
    }
    if flake_ref.input.source_path().is_none() {
        return Err(EvalError::eval(format!(
            "cannot fetch flake '{}': nixeval works offline and reads local flakes only ('path:' or 'git+file:')",
            flake_ref
        )));
    }
    let key = flake_ref.to_string();
    let mounts = match &ev.caches.get_flake {
        Some(state) => {
            if let Some(t) = state.loaded.get(&key) {
                let t = t.clone();
                return ev.force(&t);
            }
            state.mounts.clone()
        }
        None => {
            return Err(EvalError::eval(
                "'builtins.getFlake' is not available in this evaluation (it needs the flake file system view)",
            ))
        }
    };
    let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut opts = FlakeOptions::new(base_dir);
    opts.stand_ins = Rc::new(crate::flake::standins::BuiltinStandIns { enabled: true });
    let loaded = load_flake(ev, &mounts, &key, &opts)?;
    let value = loaded.value.clone();
    if let Some(state) = ev.caches.get_flake.as_mut() {
        state.loaded.insert(key, value.clone());
    }
    ev.force(&value)
}

#[cfg(test)]
mod tests {
    use crate::eval::{EvalOptions, Evaluator};
    use crate::flake::call::{FlakeIo, Mounts};

    fn eval(expr: &str, impure: bool, with_state: bool) -> Result<String, String> {
        let opts = EvalOptions { impure, ..Default::default() };
        let mounts = Mounts::default();
        let mut ev = Evaluator::new(opts, Box::new(FlakeIo::new(mounts.clone())));
        if with_state {
            ev.caches.get_flake = Some(super::GetFlakeState::new(mounts));
        }
        ev.reset_stack_base();
        let v = ev.eval_str(expr, "/").map_err(|e| e.message().to_string())?;
        ev.force_deep(&v).map_err(|e| e.message().to_string())?;
        Ok(String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned())
    }

    fn flake_dir(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("nixeval-getflake-unit-{}-{}", tag, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("flake.nix"),
            "{ description = \"d\"; outputs = { self }: { x = 1; me = builtins.readFile (self + \"/data.txt\"); }; }",
        )
        .unwrap();
        std::fs::write(dir.join("data.txt"), "hello").unwrap();
        dir
    }

    #[test]
    fn loads_a_local_flake_impurely() {
        let dir = flake_dir("impure");
        let e = format!("let f = builtins.getFlake \"path:{}\"; in [ f.x f.outputs.x f._type f.me (f.outPath == f.sourceInfo.outPath) ]", dir.display());
        assert_eq!(eval(&e, true, true).unwrap(), "[ 1 1 \"flake\" \"hello\" true ]");
        // The same reference is loaded once: both calls give the very same outputs.
        let e = format!("let r = \"path:{}\"; in (builtins.getFlake r).outputs == (builtins.getFlake r).outputs", dir.display());
        assert_eq!(eval(&e, true, true).unwrap(), "true");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn pure_mode_needs_a_locked_reference() {
        let dir = flake_dir("pure");
        let r = format!("path:{}", dir.display());
        let err = eval(&format!("(builtins.getFlake \"{}\").x", r), false, true).unwrap_err();
        assert_eq!(err, format!("cannot call 'getFlake' on unlocked flake reference '{}' (use --impure to override)", r));
        let hash = eval(&format!("(builtins.getFlake \"{}\").narHash", r), true, true).unwrap();
        let locked = format!("{}?narHash={}", r, hash.trim_matches('"'));
        assert_eq!(eval(&format!("(builtins.getFlake \"{}\").x", locked), false, true).unwrap(), "1");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_references() {
        assert_eq!(eval("builtins.getFlake \".\"", true, true).unwrap_err(), "flake reference '.' is not an absolute path");
        assert_eq!(
            eval("builtins.getFlake \"/x#y\"", true, true).unwrap_err(),
            "unexpected fragment 'y' in flake reference '/x#y'"
        );
        let err = eval("builtins.getFlake \"github:NixOS/nixpkgs\"", true, true).unwrap_err();
        assert!(err.contains("reads local flakes only"), "{err}");
        let err = eval("builtins.getFlake \"/x\"", true, false).unwrap_err();
        assert!(err.contains("is not available in this evaluation"), "{err}");
    }
}
