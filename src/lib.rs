//! nixeval: a fast standalone evaluator of the Nix language and of Nix flakes.
//!
//! The pipeline: [`syntax`] lexes and parses text into a syntax tree, [`eval::lower`] turns it into a compact
//! IR with resolved variables, the [`eval::Evaluator`] evaluates it lazily, [`builtins`] provides
//! the primitive operations, [`print`] renders values, and [`cli`] is the command-line front end
//! (the only module that prints or chooses exit codes). See ARCHITECTURE.md.

pub mod builtins;
pub mod cli;
pub mod error;
pub mod data;
pub mod json;
pub mod eval;
pub mod flake;
pub mod numfmt;
pub mod overlays;
pub mod print;
pub mod regex;
pub mod stack;
pub mod store;
pub mod syntax;
pub mod toml;
pub mod versions;

pub use error::{ErrorKind, EvalError};
pub use eval::{EvalOptions, Evaluator, Value};

/// Evaluates an expression with default options and an in-memory file system, forcing the
/// result deeply, and returns `nix-instantiate --eval --strict`'s rendering of it. Meant for
/// tests and embedding; runs on the calling thread (deep recursion needs a big stack: see
/// [`eval::with_big_stack`]).
pub fn eval_to_string(expr: &str) -> Result<String, EvalError> {
    let mut ev = Evaluator::new(EvalOptions::default(), Box::new(eval::io::RealIo));
    ev.reset_stack_base();
    let v = ev.eval_str(expr, "/")?;
    ev.force_deep(&v)?;
    Ok(String::from_utf8_lossy(&print::print_value(&v)).into_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn eval_to_string_forces_and_prints() {
        assert_eq!(super::eval_to_string("{ b = [ (1 + 1) ]; a = \"x\"; }").unwrap(), "{ a = \"x\"; b = [ 2 ]; }");
        let err = super::eval_to_string("{ }.missing").unwrap_err();
        assert_eq!(err.kind(), super::ErrorKind::MissingAttr);
    }
}
