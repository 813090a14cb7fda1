//! Cryptographic hashes as Nix sees them: the algorithms (MD5, SHA-1, SHA-256, SHA-512),
//! a fixed-size hash value, one-shot and streaming hashing, and every textual form.
//!
//! Parsing follows CppNix's `Hash::parseAny`, `parseAnyPrefixed`, `parseSRI`,
//! `parseNonSRIUnprefixed` and `newHashAllowEmpty`: the algorithm may be given as an
//! `algo:` or SRI `algo-` prefix or by the caller, and without SRI the encoding is chosen
//! by the length of the string. Printing covers base16, nix32, base64 and SRI. Error
//! messages are CppNix's. BLAKE3 (experimental in CppNix) is not supported.

use std::fmt;
use std::io;
use std::path::Path;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::encoding::{
    base16_decode, base16_encode_into, base16_len, base64_decode, base64_encode_into, base64_len,
    nix32_decode, nix32_encode_into, nix32_len,
};
use super::{ErrorKind, Result, StoreError};

/// A hash algorithm Nix accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    /// Parses `md5`, `sha1`, `sha256` or `sha512` (CppNix's `parseHashAlgoOpt`).
    pub fn parse_opt(s: &str) -> Option<HashAlgo> {
        match s {
            "md5" => Some(HashAlgo::Md5),
            "sha1" => Some(HashAlgo::Sha1),
            "sha256" => Some(HashAlgo::Sha256),
            "sha512" => Some(HashAlgo::Sha512),
            _ => None,
        }
    }

    /// Like [`HashAlgo::parse_opt`], with CppNix's error for unknown names.
    pub fn parse(s: &str) -> Result<HashAlgo> {
        HashAlgo::parse_opt(s).ok_or_else(|| {
            StoreError::new(
                ErrorKind::Usage,
                format!(
                    "unknown hash algorithm '{s}', expect 'md5', 'sha1', 'sha256', or 'sha512'"
                ),
            )
        })
    }

    /// The name Nix prints for the algorithm.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub const fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A textual encoding of a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashFormat {
    Base16,
    /// Nix's base32 (called `base32` in older interfaces).
    Nix32,
    Base64,
    /// `algo-<base64>`, always with the algorithm.
    Sri,
}

impl HashFormat {
    /// Parses a format name as `builtins.convertHash` accepts it: `base16`, `nix32`,
    /// `base32` (deprecated alias of `nix32`), `base64` or `sri`.
    pub fn parse_opt(s: &str) -> Option<HashFormat> {
        match s {
            "base16" => Some(HashFormat::Base16),
            "nix32" | "base32" => Some(HashFormat::Nix32),
            "base64" => Some(HashFormat::Base64),
            "sri" => Some(HashFormat::Sri),
            _ => None,
        }
    }

    /// Like [`HashFormat::parse_opt`], with CppNix's error for unknown names.
    pub fn parse(s: &str) -> Result<HashFormat> {
        HashFormat::parse_opt(s).ok_or_else(|| {
            StoreError::new(
                ErrorKind::Usage,
                format!("unknown hash format '{s}', expect 'base16', 'base32', 'base64', or 'sri'"),
            )
        })
    }

    /// The canonical name of the format.
    pub fn name(self) -> &'static str {
        match self {
            HashFormat::Base16 => "base16",
            HashFormat::Nix32 => "nix32",
            HashFormat::Base64 => "base64",
            HashFormat::Sri => "sri",
        }
    }
}

/// A hash value: the algorithm plus its digest, stored inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash {
    pub algo: HashAlgo,
    bytes: [u8; 64],
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_sri())
    }
}

impl Hash {
    /// The all-zero hash of `algo` (what an empty `outputHash` stands for).
    pub const fn zero(algo: HashAlgo) -> Hash {
        Hash {
            algo,
            bytes: [0; 64],
        }
    }

    /// Wraps a digest; `bytes` must have the size of `algo`.
    pub fn from_bytes(algo: HashAlgo, bytes: &[u8]) -> Result<Hash> {
        if bytes.len() != algo.size() {
            return Err(StoreError::bad_hash(format!(
                "{} hash has length {}, expected {}",
                algo,
                bytes.len(),
                algo.size()
            )));
        }
        let mut h = Hash::zero(algo);
        h.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(h)
    }

    /// Hashes `data` with `algo`.
    pub fn of(algo: HashAlgo, data: &[u8]) -> Hash {
        let mut h = Hasher::new(algo);
        h.update(data);
        h.finish()
    }

