//! Built-in stand-ins for flake inputs that cannot be fetched offline: Nix source trees
//! written for nixeval (a nixpkgs with its library and lazy package sets, flake-utils,
//! nix-systems, flake-parts), embedded in the binary as small read-only file trees.
//!
//! [`BuiltinStandIns`] implements the loader's [`StandIns`] hook: it recognises an input by its
//! locked or original reference (`github:NixOS/nixpkgs/...`, tarball and Git URLs of the same
//! repositories, FlakeHub) or by its registry name (`flake:nixpkgs`), and answers with an
//! [`EmbeddedTree`] that [`super::call::FlakeIo`] mounts at a store path, where it is evaluated
//! like any flake. Nothing here evaluates Nix code, and no stand-in claims to build anything:
//! their derivations are real `derivation`s marked with `__nixevalStandIn = true`.

use super::call::{StandIn, StandInSource, StandIns};
use super::flakeref::{Attr, FlakeRef};
use crate::eval::io::FileType;

/// A read-only tree of files compiled into the binary: relative paths (no leading `/`, sorted)
/// and their contents. Directories are implied by the paths.
#[derive(Debug)]
pub struct EmbeddedTree {
    /// What the tree stands in for (`nixpkgs`, `flake-utils`, `systems`).
    pub name: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

impl PartialEq for EmbeddedTree {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
impl Eq for EmbeddedTree {}

/// Where NixOS modules live in nixpkgs; any `.nix` file below it that the tree lacks is the
/// tree's empty stand-in module (`"${nixpkgs}/nixos/modules/profiles/minimal.nix"`,
/// `"${modulesPath}/installer/scan/not-detected.nix"`), and any other path below it a directory.
const NIXOS_MODULES: &str = "nixos/modules/";
const NIXOS_STAND_IN_MODULE: &str = "nixos/modules/stand-in.nix";

impl EmbeddedTree {
    /// The contents of the file at `rel`.
    pub fn file(&self, rel: &str) -> Option<&'static str> {
        self.files.iter().find(|(p, _)| *p == rel).map(|(_, c)| *c).or_else(|| {
            if self.unlisted_module(rel) && rel.ends_with(".nix") {
                self.files.iter().find(|(p, _)| *p == NIXOS_STAND_IN_MODULE).map(|(_, c)| *c)
            } else {
                None
            }
        })
    }

    /// Whether `rel` is a path below nixpkgs' NixOS modules that the tree does not list.
    fn unlisted_module(&self, rel: &str) -> bool {
        self.name == "nixpkgs"
            && rel.starts_with(NIXOS_MODULES)
            && rel.len() > NIXOS_MODULES.len()
            && !rel.split('/').any(|c| c.is_empty() || c == "." || c == "..")
            && !self.files.iter().any(|(p, _)| *p == rel)
    }

    fn is_dir(&self, rel: &str) -> bool {
        rel.is_empty()
            || self.files.iter().any(|(p, _)| p.len() > rel.len() && p.starts_with(rel) && p.as_bytes()[rel.len()] == b'/')
            || (self.unlisted_module(rel) && !rel.ends_with(".nix"))
    }

    pub fn file_type(&self, rel: &str) -> Option<FileType> {
        if self.file(rel).is_some() {
            Some(FileType::Regular)
        } else if self.is_dir(rel) {
            Some(FileType::Directory)
        } else {
            None
        }
    }

