//! NAR ("Nix ARchive") serialisation of a file system tree, streamed.
//!
//! A NAR is the canonical byte form of a tree that Nix hashes for recursive (`nar`)
//! content addressing: regular files (contents plus an executable flag), symlinks (their
//! target) and directories (entries sorted by name bytes); no timestamps, owners or other
//! permission bits. Every token is a string: a little-endian u64 length, the bytes, and
//! zero padding to a multiple of 8.
//!
//! The tree is written to any [`Write`] through a fixed buffer and file contents are
//! copied in chunks, so hashing a large tree never holds the NAR in memory. A filter
//! callback (the `filter` of `builtins.path`/`builtins.filterSource`) can drop directory
//! entries; the root is never filtered. This module only reads; it does not unpack NARs.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::hash::{io_error, Hash, HashAlgo, Hasher};
use super::{ErrorKind, Result, StoreError};

/// The magic string a NAR starts with.
pub const NAR_MAGIC: &str = "nix-archive-1";

/// Directory nesting limit (CppNix's `narMaxDepth`).
pub const MAX_DEPTH: usize = 64;

const BUF_SIZE: usize = 64 * 1024;

/// The type of a file as the path filter sees it (the second argument of a
/// `builtins.path` filter is `kind.as_str()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Regular,
    Directory,
    Symlink,
    /// Sockets, FIFOs, devices: not representable in a NAR.
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Regular => "regular",
            FileKind::Directory => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Unknown => "unknown",
        }
    }

    fn of(ft: &fs::FileType) -> FileKind {
        if ft.is_file() {
            FileKind::Regular
        } else if ft.is_dir() {
            FileKind::Directory
        } else if ft.is_symlink() {
            FileKind::Symlink
        } else {
            FileKind::Unknown
        }
    }
}

/// A path filter: called with the full path of each directory entry (the root path joined
/// with the entry's relative path) and its kind; `Ok(false)` leaves the entry (and
/// everything below it) out. An `Err` aborts the dump and is returned as a
/// [`StoreError`] of kind [`ErrorKind::Filter`] with the message unchanged; a caller that
/// needs a richer error can stash it in its closure and return any marker string.
pub type PathFilter<'a> = dyn FnMut(&Path, FileKind) -> std::result::Result<bool, String> + 'a;

/// Buffered NAR token writer.
struct NarWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    written: u64,
}

impl<W: Write> NarWriter<W> {
    fn new(out: W) -> Self {
        NarWriter {
            out,
            buf: Vec::with_capacity(BUF_SIZE),
            written: 0,
        }
    }

    fn raw(&mut self, data: &[u8]) -> Result<()> {
        if self.buf.len() + data.len() > BUF_SIZE {
            self.flush()?;
            if data.len() >= BUF_SIZE {
                self.written += data.len() as u64;
                return self.out.write_all(data).map_err(write_error);
            }
        }
        self.buf.extend_from_slice(data);
        self.written += data.len() as u64;
        Ok(())
    }

    fn padding(&mut self, len: u64) -> Result<()> {
        let pad = (8 - (len % 8) as usize) % 8;
        self.raw(&[0u8; 8][..pad])
    }

    fn num(&mut self, n: u64) -> Result<()> {
        self.raw(&n.to_le_bytes())
    }

    fn str(&mut self, s: &[u8]) -> Result<()> {
        self.num(s.len() as u64)?;
        self.raw(s)?;
        self.padding(s.len() as u64)
    }

    fn flush(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf).map_err(write_error)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Streams `size` bytes of the open file into the output.
    fn contents(&mut self, file: &mut fs::File, size: u64, path: &Path) -> Result<()> {
        self.str(b"contents")?;
        self.num(size)?;
        let mut left = size;
        while left > 0 {
            if self.buf.len() == BUF_SIZE {
                self.flush()?;
            }
            let start = self.buf.len();
            let room = ((BUF_SIZE - start) as u64).min(left) as usize;
            self.buf.resize(start + room, 0);
            let n = match file.read(&mut self.buf[start..]) {
                Ok(n) => n,
                Err(e) => {
                    self.buf.truncate(start);
                    if e.kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return Err(io_error("reading file", path, e));
                }
            };
            self.buf.truncate(start + n);
            if n == 0 {
                return Err(StoreError::new(
                    ErrorKind::Io,
                    format!(
                        "file '{}' changed while it was being serialised",
                        path.display()
                    ),
                ));
            }
            left -= n as u64;
            self.written += n as u64;
        }
        self.padding(size)
    }
}

