//! The evaluator's only door to the outside world. Everything that reads files, lists
//! directories or inspects paths goes through [`EvalIo`], so tests can run on an in-memory tree
//! ([`MemIo`]) and a sandboxed evaluation can refuse everything. [`RealIo`] is the host file
//! system.

use std::collections::BTreeMap;

/// The type of a file as `builtins.readDir` / `readFileType` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    Unknown,
}

impl FileType {
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

/// A store object nixeval computed the path of without writing it, described so that reads
/// of the store path can be answered (`import "${./dir}/x.nix"`, reading a `toFile` result).
#[derive(Clone, Debug)]
pub enum StoreObject {
    /// A copy of the host path `source`; with `only`, just these entries (paths relative to
    /// `source`, `/`-separated, directories included) are part of it, as a filter chose.
    Copy { source: String, only: Option<std::rc::Rc<rustc_hash::FxHashSet<String>>> },
    /// A regular, non-executable file with these contents (`builtins.toFile`).
    Contents(std::rc::Rc<[u8]>),
}

pub trait EvalIo {
    /// Records that `store_path` (`/nix/store/HASH-NAME`) holds `object`, so that reads below
    /// it can be answered. Views that do not map store paths ignore it.
    fn add_store_object(&self, _store_path: &str, _object: StoreObject) {}

    /// `import` semantics: a directory means its `default.nix`. Returns the file to read.
    fn resolve_import(&self, path: &str) -> Result<String, String> {
        match self.file_type(path) {
            Some(FileType::Directory) => Ok(format!("{}/default.nix", path.trim_end_matches('/'))),
            Some(_) => Ok(path.to_string()),
            None => Err(format!("path '{}' does not exist", path)),
        }
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String>;
    /// The type of a path without following a final symlink; `None` if it does not exist.
    fn file_type(&self, path: &str) -> Option<FileType>;
    /// Entries of a directory with their types, sorted by name.
    fn read_dir(&self, path: &str) -> Result<Vec<(String, FileType)>, String>;
    fn read_link(&self, path: &str) -> Result<String, String>;
    fn is_executable(&self, path: &str) -> bool;
    fn path_exists(&self, path: &str) -> bool {
        self.file_type(path).is_some()
    }
    /// The SHA-256 of the NAR serialisation of a file or tree (for store paths of sources).
    fn nar_sha256(&self, path: &str) -> Result<[u8; 32], String>;
    /// The modification time of a path (seconds since the epoch), not following a final
    /// symlink; `None` when unknown.
    fn mtime(&self, _path: &str) -> Option<i64> {
        None
    }
    /// Runs a local program (`git`, `tar`) in `dir` and returns its standard output; used by
    /// the fetchers for local repositories and archives. Refused unless the host allows it.
    fn run_program(&self, program: &str, _dir: &str, _args: &[&str]) -> Result<Vec<u8>, String> {
        Err(format!("running '{}' is not available in this evaluation", program))
    }
}

/// The host file system.
pub struct RealIo;

/// A failed file system operation in CppNix's words: the system's description of the error,
/// without the `(os error N)` Rust appends.
fn io_err(path: &str, e: std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("path '{}' does not exist", path),
        std::io::ErrorKind::NotADirectory => format!("'{}' is not a directory", path),
        _ => {
            let text = e.to_string();
            let text = match text.rfind(" (os error ") {
                Some(i) if text.ends_with(')') => &text[..i],
                _ => &text[..],
            };
            format!("reading '{}': {}", path, text)
        }
    }
}

impl EvalIo for RealIo {
    fn resolve_import(&self, path: &str) -> Result<String, String> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Ok(format!("{}/default.nix", path.trim_end_matches('/'))),
            Ok(_) => Ok(path.to_string()),
            Err(e) => Err(io_err(path, e)),
        }
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(format!("cannot read '{}': it is a directory", path)),
            _ => {}
        }
        std::fs::read(path).map_err(|e| io_err(path, e))
    }
    fn file_type(&self, path: &str) -> Option<FileType> {
        let m = std::fs::symlink_metadata(path).ok()?;
        let t = m.file_type();
        Some(if t.is_symlink() {
            FileType::Symlink
        } else if t.is_dir() {
            FileType::Directory
        } else if t.is_file() {
            FileType::Regular
        } else {
            FileType::Unknown
        })
    }
    fn read_dir(&self, path: &str) -> Result<Vec<(String, FileType)>, String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| io_err(path, e))? {
            let entry = entry.map_err(|e| io_err(path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let t = match entry.file_type() {
                Ok(t) if t.is_symlink() => FileType::Symlink,
                Ok(t) if t.is_dir() => FileType::Directory,
                Ok(t) if t.is_file() => FileType::Regular,
                _ => FileType::Unknown,
            };
            out.push((name, t));
        }
        out.sort();
        Ok(out)
    }
    fn read_link(&self, path: &str) -> Result<String, String> {
        std::fs::read_link(path).map(|p| p.to_string_lossy().into_owned()).map_err(|e| io_err(path, e))
    }
    fn nar_sha256(&self, path: &str) -> Result<[u8; 32], String> {
        crate::store::nar::nar_sha256(std::path::Path::new(path), None).map(|(h, _)| h).map_err(|e| e.to_string())
    }
    fn is_executable(&self, path: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path).map(|m| m.permissions().mode() & 0o100 != 0).unwrap_or(false)
    }
    fn mtime(&self, path: &str) -> Option<i64> {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).ok().map(|m| m.mtime())
    }
    fn run_program(&self, program: &str, dir: &str, args: &[&str]) -> Result<Vec<u8>, String> {
        let out = std::process::Command::new(program)
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run '{}': {}", program, e))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(format!("'{} {}' failed: {}", program, args.join(" "), err.trim_end()));
        }
        Ok(out.stdout)
    }
}