    /// The entries of the directory `rel` (`""`: the top), sorted by name.
    pub fn read_dir(&self, rel: &str) -> Option<Vec<(String, FileType)>> {
        if !self.is_dir(rel) {
            return None;
        }
        let mut out: Vec<(String, FileType)> = Vec::new();
        if self.unlisted_module(rel) {
            // A directory of modules the tree does not model: its `default.nix` is the stand-in.
            out.push(("default.nix".to_string(), FileType::Regular));
            return Some(out);
        }
        for (p, _) in self.files {
            let rest = if rel.is_empty() {
                *p
            } else {
                match p.strip_prefix(rel).and_then(|r| r.strip_prefix('/')) {
                    Some(r) => r,
                    None => continue,
                }
            };
            let (name, t) = match rest.find('/') {
                Some(i) => (&rest[..i], FileType::Directory),
                None => (rest, FileType::Regular),
            };
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_string(), t));
            }
        }
        out.sort();
        Some(out)
    }

    /// The SHA-256 of the NAR serialisation of the file or directory at `rel`.
    pub fn nar_sha256(&self, rel: &str) -> Option<[u8; 32]> {
        let mut nar = Vec::new();
        nar_str(&mut nar, b"nix-archive-1");
        self.nar_node(rel, &mut nar)?;
        Some(crate::store::hash::Hash::sha256(&nar))
    }

    fn nar_node(&self, rel: &str, out: &mut Vec<u8>) -> Option<()> {
        nar_str(out, b"(");
        nar_str(out, b"type");
        if let Some(c) = self.file(rel) {
            nar_str(out, b"regular");
            nar_str(out, b"contents");
            nar_str(out, c.as_bytes());
        } else {
            nar_str(out, b"directory");
            for (name, _) in self.read_dir(rel)? {
                let child = if rel.is_empty() { name.clone() } else { format!("{}/{}", rel, name) };
                nar_str(out, b"entry");
                nar_str(out, b"(");
                nar_str(out, b"name");
                nar_str(out, name.as_bytes());
                nar_str(out, b"node");
                self.nar_node(&child, out)?;
                nar_str(out, b")");
            }
        }
        nar_str(out, b")");
        Some(())
    }

    /// The store path the tree appears at when no lock entry gives the real input's.
    pub fn store_path(&self) -> String {
        let h = self.nar_sha256("").unwrap_or([0; 32]);
        super::source::source_store_path("source", &h).unwrap_or_else(|_| format!("/nix/store/{}-source", self.name))
    }
}

fn nar_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s);
    let pad = (8 - s.len() % 8) % 8;
    out.extend(std::iter::repeat(0u8).take(pad));
}

// ---------------------------------------------------------------------------------------------
// The trees
// ---------------------------------------------------------------------------------------------

macro_rules! tree {
    ($name:literal, [$($path:literal),* $(,)?]) => {
        EmbeddedTree {
            name: $name,
            files: &[$(($path, include_str!(concat!("standins/", $name, "/", $path)))),*],
        }
    };
}

/// nixpkgs: `lib`, `legacyPackages`, `import nixpkgs { ... }`, `nixosSystem`.
pub static NIXPKGS: EmbeddedTree = tree!("nixpkgs", [
    "default.nix",
    "flake.nix",
    "lib/attrsets.nix",
    "lib/customisation.nix",
    "lib/default.nix",
    "lib/derivations.nix",
    "lib/filesystem.nix",
    "lib/fixed-points.nix",
    "lib/lists.nix",
    "lib/meta.nix",
    "lib/modules.nix",
    "lib/options.nix",
    "lib/path.nix",
    "lib/sources.nix",
    "lib/strings.nix",
    "lib/systems.nix",
    "lib/trivial.nix",
    "lib/types.nix",
    "nixos/default.nix",
    "nixos/lib/eval-config.nix",
    "nixos/modules/stand-in.nix",
    "pkgs/default.nix",
    "pkgs/formats.nix",
    "pkgs/python.nix",
    "pkgs/sets.nix",
    "pkgs/stdenv.nix",
    "pkgs/unmodelled.nix",
]);

/// numtide/flake-utils.
pub static FLAKE_UTILS: EmbeddedTree = tree!("flake-utils", ["default.nix", "flake.nix"]);

/// hercules-ci/flake-parts.
pub static FLAKE_PARTS: EmbeddedTree = tree!("flake-parts", ["flake.nix", "lib.nix"]);

const SYSTEMS_FLAKE: &str = "# nixeval's stand-in for a nix-systems flake: `import systems` is the list of systems.\n{\n  description = \"nixeval stand-in for nix-systems\";\n  outputs = { self, ... }: { };\n}\n";

macro_rules! systems_tree {
    ($name:ident, $repo:literal, $list:literal) => {
        pub static $name: EmbeddedTree = EmbeddedTree {
            name: concat!("systems/", $repo),
            files: &[("default.nix", concat!($list, "\n")), ("flake.nix", SYSTEMS_FLAKE)],
        };
    };
}