    /// SHA-256 of `data` as a plain array (the common case for store paths).
    pub fn sha256(data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(Sha256::digest(data).as_slice());
        out
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.algo.size()]
    }

    /// The digest as a 32-byte array, if this is a SHA-256 hash.
    pub fn sha256_bytes(&self) -> Option<[u8; 32]> {
        if self.algo == HashAlgo::Sha256 {
            let mut out = [0u8; 32];
            out.copy_from_slice(self.as_bytes());
            Some(out)
        } else {
            None
        }
    }

    /// Appends the hash in `format` to `out`, with an `algo:` prefix when `include_algo`
    /// (SRI always has its `algo-` prefix).
    pub fn write_to(&self, out: &mut String, format: HashFormat, include_algo: bool) {
        if format == HashFormat::Sri || include_algo {
            out.push_str(self.algo.name());
            out.push(if format == HashFormat::Sri { '-' } else { ':' });
        }
        match format {
            HashFormat::Base16 => base16_encode_into(self.as_bytes(), out),
            HashFormat::Nix32 => nix32_encode_into(self.as_bytes(), out),
            HashFormat::Base64 | HashFormat::Sri => base64_encode_into(self.as_bytes(), out),
        }
    }

    /// The hash in `format` (CppNix's `Hash::to_string`).
    pub fn to_string_as(&self, format: HashFormat, include_algo: bool) -> String {
        let mut s = String::with_capacity(8 + base16_len(self.algo.size()));
        self.write_to(&mut s, format, include_algo);
        s
    }

    /// Unprefixed base16.
    pub fn to_base16(&self) -> String {
        self.to_string_as(HashFormat::Base16, false)
    }

    /// Unprefixed nix32.
    pub fn to_nix32(&self) -> String {
        self.to_string_as(HashFormat::Nix32, false)
    }

    /// Unprefixed base64.
    pub fn to_base64(&self) -> String {
        self.to_string_as(HashFormat::Base64, false)
    }

    /// SRI form, `sha256-...`.
    pub fn to_sri(&self) -> String {
        self.to_string_as(HashFormat::Sri, true)
    }

    /// Parses an SRI hash `algo-<base64>` (CppNix's `Hash::parseSRI`).
    pub fn parse_sri(original: &str) -> Result<Hash> {
        let Some((algo, rest)) = original.split_once('-') else {
            return Err(StoreError::bad_hash(format!(
                "hash '{original}' is not SRI"
            )));
        };
        let algo = HashAlgo::parse(algo)?;
        parse_low_level(rest, algo, HashFormat::Sri)
    }

    /// Parses a hash that must carry its algorithm as `algo:` or SRI prefix
    /// (CppNix's `Hash::parseAnyPrefixed`).
    pub fn parse_any_prefixed(original: &str) -> Result<Hash> {
        let (rest, parsed, is_sri) = split_algo_prefix(original)?;
        let Some(algo) = parsed else {
            return Err(StoreError::bad_hash(format!(
                "hash '{original}' does not include a type"
            )));
        };
        parse_rest(rest, algo, is_sri).map(|(h, _)| h)
    }

    /// Parses a hash whose algorithm is given by a prefix, by `algo`, or both (then they
    /// must agree) (CppNix's `Hash::parseAny`).
    pub fn parse_any(original: &str, algo: Option<HashAlgo>) -> Result<Hash> {
        Hash::parse_any_returning_format(original, algo).map(|(h, _)| h)
    }

    /// Like [`Hash::parse_any`], also telling which format the string was in.
    pub fn parse_any_returning_format(
        original: &str,
        algo: Option<HashAlgo>,
    ) -> Result<(Hash, HashFormat)> {
        let (rest, parsed, is_sri) = split_algo_prefix(original)?;
        let algo = match (parsed, algo) {
            (None, None) => {
                return Err(StoreError::bad_hash(format!(
                    "hash '{original}' does not include a type, nor is the type otherwise known from context"
                )))
            }
            (Some(p), Some(a)) if p != a => {
                return Err(StoreError::bad_hash(format!("hash '{original}' should have type '{a}'")))
            }
            (Some(p), _) => p,
            (None, Some(a)) => a,
        };
        parse_rest(rest, algo, is_sri)
    }

    /// Parses an unprefixed base16, nix32 or base64 hash of known algorithm, choosing the
    /// encoding by length (CppNix's `Hash::parseNonSRIUnprefixed`).
    pub fn parse_non_sri_unprefixed(s: &str, algo: HashAlgo) -> Result<Hash> {
        let format = format_from_size(s, algo)?;
        parse_low_level(s, algo, format)
    }

    /// Parses an unprefixed hash in a given format (for SRI, the part after `algo-`).
    pub fn parse_explicit_format_unprefixed(
        s: &str,
        algo: HashAlgo,
        format: HashFormat,
    ) -> Result<Hash> {
        parse_low_level(s, algo, format)
    }

    /// CppNix's `newHashAllowEmpty`: an empty string stands for the all-zero hash of the
    /// given algorithm. Returns the hash and, for the empty case, the warning CppNix prints.
    pub fn parse_allow_empty(s: &str, algo: Option<HashAlgo>) -> Result<(Hash, Option<String>)> {
        if s.is_empty() {
            let Some(algo) = algo else {
                return Err(StoreError::bad_hash(
                    "empty hash requires explicit hash algorithm",
                ));
            };
            let h = Hash::zero(algo);
            let warning = format!("found empty hash, assuming '{}'", h.to_sri());
            Ok((h, Some(warning)))
        } else {
            Hash::parse_any(s, algo).map(|h| (h, None))
        }
    }
}