/// An in-memory file tree for tests: paths map to file contents; directories are implied.
#[derive(Default)]
pub struct MemIo {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemIo {
    pub fn with(files: &[(&str, &str)]) -> MemIo {
        MemIo { files: files.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect() }
    }
}

impl EvalIo for MemIo {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        self.files.get(path).cloned().ok_or_else(|| format!("path '{}' does not exist", path))
    }
    fn file_type(&self, path: &str) -> Option<FileType> {
        if self.files.contains_key(path) {
            return Some(FileType::Regular);
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        if self.files.keys().any(|k| k.starts_with(&prefix)) {
            return Some(FileType::Directory);
        }
        None
    }
    fn read_dir(&self, path: &str) -> Result<Vec<(String, FileType)>, String> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut out: Vec<(String, FileType)> = Vec::new();
        for k in self.files.keys() {
            if let Some(rest) = k.strip_prefix(&prefix) {
                let (name, t) = match rest.find('/') {
                    Some(i) => (&rest[..i], FileType::Directory),
                    None => (rest, FileType::Regular),
                };
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.to_string(), t));
                }
            }
        }
        if out.is_empty() && !self.files.contains_key(path) {
            return Err(format!("path '{}' does not exist", path));
        }
        out.sort();
        Ok(out)
    }
    fn read_link(&self, path: &str) -> Result<String, String> {
        Err(format!("'{}' is not a symlink", path))
    }
    fn is_executable(&self, _path: &str) -> bool {
        false
    }
    fn nar_sha256(&self, path: &str) -> Result<[u8; 32], String> {
        let contents = self.read_file(path)?;
        let mut nar = Vec::new();
        crate::store::nar::dump_bytes(&contents, &mut nar).map_err(|e| e.to_string())?;
        Ok(crate::store::hash::Hash::sha256(&nar))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_errors_read_as_the_reference_words_them() {
        use std::io::{Error, ErrorKind};
        assert_eq!(super::io_err("/x", Error::from(ErrorKind::NotFound)), "path '/x' does not exist");
        assert_eq!(super::io_err("/x/y", Error::from_raw_os_error(20)), "'/x/y' is not a directory");
        assert_eq!(super::io_err("/x", Error::from_raw_os_error(13)), "reading '/x': Permission denied");
    }
}