fn write_error(e: std::io::Error) -> StoreError {
    StoreError::new(ErrorKind::Io, format!("writing NAR: {e}"))
}

fn lstat(path: &Path) -> Result<fs::Metadata> {
    fs::symlink_metadata(path).map_err(|e| io_error("getting status of", path, e))
}

fn dump_node<W: Write>(
    w: &mut NarWriter<W>,
    path: &mut PathBuf,
    meta: &fs::Metadata,
    filter: &mut Option<&mut PathFilter<'_>>,
    depth: usize,
) -> Result<()> {
    if depth >= MAX_DEPTH {
        return Err(StoreError::other(format!(
            "path '{}' exceeds maximum NAR directory depth of {MAX_DEPTH}",
            path.display()
        )));
    }
    w.str(b"(")?;
    let ft = meta.file_type();
    if ft.is_file() {
        w.str(b"type")?;
        w.str(b"regular")?;
        if meta.permissions().mode() & 0o100 != 0 {
            w.str(b"executable")?;
            w.str(b"")?;
        }
        let mut file = fs::File::open(&*path).map_err(|e| io_error("opening file", path, e))?;
        w.contents(&mut file, meta.len(), path)?;
    } else if ft.is_dir() {
        w.str(b"type")?;
        w.str(b"directory")?;
        let rd = fs::read_dir(&*path).map_err(|e| io_error("reading directory", path, e))?;
        let mut names = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| io_error("reading directory", path, e))?;
            names.push(entry.file_name());
        }
        names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for name in names {
            path.push(&name);
            let result = (|| {
                let meta = lstat(path)?;
                if let Some(f) = filter.as_mut() {
                    let kind = FileKind::of(&meta.file_type());
                    match f(path, kind) {
                        Ok(true) => {}
                        Ok(false) => return Ok(()),
                        Err(msg) => return Err(StoreError::new(ErrorKind::Filter, msg)),
                    }
                }
                w.str(b"entry")?;
                w.str(b"(")?;
                w.str(b"name")?;
                w.str(name.as_bytes())?;
                w.str(b"node")?;
                dump_node(w, path, &meta, filter, depth + 1)?;
                w.str(b")")
            })();
            path.pop();
            result?;
        }
    } else if ft.is_symlink() {
        let target =
            fs::read_link(&*path).map_err(|e| io_error("reading symbolic link", path, e))?;
        w.str(b"type")?;
        w.str(b"symlink")?;
        w.str(b"target")?;
        w.str(target.as_os_str().as_bytes())?;
    } else {
        return Err(StoreError::other(format!(
            "file '{}' has an unsupported type",
            path.display()
        )));
    }
    w.str(b")")
}

/// Writes the NAR of `path` (not following a symlink at the root) to `out`, dropping
/// directory entries the filter rejects. Returns the NAR size in bytes.
pub fn dump_path<W: Write>(
    path: &Path,
    out: W,
    mut filter: Option<&mut PathFilter<'_>>,
) -> Result<u64> {
    let meta = lstat(path)?;
    let mut w = NarWriter::new(out);
    w.str(NAR_MAGIC.as_bytes())?;
    let mut buf = path.to_path_buf();
    dump_node(&mut w, &mut buf, &meta, &mut filter, 0)?;
    w.flush()?;
    w.out.flush().map_err(write_error)?;
    Ok(w.written)
}

/// Hashes the NAR of `path` with `algo`, streaming. Returns the hash and NAR size.
pub fn hash_path(
    path: &Path,
    algo: HashAlgo,
    filter: Option<&mut PathFilter<'_>>,
) -> Result<(Hash, u64)> {
    let mut hasher = Hasher::new(algo);
    let size = dump_path(path, &mut hasher, filter)?;
    Ok((hasher.finish(), size))
}

/// The SHA-256 NAR hash of `path` and the NAR size: what recursive ingestion of a source
/// tree needs (see [`super::path::source_path`]).
pub fn nar_sha256(path: &Path, filter: Option<&mut PathFilter<'_>>) -> Result<([u8; 32], u64)> {
    let (h, size) = hash_path(path, HashAlgo::Sha256, filter)?;
    Ok((h.sha256_bytes().expect("sha256"), size))
}