/// Splits an `algo:` or `algo-` prefix off, as CppNix does: a `:` anywhere wins over `-`.
fn split_algo_prefix(s: &str) -> Result<(&str, Option<HashAlgo>, bool)> {
    if let Some((algo, rest)) = s.split_once(':') {
        return Ok((rest, Some(HashAlgo::parse(algo)?), false));
    }
    if let Some((algo, rest)) = s.split_once('-') {
        return Ok((rest, Some(HashAlgo::parse(algo)?), true));
    }
    Ok((s, None, false))
}

fn parse_rest(rest: &str, algo: HashAlgo, is_sri: bool) -> Result<(Hash, HashFormat)> {
    let format = if is_sri {
        HashFormat::Sri
    } else {
        format_from_size(rest, algo)?
    };
    Ok((parse_low_level(rest, algo, format)?, format))
}

fn format_from_size(rest: &str, algo: HashAlgo) -> Result<HashFormat> {
    let n = algo.size();
    if rest.len() == base16_len(n) {
        Ok(HashFormat::Base16)
    } else if rest.len() == nix32_len(n) {
        Ok(HashFormat::Nix32)
    } else if rest.len() == base64_len(n) {
        Ok(HashFormat::Base64)
    } else {
        Err(StoreError::bad_hash(format!(
            "hash '{rest}' has wrong length for hash algorithm '{algo}'"
        )))
    }
}

fn parse_low_level(rest: &str, algo: HashAlgo, format: HashFormat) -> Result<Hash> {
    let (decoded, name) = match format {
        HashFormat::Base16 => (base16_decode(rest)?, "base16"),
        HashFormat::Nix32 => (nix32_decode(rest)?, "nix32"),
        HashFormat::Base64 => (base64_decode(rest)?, "Base64"),
        HashFormat::Sri => (base64_decode(rest)?, "SRI"),
    };
    if decoded.len() != algo.size() {
        return Err(StoreError::bad_hash(format!(
            "invalid {name} hash '{rest}', length {} != expected length {}",
            decoded.len(),
            algo.size()
        )));
    }
    Hash::from_bytes(algo, &decoded)
}

enum HasherState {
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

/// A streaming hasher that also counts the bytes fed to it. Implements [`io::Write`].
pub struct Hasher {
    state: HasherState,
    len: u64,
}

impl Hasher {
    pub fn new(algo: HashAlgo) -> Hasher {
        let state = match algo {
            HashAlgo::Md5 => HasherState::Md5(Md5::new()),
            HashAlgo::Sha1 => HasherState::Sha1(Sha1::new()),
            HashAlgo::Sha256 => HasherState::Sha256(Sha256::new()),
            HashAlgo::Sha512 => HasherState::Sha512(Sha512::new()),
        };
        Hasher { state, len: 0 }
    }