systems_tree!(SYSTEMS_DEFAULT, "default", r#"[ "aarch64-darwin" "aarch64-linux" "x86_64-darwin" "x86_64-linux" ]"#);
systems_tree!(SYSTEMS_DEFAULT_LINUX, "default-linux", r#"[ "aarch64-linux" "x86_64-linux" ]"#);
systems_tree!(SYSTEMS_DEFAULT_DARWIN, "default-darwin", r#"[ "aarch64-darwin" "x86_64-darwin" ]"#);
systems_tree!(SYSTEMS_X86_64_LINUX, "x86_64-linux", r#"[ "x86_64-linux" ]"#);
systems_tree!(SYSTEMS_AARCH64_LINUX, "aarch64-linux", r#"[ "aarch64-linux" ]"#);
systems_tree!(SYSTEMS_X86_64_DARWIN, "x86_64-darwin", r#"[ "x86_64-darwin" ]"#);
systems_tree!(SYSTEMS_AARCH64_DARWIN, "aarch64-darwin", r#"[ "aarch64-darwin" ]"#);

// ---------------------------------------------------------------------------------------------
// Recognising inputs
// ---------------------------------------------------------------------------------------------

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// The tree standing in for GitHub-style `owner/repo`.
fn by_repo(owner: &str, repo: &str) -> Option<&'static EmbeddedTree> {
    let (owner, repo) = (lower(owner), lower(repo));
    let repo = repo.trim_end_matches(".git");
    match (owner.as_str(), repo) {
        (_, "nixpkgs") | ("nixos", "nixpkgs-channels") | ("nix-community", "nixpkgs.lib") => Some(&NIXPKGS),
        ("numtide", "flake-utils") => Some(&FLAKE_UTILS),
        ("hercules-ci", "flake-parts") => Some(&FLAKE_PARTS),
        ("nix-systems", r) => match r {
            "default" => Some(&SYSTEMS_DEFAULT),
            "default-linux" => Some(&SYSTEMS_DEFAULT_LINUX),
            "default-darwin" => Some(&SYSTEMS_DEFAULT_DARWIN),
            "x86_64-linux" => Some(&SYSTEMS_X86_64_LINUX),
            "aarch64-linux" => Some(&SYSTEMS_AARCH64_LINUX),
            "x86_64-darwin" => Some(&SYSTEMS_X86_64_DARWIN),
            "aarch64-darwin" => Some(&SYSTEMS_AARCH64_DARWIN),
            _ => None,
        },
        _ => None,
    }
}

/// The tree standing in for a registry name (`flake:nixpkgs`).
fn by_registry_name(id: &str) -> Option<&'static EmbeddedTree> {
    match id {
        "nixpkgs" | "nixpkgs-lib" => Some(&NIXPKGS),
        "flake-utils" => Some(&FLAKE_UTILS),
        "flake-parts" => Some(&FLAKE_PARTS),
        "systems" => Some(&SYSTEMS_DEFAULT),
        _ => None,
    }
}

/// The tree standing in for a URL (`https://github.com/NixOS/nixpkgs/archive/x.tar.gz`,
/// FlakeHub, the NixOS channels).
fn by_url(url: &str) -> Option<&'static EmbeddedTree> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let host = lower(parts.next()?);
    let host = host.rsplit('@').next().unwrap_or(&host).to_string();
    let segs: Vec<&str> = parts.collect();
    match host.as_str() {
        "github.com" | "codeload.github.com" | "api.github.com" | "gitlab.com" => {
            let segs: Vec<&str> = if segs.first() == Some(&"repos") { segs[1..].to_vec() } else { segs };
            by_repo(segs.first()?, segs.get(1)?)
        }
        "flakehub.com" | "api.flakehub.com" => {
            let segs: Vec<&str> = if segs.first() == Some(&"f") { segs[1..].to_vec() } else { segs };
            by_repo(segs.first()?, segs.get(1)?)
        }
        "channels.nixos.org" | "nixos.org" | "releases.nixos.org" => Some(&NIXPKGS),
        _ => None,
    }
}

/// The embedded tree that stands in for the input `r`, if any.
pub fn identify(r: &FlakeRef) -> Option<&'static EmbeddedTree> {
    let attrs = r.input.attrs();
    let s = |k: &str| match attrs.get(k) {
        Some(Attr::String(v)) => Some(v.as_str()),
        _ => None,
    };
    match r.input.input_type() {
        "github" | "gitlab" | "sourcehut" => by_repo(s("owner")?.trim_start_matches('~'), s("repo")?),
        "indirect" => by_registry_name(s("id")?),
        _ => by_url(s("url")?),
    }
}

/// The stand-ins compiled into nixeval; with `enabled` false none is used, and an input that
/// would have had one says so in its error.
pub struct BuiltinStandIns {
    pub enabled: bool,
}

impl BuiltinStandIns {
    fn find(original: &FlakeRef, locked: Option<&FlakeRef>) -> Option<&'static EmbeddedTree> {
        locked.and_then(identify).or_else(|| identify(original))
    }
}

impl StandIns for BuiltinStandIns {
    fn lookup(&self, _path: &[String], original: &FlakeRef, locked: Option<&FlakeRef>) -> Option<StandIn> {
        if !self.enabled {
            return None;
        }
        let tree = Self::find(original, locked)?;
        Some(StandIn { source: StandInSource::Embedded(tree), label: format!("built-in {}", tree.name) })
    }

    fn unavailable_note(&self, _path: &[String], original: &FlakeRef, locked: Option<&FlakeRef>) -> Option<String> {
        if self.enabled {
            return None;
        }
        Self::find(original, locked)
            .map(|t| format!("nixeval has a built-in stand-in for it ({}), but --no-stand-ins is set", t.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flake::flakeref::{parse_flake_ref, ParseOptions};

    fn id(s: &str) -> Option<&'static str> {
        identify(&parse_flake_ref(s, &ParseOptions::default()).unwrap()).map(|t| t.name)
    }

    #[test]
    fn recognises_references() {
        assert_eq!(id("github:NixOS/nixpkgs/nixos-24.05"), Some("nixpkgs"));
        assert_eq!(id("github:nixos/nixpkgs"), Some("nixpkgs"));
        assert_eq!(id("nixpkgs"), Some("nixpkgs"));
        assert_eq!(id("flake:flake-utils"), Some("flake-utils"));
        assert_eq!(id("github:numtide/flake-utils"), Some("flake-utils"));
        assert_eq!(id("github:hercules-ci/flake-parts"), Some("flake-parts"));
        assert_eq!(id("github:nix-systems/default-linux"), Some("systems/default-linux"));
        assert_eq!(id("https://flakehub.com/f/NixOS/nixpkgs/0.1.tar.gz"), Some("nixpkgs"));
        assert_eq!(id("https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz"), Some("nixpkgs"));
        assert_eq!(id("git+https://github.com/NixOS/nixpkgs?ref=master"), Some("nixpkgs"));
        assert_eq!(id("https://channels.nixos.org/nixos-24.05/nixexprs.tar.xz"), Some("nixpkgs"));
        assert_eq!(id("github:nix-community/home-manager"), None);
        assert_eq!(id("github:numtide/treefmt-nix"), None);
    }

    #[test]
    fn embedded_tree_reads_like_a_directory() {
        let t = &NIXPKGS;
        assert_eq!(t.file_type(""), Some(FileType::Directory));
        assert_eq!(t.file_type("lib"), Some(FileType::Directory));
        assert_eq!(t.file_type("lib/default.nix"), Some(FileType::Regular));
        assert_eq!(t.file_type("li"), None);
        let top = t.read_dir("").unwrap();
        assert!(top.contains(&("lib".to_string(), FileType::Directory)), "{top:?}");
        assert!(top.contains(&("flake.nix".to_string(), FileType::Regular)), "{top:?}");
        assert!(t.read_dir("flake.nix").is_none());
        // Paths are sorted so lookups and NAR serialisation are deterministic.
        let mut sorted: Vec<&str> = t.files.iter().map(|(p, _)| *p).collect();
        sorted.sort();
        assert_eq!(sorted, t.files.iter().map(|(p, _)| *p).collect::<Vec<_>>());
    }

    #[test]
    fn nixos_module_paths_resolve_to_the_empty_stand_in_module() {
        let t = &NIXPKGS;
        let stand_in = t.file("nixos/modules/stand-in.nix").unwrap();
        assert_eq!(t.file("nixos/modules/installer/scan/not-detected.nix"), Some(stand_in));
        assert_eq!(t.file_type("nixos/modules/profiles/minimal.nix"), Some(FileType::Regular));
        assert_eq!(t.file_type("nixos/modules/virtualisation"), Some(FileType::Directory));
        assert_eq!(t.file("nixos/modules/virtualisation/default.nix"), Some(stand_in));
        assert_eq!(
            t.read_dir("nixos/modules/virtualisation").unwrap(),
            vec![("default.nix".to_string(), FileType::Regular)]
        );
        // Only below nixos/modules, only in nixpkgs, and never through `..`.
        assert_eq!(t.file("nixos/other.nix"), None);
        assert_eq!(t.file("nixos/modules/../../flake.nix"), None);
        assert_eq!(t.file("nixos/modules/"), None);
        assert_eq!(FLAKE_UTILS.file("nixos/modules/x.nix"), None);
        // The listed files and the tree's hash are unchanged.
        assert!(!t.read_dir("nixos/modules").unwrap().iter().any(|(n, _)| n == "virtualisation"));
    }

    #[test]
    fn sets_with_a_missing_attribute_function_answer_for_names_they_lack() {
        let ev = |e: &str| crate::eval_to_string(e).map_err(|e| e.message().to_string());
        let set = "s = { a = 1; __nixevalMissingAttr = n: \"made-\" + n; };";
        assert_eq!(ev(&format!("let {set} in [ s.a s.b ]")).unwrap(), "[ 1 \"made-b\" ]");
        assert_eq!(ev(&format!("let {set} in with s; [ a zed ]")).unwrap(), "[ 1 \"made-zed\" ]");
        // Nested: the answer may itself answer for names.
        assert_eq!(
            ev("let p = n: { name = n; __nixevalMissingAttr = p; }; s = { __nixevalMissingAttr = p; }; in s.x.y.name").unwrap(),
            "\"y\""
        );
        // `or` and `?` keep the reference's meaning; so do sets without the function.
        assert_eq!(ev(&format!("let {set} in [ (s.b or 2) (s ? b) ]")).unwrap(), "[ 2 false ]");
        assert!(ev("{ a = 1; }.b").unwrap_err().contains("attribute 'b' missing"));
        assert!(ev("with { a = 1; }; b").unwrap_err().contains("undefined variable 'b'"));
        // An inner `with` without the function falls back to an outer one with it.
        assert_eq!(ev(&format!("let {set} in with s; with {{ c = 3; }}; [ c q ]")).unwrap(), "[ 3 \"made-q\" ]");
    }

    #[test]
    fn nar_hash_of_a_file_matches_the_store_serialiser() {
        let t = &SYSTEMS_DEFAULT;
        let mut nar = Vec::new();
        crate::store::nar::dump_bytes(t.file("default.nix").unwrap().as_bytes(), &mut nar).unwrap();
        assert_eq!(t.nar_sha256("default.nix"), Some(crate::store::hash::Hash::sha256(&nar)));
        assert!(t.store_path().starts_with("/nix/store/"));
        assert_ne!(SYSTEMS_DEFAULT.store_path(), SYSTEMS_DEFAULT_LINUX.store_path());
    }

    #[test]
    fn disabled_stand_ins_explain_themselves() {
        let r = parse_flake_ref("github:NixOS/nixpkgs", &ParseOptions::default()).unwrap();
        let off = BuiltinStandIns { enabled: false };
        assert!(off.lookup(&["nixpkgs".into()], &r, None).is_none());
        assert!(off.unavailable_note(&["nixpkgs".into()], &r, None).unwrap().contains("--no-stand-ins"));
        let on = BuiltinStandIns { enabled: true };
        assert_eq!(on.lookup(&["nixpkgs".into()], &r, None).unwrap().label, "built-in nixpkgs");
    }
}
