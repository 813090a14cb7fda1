//! Store-side algorithms of Nix that evaluation needs, computed without any store.
//!
//! Evaluating Nix code produces store paths: sources copied by `"${./dir}"` and
//! `builtins.path`, files made by `builtins.toFile`, and derivations with their output
//! paths. This module tree reproduces CppNix's algorithms for all of them bit for bit:
//!
//! - [`encoding`]: base16, Nix base32 and base64.
//! - [`hash`]: hash algorithms, the hash type and every textual form Nix reads and prints
//!   (base16, Nix base32, base64, SRI).
//! - [`nar`]: the NAR serialisation of a file system tree, streamed into a hash or a writer.
//! - [`path`]: store path computation (`makeStorePath`, fixed-output, text and source paths),
//!   name validation and store path parsing.
//! - [`derivation`]: the derivation type, its ATerm form, `hashDerivationModulo`, and the
//!   store-side half of `builtins.derivationStrict`.
//! - [`json`]: the exact JSON text CppNix produces, needed for `__structuredAttrs`.
//!
//! Nothing here writes to a store, talks to a daemon or evaluates Nix code; callers hand in
//! already-evaluated strings and get back paths. The store directory is always `/nix/store`.

use std::fmt;

pub mod derivation;
pub mod encoding;
pub mod hash;
pub mod json;
pub mod nar;
pub mod path;

/// What kind of failure a [`StoreError`] reports; mirrors the CppNix exception classes that
/// carry the same messages, so that callers can map them onto their own error kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A hash string could not be parsed (`BadHash`, `FormatError` of the decoders).
    BadHash,
    /// An unknown hash algorithm or format name (`UsageError`).
    Usage,
    /// A store path string or name is invalid (`BadStorePath`, `BadStorePathName`).
    BadStorePath,
    /// An error that CppNix reports as an evaluation error (`EvalError`).
    Eval,
    /// Any other error CppNix raises as a plain `Error`.
    Other,
    /// Reading the file system failed.
    Io,
    /// The path filter callback returned an error; the message is its message, unchanged.
    Filter,
}

/// The error type of the whole `store` module tree: a kind plus the message CppNix would
/// print (without the `error: ` prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub message: String,
}

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> StoreError {
        StoreError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn bad_hash(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::BadHash, message)
    }

    pub(crate) fn bad_path(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::BadStorePath, message)
    }

    pub(crate) fn eval(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::Eval, message)
    }

    pub(crate) fn other(message: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::Other, message)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// Result type of the `store` module tree.
pub type Result<T> = std::result::Result<T, StoreError>;