    pub fn algo(&self) -> HashAlgo {
        match self.state {
            HasherState::Md5(_) => HashAlgo::Md5,
            HasherState::Sha1(_) => HashAlgo::Sha1,
            HasherState::Sha256(_) => HashAlgo::Sha256,
            HasherState::Sha512(_) => HashAlgo::Sha512,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        match &mut self.state {
            HasherState::Md5(h) => h.update(data),
            HasherState::Sha1(h) => h.update(data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// Number of bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Hash {
        let mut h = Hash::zero(self.algo());
        match self.state {
            HasherState::Md5(d) => h.bytes[..16].copy_from_slice(d.finalize().as_slice()),
            HasherState::Sha1(d) => h.bytes[..20].copy_from_slice(d.finalize().as_slice()),
            HasherState::Sha256(d) => h.bytes[..32].copy_from_slice(d.finalize().as_slice()),
            HasherState::Sha512(d) => h.bytes[..64].copy_from_slice(d.finalize().as_slice()),
        }
        h
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.update(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hashes the contents of a file (following symlinks), streaming (`builtins.hashFile`,
/// flat ingestion of `builtins.path { recursive = false; }`).
pub fn hash_file(algo: HashAlgo, path: &Path) -> Result<Hash> {
    let mut file = std::fs::File::open(path).map_err(|e| io_error("opening file", path, e))?;
    let mut hasher = Hasher::new(algo);
    io::copy(&mut file, &mut hasher).map_err(|e| io_error("reading file", path, e))?;
    Ok(hasher.finish())
}

pub(crate) fn io_error(what: &str, path: &Path, e: io::Error) -> StoreError {
    let msg = match e.raw_os_error() {
        Some(_) => {
            // Strip Rust's " (os error N)" suffix to match CppNix's strerror wording.
            let s = e.to_string();
            match s.rfind(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
        None => e.to_string(),
    };
    StoreError::new(ErrorKind::Io, format!("{what} '{}': {msg}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256_ABC_HEX: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn digests() {
        assert_eq!(
            Hash::of(HashAlgo::Md5, b"abc").to_base16(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            Hash::of(HashAlgo::Sha1, b"abc").to_base16(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            Hash::of(HashAlgo::Sha256, b"abc").to_base16(),
            SHA256_ABC_HEX
        );
        assert_eq!(
            Hash::of(HashAlgo::Sha512, b"abc").to_base16(),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        let mut h = Hasher::new(HashAlgo::Sha256);
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.len(), 3);
        assert_eq!(h.finish().to_base16(), SHA256_ABC_HEX);
    }

    #[test]
    fn printing() {
        // Values from `nix hash to-base32` / `nix hash to-sri` (nix 2.8).
        let h = Hash::of(HashAlgo::Sha256, b"abc");
        assert_eq!(
            h.to_nix32(),
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
        );
        assert_eq!(
            h.to_sri(),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            h.to_string_as(HashFormat::Base16, true),
            format!("sha256:{SHA256_ABC_HEX}")
        );
        assert_eq!(
            h.to_string_as(HashFormat::Base64, false),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let m = Hash::of(HashAlgo::Md5, b"abc");
        assert_eq!(
            m.to_string_as(HashFormat::Nix32, true),
            "md5:3jgzhjhz9zjvbb0kyj7jc500ch"
        );
    }

    #[test]
    fn parsing_all_forms() {
        let h = Hash::of(HashAlgo::Sha256, b"abc");
        for s in [
            SHA256_ABC_HEX.to_string(),
            format!("sha256:{SHA256_ABC_HEX}"),
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s".into(),
            "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s".into(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=".into(),
            "sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=".into(),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=".into(),
            SHA256_ABC_HEX.to_uppercase(),
        ] {
            assert_eq!(
                Hash::parse_any(&s, Some(HashAlgo::Sha256)).unwrap(),
                h,
                "{s}"
            );
        }
        assert_eq!(
            Hash::parse_any("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", None).unwrap(),
            h
        );
        assert_eq!(
            Hash::parse_any_prefixed(&format!("sha256:{SHA256_ABC_HEX}")).unwrap(),
            h
        );
        assert_eq!(
            Hash::parse_sri("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=").unwrap(),
            h
        );
        assert_eq!(
            Hash::parse_non_sri_unprefixed(SHA256_ABC_HEX, HashAlgo::Sha256).unwrap(),
            h
        );
        let (_, f) = Hash::parse_any_returning_format(
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
            None,
        )
        .unwrap();
        assert_eq!(f, HashFormat::Sri);
        // SRI without padding is accepted.
        assert_eq!(
            Hash::parse_sri("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0").unwrap(),
            h
        );
    }

    #[test]
    fn parse_errors() {
        let e = |r: Result<Hash>| r.unwrap_err().message;
        assert_eq!(
            e(Hash::parse_any(SHA256_ABC_HEX, None)),
            format!("hash '{SHA256_ABC_HEX}' does not include a type, nor is the type otherwise known from context")
        );
        assert_eq!(
            e(Hash::parse_any(
                &format!("sha256:{SHA256_ABC_HEX}"),
                Some(HashAlgo::Sha1)
            )),
            format!("hash 'sha256:{SHA256_ABC_HEX}' should have type 'sha1'")
        );
        assert_eq!(
            e(Hash::parse_any("sha256:abc", None)),
            "hash 'abc' has wrong length for hash algorithm 'sha256'"
        );
        assert_eq!(
            e(Hash::parse_any("foo:abc", None)),
            "unknown hash algorithm 'foo', expect 'md5', 'sha1', 'sha256', or 'sha512'"
        );
        assert_eq!(
            e(Hash::parse_any_prefixed(SHA256_ABC_HEX)),
            format!("hash '{SHA256_ABC_HEX}' does not include a type")
        );
        assert_eq!(
            e(Hash::parse_sri(SHA256_ABC_HEX)),
            format!("hash '{SHA256_ABC_HEX}' is not SRI")
        );
        assert_eq!(
            e(Hash::parse_sri("sha256-AAAA")),
            "invalid SRI hash 'AAAA', length 3 != expected length 32"
        );
        assert_eq!(
            e(Hash::parse_any("sha256:zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", None)),
            "invalid nix32 hash 'zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s', length 33 != expected length 32"
        );
        assert_eq!(
            e(Hash::parse_any(
                "sha256:eb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
                None
            )),
            "invalid character in Nix32 (Nix's Base32 variation) string: 'e'"
        );
        assert_eq!(
            Hash::parse_any("md5:x", None).unwrap_err().kind,
            ErrorKind::BadHash
        );
        assert_eq!(HashAlgo::parse("sha3").unwrap_err().kind, ErrorKind::Usage);
    }

    #[test]
    fn allow_empty() {
        let (h, w) = Hash::parse_allow_empty("", Some(HashAlgo::Sha256)).unwrap();
        assert_eq!(h, Hash::zero(HashAlgo::Sha256));
        assert_eq!(
            w.unwrap(),
            "found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"
        );
        assert_eq!(
            Hash::parse_allow_empty("", None).unwrap_err().message,
            "empty hash requires explicit hash algorithm"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(HashFormat::parse("base32").unwrap(), HashFormat::Nix32);
        assert_eq!(
            HashFormat::parse("hex").unwrap_err().message,
            "unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'"
        );
    }

    /// Compares printing and parsing with `nix hash` over many digests of every algorithm.
    #[test]
    fn matches_nix_hash_command() {
        let ok = std::process::Command::new("nix")
            .arg("--version")
            .output()
            .map(|o| o.status.success());
        if !matches!(ok, Ok(true)) {
            eprintln!("note: nix not installed; skipping comparison with `nix hash`");
            return;
        }
        let nix_hash = |cmd: &str, algo: HashAlgo, inputs: &[String]| -> Vec<String> {
            let out = std::process::Command::new("nix")
                .args([
                    "--extra-experimental-features",
                    "nix-command",
                    "hash",
                    cmd,
                    "--type",
                    algo.name(),
                ])
                .args(inputs)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect()
        };
        for algo in [
            HashAlgo::Md5,
            HashAlgo::Sha1,
            HashAlgo::Sha256,
            HashAlgo::Sha512,
        ] {
            let hashes: Vec<Hash> = (0..40u32)
                .map(|i| Hash::of(algo, &i.to_le_bytes()[..(i % 5) as usize]))
                .collect();
            let hex: Vec<String> = hashes.iter().map(|h| h.to_base16()).collect();
            let n32: Vec<String> = hashes.iter().map(|h| h.to_nix32()).collect();
            let sri: Vec<String> = hashes.iter().map(|h| h.to_sri()).collect();
            assert_eq!(nix_hash("to-base32", algo, &hex), n32, "{algo}");
            assert_eq!(nix_hash("to-sri", algo, &hex), sri, "{algo}");
            assert_eq!(
                nix_hash("to-base64", algo, &hex),
                hashes.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
                "{algo}"
            );
            // And back: nix parses our forms to the same base16.
            assert_eq!(nix_hash("to-base16", algo, &n32), hex, "{algo}");
            assert_eq!(nix_hash("to-base16", algo, &sri), hex, "{algo}");
            for (h, s) in hashes.iter().zip(&n32) {
                assert_eq!(Hash::parse_any(s, Some(algo)).unwrap(), *h);
            }
        }
    }
}
