//! Files CppNix ships inside the evaluator and exposes as `<nix/...>` when no search-path
//! entry provides them (today `<nix/fetchurl.nix>`). They are addressed by paths under
//! [`PREFIX`], which the evaluator reads from this table instead of the file system.

/// The path prefix of built-in files; shown in messages as the file's location.
pub const PREFIX: &str = "/__nixeval/corepkgs/";

/// The text of a built-in file, by its name under `nix/`.
pub fn file(name: &str) -> Option<&'static str> {
    match name {
        "fetchurl.nix" => Some(include_str!("corepkgs/fetchurl.nix")),
        _ => None,
    }
}

/// The text of a built-in file, by its full path.
pub fn by_path(path: &str) -> Option<&'static str> {
    path.strip_prefix(PREFIX).and_then(file)
}