/// Writes the NAR of a single non-executable regular file with `contents` (CppNix's
/// `dumpString`). Returns the NAR size.
pub fn dump_bytes<W: Write>(contents: &[u8], out: W) -> Result<u64> {
    let mut w = NarWriter::new(out);
    for tok in [
        NAR_MAGIC.as_bytes(),
        b"(",
        b"type",
        b"regular",
        b"contents",
        contents,
        b")",
    ] {
        w.str(tok)?;
    }
    w.flush()?;
    w.out.flush().map_err(write_error)?;
    Ok(w.written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::process::Command;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!("nixeval-nar-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn write(p: &Path, contents: &[u8], exec: bool) {
        fs::write(p, contents).unwrap();
        let mode = if exec { 0o755 } else { 0o644 };
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Builds a tree with files, an executable, symlinks, nested and empty directories,
    /// a file of exactly one buffer and one larger than the buffer.
    fn make_tree(root: &Path) {
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::create_dir_all(root.join("empty")).unwrap();
        write(&root.join("hello.txt"), b"hello world\n", false);
        write(&root.join("run.sh"), b"#!/bin/sh\necho hi\n", true);
        write(&root.join("empty-file"), b"", false);
        write(&root.join("sub/deeper/eight888"), b"12345678", false);
        let big: Vec<u8> = (0..(BUF_SIZE * 2 + 13))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        write(&root.join("sub/big.bin"), &big, false);
        write(&root.join("sub/exact.bin"), &vec![b'x'; BUF_SIZE], true);
        symlink("hello.txt", root.join("link")).unwrap();
        symlink("/nonexistent/target", root.join("sub/dangling")).unwrap();
        // Names whose byte order differs from other orders.
        write(&root.join("B"), b"B", false);
        write(&root.join("a"), b"a", false);
        write(&root.join("a.b"), b"ab", false);
        write(&root.join("a-b"), b"a-b", false);
    }

    /// Stored `nix-hash --type sha256 --base32` results for the trees above (nix 2.8),
    /// so that the test still checks something when nix is not installed.
    const EXPECTED_TREE: &str = "0cjyxq94abc6y3pqmv0pgr31nj8iqbkixlnjlimicc0d93v0nyg6";
    const EXPECTED_FILTERED: &str = "1x1wc08vy6jmhc6sdrq8cp2m3ff15ymljgi9x6fqk5m7qd2imbnb";

    fn nix_available(tool: &str) -> bool {
        let ok = Command::new(tool)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("note: {tool} not installed; comparing with stored expectations only");
        }
        ok
    }

    #[test]
    fn tree_hash_matches_nix_hash() {
        let t = TempDir::new("tree");
        let root = t.0.join("tree");
        fs::create_dir(&root).unwrap();
        make_tree(&root);
        let (h, size) = hash_path(&root, HashAlgo::Sha256, None).unwrap();
        let mut nar = Vec::new();
        let size2 = dump_path(&root, &mut nar, None).unwrap();
        assert_eq!(size, size2);
        assert_eq!(size, nar.len() as u64);
        assert_eq!(Hash::of(HashAlgo::Sha256, &nar), h);
        if nix_available("nix-hash") {
            let out = Command::new("nix-hash")
                .args(["--type", "sha256", "--base32"])
                .arg(&root)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), h.to_nix32());
        }
        if nix_available("nix-store") {
            let out = Command::new("nix-store")
                .arg("--dump")
                .arg(&root)
                .output()
                .unwrap();
            assert!(out.status.success());
            assert!(out.stdout == nar, "NAR differs from nix-store --dump");
        }
        assert_eq!(h.to_nix32(), EXPECTED_TREE);
    }

    #[test]
    fn single_nodes() {
        let t = TempDir::new("nodes");
        let file = t.0.join("f");
        write(&file, b"hello world\n", false);
        let exe = t.0.join("x");
        write(&exe, b"hello world\n", true);
        let link = t.0.join("l");
        symlink("f", &link).unwrap();
        let empty = t.0.join("d");
        fs::create_dir(&empty).unwrap();
        let mut via_string = Vec::new();
        dump_bytes(b"hello world\n", &mut via_string).unwrap();
        let mut via_file = Vec::new();
        dump_path(&file, &mut via_file, None).unwrap();
        assert_eq!(via_string, via_file);
        let have_nix = nix_available("nix-hash");
        for p in [&file, &exe, &link, &empty] {
            let (h, _) = hash_path(p, HashAlgo::Sha256, None).unwrap();
            if have_nix {
                let out = Command::new("nix-hash")
                    .args(["--type", "sha256", "--base32"])
                    .arg(p)
                    .output()
                    .unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout).trim(),
                    h.to_nix32(),
                    "{}",
                    p.display()
                );
            }
        }
        // Stored values (nix-hash --type sha256 --base32 of each).
        let nix32 = |p: &Path| hash_path(p, HashAlgo::Sha256, None).unwrap().0.to_nix32();
        assert_eq!(
            nix32(&empty),
            "0sjjj9z1dhilhpc8pq4154czrb79z9cm044jvn75kxcjv6v5l2m5"
        );
        assert_eq!(
            nix32(&file),
            "00zns3gj9hwz2a4b0i07y7nmxybq59lh24bl3xsxblcl6333mjil"
        );
        assert_eq!(
            nix32(&exe),
            "08dz2j85pn9szqrsnm3r7snlrhwr6wfvs6rl384j8kksb5qv818b"
        );
        assert_eq!(
            nix32(&link),
            "1dxzy5fscpxh1caxz5ixzhp0jpsab719lbqacpdxyn3i9vz6r5l1"
        );
    }

    #[test]
    fn filter_is_applied_to_entries() {
        let t = TempDir::new("filter");
        let root = t.0.join("tree");
        fs::create_dir(&root).unwrap();
        make_tree(&root);
        let mut seen = Vec::new();
        let mut f = |p: &Path, k: FileKind| -> std::result::Result<bool, String> {
            seen.push((p.strip_prefix(&root).unwrap().to_path_buf(), k));
            Ok(!(p.ends_with("run.sh") || (k == FileKind::Directory && p.ends_with("deeper"))))
        };
        let (h, _) = hash_path(&root, HashAlgo::Sha256, Some(&mut f)).unwrap();
        assert!(seen.contains(&(PathBuf::from("link"), FileKind::Symlink)));
        assert!(seen.contains(&(PathBuf::from("sub/big.bin"), FileKind::Regular)));
        assert!(seen.contains(&(PathBuf::from("empty"), FileKind::Directory)));
        assert!(
            !seen
                .iter()
                .any(|(p, _)| p.starts_with("sub/deeper") && p.components().count() > 2),
            "filtered directory was entered"
        );
        // Entries are visited in byte order.
        let top: Vec<_> = seen
            .iter()
            .filter(|(p, _)| p.components().count() == 1)
            .map(|(p, _)| p.clone())
            .collect();
        let mut sorted = top.clone();
        sorted.sort();
        assert_eq!(top, sorted);
        assert_eq!(h.to_nix32(), EXPECTED_FILTERED);
        // The same tree without the filtered entries hashes the same.
        fs::remove_dir_all(root.join("sub/deeper")).unwrap();
        fs::remove_file(root.join("run.sh")).unwrap();
        assert_eq!(hash_path(&root, HashAlgo::Sha256, None).unwrap().0, h);
        if nix_available("nix-hash") {
            let out = Command::new("nix-hash")
                .args(["--type", "sha256", "--base32"])
                .arg(&root)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), h.to_nix32());
        }
        let mut failing =
            |_: &Path, _: FileKind| -> std::result::Result<bool, String> { Err("boom".into()) };
        let e = hash_path(&root, HashAlgo::Sha256, Some(&mut failing)).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Filter, "boom"));
    }

    #[test]
    fn errors() {
        let e = hash_path(Path::new("/nonexistent/nixeval"), HashAlgo::Sha256, None).unwrap_err();
        assert_eq!(
            e.message,
            "getting status of '/nonexistent/nixeval': No such file or directory"
        );
        let t = TempDir::new("deep");
        let mut p = t.0.clone();
        for _ in 0..MAX_DEPTH {
            p.push("d");
        }
        fs::create_dir_all(&p).unwrap();
        let e = hash_path(&t.0, HashAlgo::Sha256, None).unwrap_err();
        assert!(
            e.message
                .contains("exceeds maximum NAR directory depth of 64"),
            "{}",
            e.message
        );
    }
}
