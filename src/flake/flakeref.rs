//! Flake references: parsing and printing them the way CppNix does.
//!
//! A flake reference is a fetcher input (a sorted map of attributes whose `type` selects an
//! input scheme: `path`, `git`, `github`, `gitlab`, `sourcehut`, `hg`, `tarball`, `file` or
//! `indirect`) plus a subdirectory (`dir`). This module turns the URL-like syntax
//! (`github:NixOS/nixpkgs/nixos-24.05?dir=lib#hello`, `.`, `/abs/dir`, `git+file:///x`,
//! `nixpkgs/branch`, ...) and the attribute set syntax (`{ type = "github"; owner = ...; }`)
//! into [`FlakeRef`] values and back, with the error messages of CppNix. It also holds the URL
//! parser it needs ([`ParsedUrl`]), the hash string formats used by input attributes
//! ([`hash`]) and the default global flake registry ([`global_registry`]).
//!
//! It deliberately does not fetch anything: there is no network access and no store. The only
//! file system access is for local paths given with a base directory (the command line form),
//! which needs to look for `flake.nix` and `.git` (see [`super::source`]). Warnings that CppNix
//! prints while parsing (for instance about a query parameter without `=`) are dropped, except
//! the notes of the path lookup, which are returned in [`ParsedFlakeRef::notes`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Attributes and errors
// ---------------------------------------------------------------------------------------------

/// The value of a fetcher input attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attr {
    String(String),
    Int(u64),
    Bool(bool),
}

impl Attr {
    /// The string, if this is a string attribute.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Attr::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a JSON value (strings, numbers, Booleans).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Attr::String(s) => serde_json::Value::String(s.clone()),
            Attr::Int(n) => serde_json::Value::from(*n),
            Attr::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    /// The value as used in a URL query (`attrsToQuery`): integers in decimal, Booleans as
    /// `1`/`0`.
    fn to_query_value(&self) -> String {
        match self {
            Attr::String(s) => s.clone(),
            Attr::Int(n) => n.to_string(),
            Attr::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        }
    }
}

impl From<&str> for Attr {
    fn from(s: &str) -> Self {
        Attr::String(s.to_string())
    }
}

impl From<String> for Attr {
    fn from(s: String) -> Self {
        Attr::String(s)
    }
}

impl From<u64> for Attr {
    fn from(n: u64) -> Self {
        Attr::Int(n)
    }
}

impl From<bool> for Attr {
    fn from(b: bool) -> Self {
        Attr::Bool(b)
    }
}

/// Fetcher input attributes, sorted by name as CppNix keeps them.
pub type Attrs = BTreeMap<String, Attr>;

/// The attributes as a JSON object. Keys are inserted in sorted order, so the output is sorted
/// whatever map type `serde_json` was built with.
pub fn attrs_to_json(attrs: &Attrs) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (k, v) in attrs {
        map.insert(k.clone(), v.to_json());
    }
    serde_json::Value::Object(map)
}

/// The attributes as compact JSON, as CppNix shows them in messages.
pub fn attrs_to_json_string(attrs: &Attrs) -> String {
    attrs_to_json(attrs).to_string()
}

/// Converts a JSON object of a lock file or registry into attributes (`jsonToAttrs`).
pub fn json_to_attrs(json: &serde_json::Value) -> Result<Attrs> {
    let obj = json.as_object().ok_or_else(|| FlakeRefError::other("unsupported input attribute type in lock file"))?;
    let mut attrs = Attrs::new();
    for (k, v) in obj {
        let a = match v {
            serde_json::Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Attr::Int(u)
                } else if let Some(i) = n.as_i64() {
                    Attr::Int(i as u64)
                } else {
                    Attr::Int(n.as_f64().unwrap_or(0.0) as u64)
                }
            }
            serde_json::Value::String(s) => Attr::String(s.clone()),
            serde_json::Value::Bool(b) => Attr::Bool(*b),
            _ => return Err(FlakeRefError::other("unsupported input attribute type in lock file")),
        };
        attrs.insert(k.clone(), a);
    }
    Ok(attrs)
}

/// An error from parsing or printing a flake reference, with CppNix's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakeRefError {
    message: String,
    bad_url: bool,
}

impl FlakeRefError {
    /// An error of CppNix's `BadURL` kind. While parsing, these make the parser try the next
    /// syntax (URL, then path), as CppNix does.
    pub fn bad_url(message: impl Into<String>) -> Self {
        FlakeRefError { message: message.into(), bad_url: true }
    }

    /// Any other error.
    pub fn other(message: impl Into<String>) -> Self {
        FlakeRefError { message: message.into(), bad_url: false }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn is_bad_url(&self) -> bool {
        self.bad_url
    }
}

impl fmt::Display for FlakeRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FlakeRefError {}

pub type Result<T> = std::result::Result<T, FlakeRefError>;

/// Formats a file system path for a message the way current CppNix does (`PathFmt`, which puts
/// the path in double quotes).
pub fn fmt_path(p: &Path) -> String {
    format!("\"{}\"", p.display())
}

// ---------------------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------------------

/// Hash strings as found in input attributes (`rev`, `narHash`): the store's hash type and
/// encodings, re-exported under the names this module uses.
pub mod hash {
    pub use crate::store::encoding::{base16_encode, base64_encode, nix32_encode};
    pub use crate::store::hash::{Hash, HashAlgo};
}

use hash::{Hash, HashAlgo};

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/// The kind of host of a URL authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostType {
    Name,
    IPv4,
    IPv6,
    IPvFuture,
}

/// A URL authority (`user:password@host:port`), percent-decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    pub host_type: HostType,
    pub host: String,
    pub user: Option<String>,
    pub password: Option<String>,
    pub port: Option<u16>,
}

impl Authority {
    /// The empty authority, as in `file:///x`.
    pub fn empty() -> Self {
        Authority { host_type: HostType::Name, host: String::new(), user: None, password: None, port: None }
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(u) = &self.user {
            f.write_str(&percent_encode(u, ""))?;
            if let Some(p) = &self.password {
                write!(f, ":{}", percent_encode(p, ""))?;
            }
            f.write_str("@")?;
        }
        match self.host_type {
            HostType::Name => f.write_str(&percent_encode(&self.host, ""))?,
            HostType::IPv4 => f.write_str(&self.host)?,
            HostType::IPv6 | HostType::IPvFuture => write!(f, "[{}]", percent_encode(&self.host, ":"))?,
        }
        if let Some(p) = self.port {
            write!(f, ":{}", p)?;
        }
        Ok(())
    }
}

/// A parsed RFC 3986 URL as CppNix represents it: all parts percent-decoded, the path split on
/// `/` (an absolute path starts with an empty segment, a trailing slash gives an empty last
/// segment), the query as a sorted map (the first occurrence of a key wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    pub scheme: String,
    pub authority: Option<Authority>,
    pub path: Vec<String>,
    pub query: BTreeMap<String, String>,
    pub fragment: String,
}

impl ParsedUrl {
    fn new(scheme: &str, authority: Option<Authority>, path: Vec<String>) -> Self {
        ParsedUrl { scheme: scheme.to_string(), authority, path, query: BTreeMap::new(), fragment: String::new() }
    }

    /// The path segments, optionally without the empty ones.
    pub fn path_segments(&self, skip_empty: bool) -> impl Iterator<Item = &str> {
        self.path.iter().map(|s| s.as_str()).filter(move |s| !skip_empty || !s.is_empty())
    }
}

impl fmt::Display for ParsedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scheme)?;
        f.write_str(":")?;
        if let Some(a) = &self.authority {
            write!(f, "//{}", a)?;
        }
        f.write_str(&encode_url_path(&self.path))?;
        if !self.query.is_empty() {
            f.write_str("?")?;
            f.write_str(&encode_query(&self.query))?;
        }
        if !self.fragment.is_empty() {
            f.write_str("#")?;
            f.write_str(&percent_encode(&self.fragment, ""))?;
        }
        Ok(())
    }
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(c: u8) -> bool {
    matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=')
}

fn is_pchar(c: u8) -> bool {
    is_unreserved(c) || is_sub_delim(c) || c == b':' || c == b'@'
}

/// Percent-encodes every byte that is not unreserved and not in `keep` (upper-case hex).
pub fn percent_encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) || (b < 0x80 && keep.as_bytes().contains(&b)) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            out.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
    }
    out
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes. Invalid escapes and results that are not UTF-8 are errors.
pub fn percent_decode(s: &str) -> Result<String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let (h, l) = match (b.get(i + 1).and_then(|&c| hex_val(c)), b.get(i + 2).and_then(|&c| hex_val(c))) {
                (Some(h), Some(l)) => (h, l),
                _ => {
                    return Err(FlakeRefError::bad_url(format!(
                        "invalid URI parameter '{}': incomplete pct-encoding",
                        s
                    )))
                }
            };
            out.push(h << 4 | l);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| FlakeRefError::bad_url(format!("invalid URI parameter '{}': not valid UTF-8", s)))
}

/// Whether every byte of `s` is allowed by `ok` or is part of a valid `%XX` escape.
fn valid_component(s: &str, ok: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if b.get(i + 1).and_then(|&c| hex_val(c)).is_none() || b.get(i + 2).and_then(|&c| hex_val(c)).is_none() {
                return false;
            }
            i += 3;
        } else if ok(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_query_char(c: u8) -> bool {
    is_pchar(c) || c == b'/' || c == b'?'
}

/// Percent-encodes the characters in `set` (the lenient extras CppNix accepts unescaped).
fn encode_char_set(s: &str, set: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() && set.contains(&(c as u8)) {
            out.push_str(&percent_encode(c.encode_utf8(&mut [0; 4]), ""));
        } else {
            out.push(c);
        }
    }
    out
}

/// `parseUrlScheme`: splits `app+transport`.
pub fn parse_url_scheme(scheme: &str) -> (Option<&str>, &str) {
    match scheme.find('+') {
        Some(i) => (Some(&scheme[..i]), &scheme[i + 1..]),
        None => (None, scheme),
    }
}

/// Decodes a URL query into a map. Parameters without `=` are ignored, the first occurrence of
/// a key wins.
pub fn decode_query(query: &str, lenient: bool) -> Result<BTreeMap<String, String>> {
    let fixed;
    let q = if lenient {
        fixed = encode_char_set(query, b" \"");
        fixed.as_str()
    } else {
        query
    };
    let mut res = BTreeMap::new();
    if q.is_empty() {
        return Ok(res);
    }
    if !valid_component(q, is_query_char) {
        return Err(FlakeRefError::bad_url(format!("invalid URI query '{}': syntax error", query)));
    }
    for param in q.split('&') {
        let Some(eq) = param.find('=') else { continue };
        let key = percent_decode(&param[..eq])?;
        let value = percent_decode(&param[eq + 1..])?;
        res.entry(key).or_insert(value);
    }
    Ok(res)
}

/// Renders a query map (`encodeQuery`).
pub fn encode_query(query: &BTreeMap<String, String>) -> String {
    let mut res = String::new();
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            res.push('&');
        }
        res.push_str(&percent_encode(k, ":@/?"));
        res.push('=');
        res.push_str(&percent_encode(v, ":@/?"));
    }
    res
}

/// Renders path segments (`encodeUrlPath`).
pub fn encode_url_path(path: &[String]) -> String {
    let mut res = String::new();
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            res.push('/');
        }
        res.push_str(&percent_encode(seg, ":@"));
    }
    res
}

fn url_error(url: &str) -> FlakeRefError {
    FlakeRefError::bad_url(format!("'{}' is not a valid URL: syntax error", url))
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u32>().map(|n| n <= 255).unwrap_or(false)
        })
}

fn parse_authority(s: &str, url: &str) -> Result<Authority> {
    let (userinfo, hostport) = match s.find('@') {
        Some(i) => (Some(&s[..i]), &s[i + 1..]),
        None => (None, s),
    };
    let mut auth = Authority::empty();
    if let Some(ui) = userinfo {
        if !valid_component(ui, |c| is_unreserved(c) || is_sub_delim(c) || c == b':') {
            return Err(url_error(url));
        }
        match ui.find(':') {
            Some(i) => {
                auth.user = Some(percent_decode(&ui[..i])?);
                auth.password = Some(percent_decode(&ui[i + 1..])?);
            }
            None => auth.user = Some(percent_decode(ui)?),
        }
    }
    let port_str;
    if let Some(rest) = hostport.strip_prefix('[') {
        let close = rest.find(']').ok_or_else(|| url_error(url))?;
        let lit = &rest[..close];
        if let Some(fut) = lit.strip_prefix('v').or_else(|| lit.strip_prefix('V')) {
            if fut.is_empty() || !fut.bytes().all(|c| is_unreserved(c) || is_sub_delim(c) || c == b':') {
                return Err(url_error(url));
            }
            auth.host_type = HostType::IPvFuture;
        } else {
            if lit.is_empty() || !lit.bytes().all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.') {
                return Err(url_error(url));
            }
            auth.host_type = HostType::IPv6;
        }
        auth.host = lit.to_string();
        let after = &rest[close + 1..];
        port_str = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(url_error(url)),
        };
    } else {
        let (host, port) = match hostport.find(':') {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        };
        if !valid_component(host, |c| is_unreserved(c) || is_sub_delim(c)) {
            return Err(url_error(url));
        }
        auth.host_type = if is_ipv4(host) { HostType::IPv4 } else { HostType::Name };
        auth.host = percent_decode(host)?;
        port_str = port;
    }
    if let Some(p) = port_str {
        if !p.bytes().all(|c| c.is_ascii_digit()) {
            return Err(url_error(url));
        }
        if !p.is_empty() {
            match p.parse::<u16>() {
                Ok(n) if n != 0 => auth.port = Some(n),
                _ => return Err(FlakeRefError::bad_url(format!("port '{}' is invalid", p))),
            }
        }
    }
    Ok(auth)
}

/// `parseURL`: parses an absolute URL. With `lenient`, unescaped spaces and `"` in the query
/// and spaces, `"` and `^` in the fragment are accepted, as CppNix does for flake references.
pub fn parse_url(url: &str, lenient: bool) -> Result<ParsedUrl> {
    let fixed;
    let s: &str = if lenient {
        let mut out = String::with_capacity(url.len() + 8);
        let mut view = url;
        if let Some(q) = view.find('?') {
            out.push_str(&view[..=q]);
            view = &view[q + 1..];
            let frag = view.find('#').unwrap_or(view.len());
            out.push_str(&encode_char_set(&view[..frag], b" \""));
            view = &view[frag..];
        }
        if let Some(h) = view.find('#') {
            out.push_str(&view[..=h]);
            out.push_str(&encode_char_set(&view[h + 1..], b" \"^"));
        } else {
            out.push_str(view);
        }
        fixed = out;
        &fixed
    } else {
        url
    };

    let (before_frag, fragment) = match s.find('#') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (hier, query) = match before_frag.find('?') {
        Some(i) => (&before_frag[..i], Some(&before_frag[i + 1..])),
        None => (before_frag, None),
    };

    // Scheme.
    let b = hier.as_bytes();
    let mut scheme_end = None;
    if !b.is_empty() && b[0].is_ascii_alphabetic() {
        for (i, &c) in b.iter().enumerate().skip(1) {
            if c == b':' {
                scheme_end = Some(i);
                break;
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')) {
                break;
            }
        }
    }
    let Some(scheme_end) = scheme_end else {
        // A relative reference: valid ones lack a scheme, others are not URLs at all.
        let first_seg_end = hier.find('/').unwrap_or(hier.len());
        let valid_rel = !hier[..first_seg_end].contains(':')
            && valid_component(hier, |c| is_pchar(c) || c == b'/')
            && query.is_none_or(|q| valid_component(q, is_query_char))
            && fragment.is_none_or(|f| valid_component(f, is_query_char));
        return Err(if valid_rel {
            FlakeRefError::bad_url(format!("'{}' doesn't have a scheme", s))
        } else {
            url_error(url)
        });
    };
    let scheme = &hier[..scheme_end];
    let rest = &hier[scheme_end + 1..];

    let (authority, enc_path) = if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        (Some(parse_authority(&after[..end], url)?), &after[end..])
    } else {
        (None, rest)
    };
    if !valid_component(enc_path, |c| is_pchar(c) || c == b'/') {
        return Err(url_error(url));
    }
    if let Some(q) = query {
        if !valid_component(q, is_query_char) {
            return Err(url_error(url));
        }
    }
    if let Some(f) = fragment {
        if !valid_component(f, is_query_char) {
            return Err(url_error(url));
        }
    }

    let transport_is_file = parse_url_scheme(scheme).1 == "file";
    if let Some(a) = &authority {
        if !a.host.is_empty() && transport_is_file {
            return Err(FlakeRefError::bad_url(format!("file:// URL '{}' has unexpected authority '{}'", s, a)));
        }
    }
    let enc_path = if transport_is_file && enc_path.is_empty() { "/" } else { enc_path };
    let path = enc_path.split('/').map(percent_decode).collect::<Result<Vec<_>>>()?;
    let fragment = match fragment {
        Some(f) => percent_decode(f)?,
        None => String::new(),
    };
    Ok(ParsedUrl {
        scheme: scheme.to_string(),
        authority,
        path,
        query: decode_query(query.unwrap_or(""), lenient)?,
        fragment,
    })
}

/// `pathToUrlPath`: splits a file system path into URL path segments.
pub fn path_to_url_path(path: &str) -> Vec<String> {
    let mut res = Vec::new();
    let rel = if let Some(r) = path.strip_prefix('/') {
        res.push(String::new());
        r.trim_start_matches('/')
    } else {
        path
    };
    if !rel.is_empty() {
        res.extend(rel.split('/').filter(|c| !c.is_empty()).map(String::from));
        if rel.ends_with('/') {
            res.push(String::new());
        }
    }
    if path.is_empty() || path.ends_with('/') {
        res.push(String::new());
    }
    res
}

/// `urlPathToPath`: joins URL path segments into a file system path.
pub fn url_path_to_path(segments: &[String]) -> Result<String> {
    for seg in segments {
        if seg.contains('/') {
            return Err(FlakeRefError::bad_url(format!(
                "URL path component '{}' contains '/', which is not allowed in file names",
                seg
            )));
        }
        if seg.contains('\0') {
            return Err(FlakeRefError::bad_url(format!(
                "URL path component '{}' contains NUL byte which is not allowed",
                seg.replace('\0', "␀")
            )));
        }
    }
    let mut res = String::new();
    let mut it = segments.iter().peekable();
    if let Some(first) = it.peek() {
        if first.is_empty() {
            res.push('/');
            it.next();
        }
    }
    for seg in it {
        let has_filename = !res.is_empty() && !res.ends_with('/');
        if seg.is_empty() {
            if has_filename {
                res.push('/');
            }
        } else {
            if has_filename {
                res.push('/');
            }
            res.push_str(seg);
        }
    }
    Ok(res)
}

/// `fixGitURL`: turns absolute paths into `file://` URLs, SCP-style `host:path` into `ssh://`
/// URLs and drops a `git+` scheme prefix.
pub fn fix_git_url(url: &str) -> Result<ParsedUrl> {
    if url.starts_with('/') {
        return Ok(ParsedUrl::new("file", Some(Authority::empty()), path_to_url_path(url)));
    }
    if let Some(p) = try_parse_scp_style(url)? {
        return Ok(p);
    }
    let mut parsed = parse_url(url, false)?;
    let (app, transport) = parse_url_scheme(&parsed.scheme);
    if app == Some("git") {
        parsed.scheme = transport.to_string();
    }
    Ok(parsed)
}

fn try_parse_scp_style(url: &str) -> Result<Option<ParsedUrl>> {
    const GIT_SCHEMES: [&str; 7] = ["ssh", "http", "https", "file", "ftp", "ftps", "git"];
    if url.contains("://") {
        return Ok(None);
    }
    let Some(colon) = url.find(':') else { return Ok(None) };
    let mut host_end = colon;
    if url[..colon].contains('/') {
        return Ok(None);
    }
    let h = &url[..colon];
    if GIT_SCHEMES.contains(&h) || h.strip_prefix("git+").is_some_and(|t| GIT_SCHEMES.contains(&t)) {
        return Ok(None);
    }
    let bracket = url.find("@[").map(|p| p + 1).or(if url.starts_with('[') { Some(0) } else { None });
    if let Some(bs) = bracket {
        if let Some(close) = url[bs + 1..].find(']').map(|c| c + bs + 1) {
            if url[close + 1..].starts_with(':') {
                host_end = close + 1;
            } else {
                return Ok(None);
            }
        }
    }
    let host_part = &url[..host_end];
    let path = &url[host_end + 1..];
    let (user, host) = match host_part.find('@') {
        Some(i) => (Some(host_part[..i].to_string()), &host_part[i + 1..]),
        None => (None, host_part),
    };
    let mut auth = Authority::empty();
    if is_ipv4(host) {
        auth.host_type = HostType::IPv4;
        auth.host = host.to_string();
    } else if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if inner.is_empty() || !inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.') {
            return Err(FlakeRefError::bad_url(format!(
                "Git SCP bracketed URL is not valid: '{}' is not a valid IPv6 address",
                inner
            )));
        }
        auth.host_type = HostType::IPv6;
        auth.host = inner.to_string();
    } else {
        auth.host = host.to_string();
    }
    auth.user = user;
    if path.is_empty() {
        return Err(FlakeRefError::bad_url(format!("SCP-style Git URL '{}' has an empty path", url)));
    }
    let mut segs: Vec<String> = path.split('/').map(String::from).collect();
    if !segs[0].is_empty() {
        segs.insert(0, String::new());
    }
    Ok(Some(ParsedUrl::new("ssh", Some(auth), segs)))
}

// ---------------------------------------------------------------------------------------------
// Git reference names
// ---------------------------------------------------------------------------------------------

/// `refRegex`: `[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*`.
fn matches_ref_regex(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphanumeric() || b[0] == b'@')
        && b[1..].iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'@' | b'+' | b'-'))
}

/// `revRegex`: 40 hexadecimal digits.
fn matches_rev_regex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// A flake ID: `[a-zA-Z][a-zA-Z0-9_-]*`.
pub fn is_flake_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b[1..].iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

fn is_valid_ref_char(c: u8) -> bool {
    c > b' ' && !matches!(c, b'~' | b'^' | b':' | b'\\' | b'?' | b'[' | b'*')
}

fn is_all_caps_and_underscore(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_uppercase() || c == b'_') && !s.starts_with('_') && !s.ends_with('_')
}

/// libgit2's reference name validation (`git_reference_name_is_valid`, one-level names allowed).
fn git_reference_name_is_valid(name: &str) -> bool {
    if name.is_empty() || name.starts_with('/') {
        return false;
    }
    let mut segments = 0;
    for seg in name.split('/') {
        if seg.is_empty() || seg.starts_with('.') || seg.ends_with(".lock") {
            return false;
        }
        let b = seg.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if !is_valid_ref_char(c) {
                return false;
            }
            if i > 0 && ((b[i - 1] == b'.' && c == b'.') || (b[i - 1] == b'@' && c == b'{')) {
                return false;
            }
        }
        segments += 1;
    }
    if name.ends_with('.') {
        return false;
    }
    if segments == 1 {
        return is_all_caps_and_underscore(name);
    }
    let first = &name[..name.find('/').unwrap_or(name.len())];
    !is_all_caps_and_underscore(first)
}

/// `isLegalRefName`: whether a Git branch or tag name is acceptable (valid as a reference, a
/// branch or a tag name).
pub fn is_legal_ref_name(name: &str) -> bool {
    if name == "@" || name.contains('\x7f') {
        return false;
    }
    if git_reference_name_is_valid(name) {
        return true;
    }
    if name.starts_with('-') {
        return false;
    }
    (name != "HEAD" && git_reference_name_is_valid(&format!("refs/heads/{}", name)))
        || git_reference_name_is_valid(&format!("refs/tags/{}", name))
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// An input scheme (fetcher type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    File,
    Git,
    GitHub,
    GitLab,
    Mercurial,
    Indirect,
    Path,
    SourceHut,
    Tarball,
}

/// The schemes in the order CppNix tries them for a URL (sorted by name).
const SCHEMES: [Scheme; 9] = [
    Scheme::File,
    Scheme::Git,
    Scheme::GitHub,
    Scheme::GitLab,
    Scheme::Mercurial,
    Scheme::Indirect,
    Scheme::Path,
    Scheme::SourceHut,
    Scheme::Tarball,
];

const CURL_ATTRS: &[&str] = &["lastModified", "name", "narHash", "rev", "revCount", "unpack", "url"];

impl Scheme {
    /// The `type` attribute value.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::File => "file",
            Scheme::Git => "git",
            Scheme::GitHub => "github",
            Scheme::GitLab => "gitlab",
            Scheme::Mercurial => "hg",
            Scheme::Indirect => "indirect",
            Scheme::Path => "path",
            Scheme::SourceHut => "sourcehut",
            Scheme::Tarball => "tarball",
        }
    }

    /// The scheme of a `type` attribute value.
    pub fn from_type(t: &str) -> Option<Scheme> {
        SCHEMES.iter().copied().find(|s| s.name() == t)
    }

    fn allowed_attrs(self) -> &'static [&'static str] {
        match self {
            Scheme::File | Scheme::Tarball => CURL_ATTRS,
            Scheme::Git => &[
                "allRefs",
                "dirtyRev",
                "dirtyShortRev",
                "exportIgnore",
                "keytype",
                "lastModified",
                "lfs",
                "name",
                "narHash",
                "publicKey",
                "publicKeys",
                "ref",
                "rev",
                "revCount",
                "shallow",
                "submodules",
                "url",
                "verifyCommit",
            ],
            Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut => {
                &["host", "lastModified", "narHash", "owner", "ref", "repo", "rev", "treeHash"]
            }
            Scheme::Mercurial => &["name", "narHash", "ref", "rev", "revCount", "url"],
            Scheme::Indirect => &["id", "narHash", "ref", "rev"],
            Scheme::Path => &["lastModified", "narHash", "path", "rev", "revCount"],
        }
    }

    fn is_git_archive(self) -> bool {
        matches!(self, Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut)
    }
}

/// A fetcher input: its attributes and, if its `type` is known, its scheme. Two inputs are
/// equal when their attributes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    attrs: Attrs,
    scheme: Option<Scheme>,
}

fn get_str_attr<'a>(attrs: &'a Attrs, name: &str) -> Result<Option<&'a str>> {
    match attrs.get(name) {
        None => Ok(None),
        Some(Attr::String(s)) => Ok(Some(s)),
        Some(_) => Err(FlakeRefError::other(format!(
            "input attribute '{}' is not a string {}",
            name,
            attrs_to_json_string(attrs)
        ))),
    }
}

fn require_str_attr<'a>(attrs: &'a Attrs, name: &str) -> Result<&'a str> {
    get_str_attr(attrs, name)?.ok_or_else(|| FlakeRefError::other(format!("input attribute '{}' is missing", name)))
}

fn get_int_attr(attrs: &Attrs, name: &str) -> Result<Option<u64>> {
    match attrs.get(name) {
        None => Ok(None),
        Some(Attr::Int(n)) => Ok(Some(*n)),
        Some(_) => Err(FlakeRefError::other(format!("input attribute '{}' is not an integer", name))),
    }
}

fn get_bool_attr(attrs: &Attrs, name: &str) -> Result<Option<bool>> {
    match attrs.get(name) {
        None => Ok(None),
        Some(Attr::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(FlakeRefError::other(format!("input attribute '{}' is not a Boolean", name))),
    }
}

/// `string2Int<uint64_t>`: decimal digits only.
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn hash_err(e: crate::store::StoreError) -> FlakeRefError {
    FlakeRefError::other(e.message)
}

fn has_tarball_extension(url: &ParsedUrl) -> bool {
    match url.path.last() {
        None => false,
        Some(p) => {
            [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"].iter().any(|ext| p.ends_with(ext))
        }
    }
}

impl Input {
    fn with_scheme(attrs: Attrs, scheme: Scheme) -> Input {
        Input { attrs, scheme: Some(scheme) }
    }

    /// `Input::fromURL` for a URL string (parsed strictly).
    pub fn from_url_str(url: &str, require_tree: bool) -> Result<Input> {
        Input::from_url(&parse_url(url, false)?, require_tree)
    }

    /// `Input::fromURL`: the first scheme (by name) that accepts the URL makes the input.
    /// `require_tree` is true for flakes: then URLs without an explicit type are tarballs
    /// rather than plain files.
    pub fn from_url(url: &ParsedUrl, require_tree: bool) -> Result<Input> {
        for scheme in SCHEMES {
            if let Some(input) = scheme_from_url(scheme, url, require_tree)? {
                input.fixup()?;
                return Ok(input);
            }
        }
        let (app, transport) = parse_url_scheme(&url.scheme);
        if app == Some("file") && transport == "git" {
            return Err(FlakeRefError::other(format!(
                "input '{}' is unsupported; did you mean 'git+file' instead of 'file+git'?",
                url
            )));
        }
        Err(FlakeRefError::other(format!("input '{}' is unsupported", url)))
    }

    /// `Input::fromAttrs`: checks the attributes against the scheme named by `type`. Unknown
    /// types give an input without a scheme, which can be compared but not printed as a URL.
    pub fn from_attrs(attrs: Attrs) -> Result<Input> {
        let type_name = get_str_attr(&attrs, "type")?
            .ok_or_else(|| {
                FlakeRefError::other("'type' attribute to specify input scheme is required but not provided")
            })?
            .to_string();
        let Some(scheme) = Scheme::from_type(&type_name) else {
            let input = Input { attrs, scheme: None };
            input.fixup()?;
            return Ok(input);
        };
        let allowed = scheme.allowed_attrs();
        for name in attrs.keys() {
            if name != "type" && name != "__final" && !allowed.contains(&name.as_str()) {
                return Err(FlakeRefError::other(format!(
                    "input attribute '{}' not supported by scheme '{}'",
                    name, type_name
                )));
            }
        }
        let input = scheme_from_attrs(scheme, attrs)?;
        input.fixup()?;
        Ok(input)
    }

    /// `fixupInput`: type checks of the common attributes.
    fn fixup(&self) -> Result<()> {
        require_str_attr(&self.attrs, "type")?;
        get_str_attr(&self.attrs, "ref")?;
        get_int_attr(&self.attrs, "revCount")?;
        get_int_attr(&self.attrs, "lastModified")?;
        Ok(())
    }

    pub fn attrs(&self) -> &Attrs {
        &self.attrs
    }

    pub fn into_attrs(self) -> Attrs {
        self.attrs
    }

    pub fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// The `type` attribute.
    pub fn input_type(&self) -> &str {
        self.attrs.get("type").and_then(Attr::as_str).unwrap_or("")
    }

    /// Sets an attribute (as CppNix's fetchers do when locking). Setting `type` re-derives the
    /// scheme.
    pub fn set_attr(&mut self, name: &str, value: Attr) {
        if name == "type" {
            self.scheme = value.as_str().and_then(Scheme::from_type);
        }
        self.attrs.insert(name.to_string(), value);
    }

    /// Removes an attribute.
    pub fn remove_attr(&mut self, name: &str) -> Option<Attr> {
        self.attrs.remove(name)
    }

    /// A string attribute (`maybeGetStrAttr`).
    pub fn get_str(&self, name: &str) -> Result<Option<&str>> {
        get_str_attr(&self.attrs, name)
    }

    /// The `ref` attribute (branch or tag).
    pub fn get_ref(&self) -> Option<&str> {
        self.attrs.get("ref").and_then(Attr::as_str)
    }

    /// The `rev` attribute, parsed (a prefixed hash, else SHA-1).
    pub fn get_rev(&self) -> Result<Option<Hash>> {
        match get_str_attr(&self.attrs, "rev")? {
            None => Ok(None),
            Some(s) => match Hash::parse_any_prefixed(s) {
                Ok(h) => Ok(Some(h)),
                Err(_) => Hash::parse_any(s, Some(HashAlgo::Sha1)).map(Some).map_err(hash_err),
            },
        }
    }

    /// The `narHash` attribute, parsed (SRI SHA-256; the empty string is the zero hash).
    pub fn get_nar_hash(&self) -> Result<Option<Hash>> {
        match get_str_attr(&self.attrs, "narHash")? {
            None => Ok(None),
            Some("") => Ok(Some(Hash::zero(HashAlgo::Sha256))),
            Some(s) => {
                let h = Hash::parse_sri(s).map_err(hash_err)?;
                if h.algo != HashAlgo::Sha256 {
                    return Err(FlakeRefError::other("narHash must use SHA-256"));
                }
                Ok(Some(h))
            }
        }
    }

    pub fn get_rev_count(&self) -> Option<u64> {
        match self.attrs.get("revCount") {
            Some(Attr::Int(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn get_last_modified(&self) -> Option<u64> {
        match self.attrs.get("lastModified") {
            Some(Attr::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// The store path name of the fetched tree (`name` attribute, default `source`).
    pub fn get_name(&self) -> &str {
        self.attrs.get("name").and_then(Attr::as_str).unwrap_or("source")
    }

    /// Whether the input can be fetched without a registry lookup (all but `indirect`).
    pub fn is_direct(&self) -> bool {
        self.scheme != Some(Scheme::Indirect)
    }

    /// Whether the input pins its contents (`isLocked`, with CppNix's default settings).
    pub fn is_locked(&self) -> bool {
        let Some(scheme) = self.scheme else { return false };
        let has_nar = matches!(self.get_nar_hash(), Ok(Some(_)));
        match scheme {
            Scheme::Path | Scheme::File | Scheme::Tarball => has_nar,
            Scheme::Git => matches!(self.get_rev(), Ok(Some(h)) if h.as_bytes().iter().any(|&b| b != 0)),
            // `trust-tarballs-from-git-forges` is true by default.
            Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut => matches!(self.get_rev(), Ok(Some(_))),
            Scheme::Mercurial => matches!(self.get_rev(), Ok(Some(_))),
            Scheme::Indirect => false,
        }
    }

    /// Whether the input is final (`__final`).
    pub fn is_final(&self) -> bool {
        matches!(self.attrs.get("__final"), Some(Attr::Bool(true)))
    }

    /// The relative path of a relative `path` input (`path:./sub`).
    pub fn is_relative(&self) -> Option<&str> {
        if self.scheme != Some(Scheme::Path) {
            return None;
        }
        match self.attrs.get("path") {
            Some(Attr::String(p)) if !p.starts_with('/') => Some(p),
            _ => None,
        }
    }

    /// The local directory of a `path` input or a `git` input with a `file:` URL.
    pub fn source_path(&self) -> Option<PathBuf> {
        match self.scheme? {
            Scheme::Path => {
                let p = self.attrs.get("path")?.as_str()?;
                p.starts_with('/').then(|| PathBuf::from(p))
            }
            Scheme::Git => {
                let url = parse_url(self.attrs.get("url")?.as_str()?, false).ok()?;
                if url.scheme != "file" {
                    return None;
                }
                url_path_to_path(&url.path).ok().map(PathBuf::from)
            }
            _ => None,
        }
    }

    /// `Input::contains`: equal, or equal after removing `ref` and `rev` from `other`.
    pub fn contains(&self, other: &Input) -> bool {
        if self == other {
            return true;
        }
        if !other.attrs.contains_key("ref") && !other.attrs.contains_key("rev") {
            return false;
        }
        let mut o = other.attrs.clone();
        o.remove("ref");
        o.remove("rev");
        self.attrs == o
    }

    /// `applyOverrides`: sets the branch/tag name and/or revision.
    pub fn apply_overrides(&self, r: Option<&str>, rev: Option<&Hash>) -> Result<Input> {
        let mut res = self.clone();
        match self.scheme {
            None => Ok(res),
            Some(Scheme::Indirect) => {
                if let Some(rev) = rev {
                    res.attrs.insert("rev".into(), Attr::String(rev.to_base16()));
                }
                if let Some(r) = r {
                    res.attrs.insert("ref".into(), Attr::String(r.to_string()));
                }
                Ok(res)
            }
            Some(s) if s.is_git_archive() => {
                if let (Some(rev), Some(r)) = (rev, r) {
                    return Err(FlakeRefError::bad_url(format!(
                        "cannot apply both a commit hash ({}) and a branch/tag name ('{}') to input '{}'",
                        rev.to_base16(),
                        r,
                        self.to_url_string()?
                    )));
                }
                if let Some(rev) = rev {
                    res.attrs.insert("rev".into(), Attr::String(rev.to_base16()));
                    res.attrs.remove("ref");
                }
                if let Some(r) = r {
                    res.attrs.insert("ref".into(), Attr::String(r.to_string()));
                    res.attrs.remove("rev");
                }
                Ok(res)
            }
            Some(Scheme::Git) | Some(Scheme::Mercurial) => {
                if let Some(rev) = rev {
                    res.attrs.insert("rev".into(), Attr::String(rev.to_base16()));
                }
                if let Some(r) = r {
                    res.attrs.insert("ref".into(), Attr::String(r.to_string()));
                }
                if self.scheme == Some(Scheme::Git) && res.get_ref().is_none() && res.get_rev()?.is_some() {
                    return Err(FlakeRefError::other(format!(
                        "Git input '{}' has a commit hash but no branch/tag name",
                        res.to_url_string()?
                    )));
                }
                Ok(res)
            }
            Some(_) => {
                if let Some(r) = r {
                    return Err(FlakeRefError::other(format!(
                        "don't know how to set branch/tag name of input '{}' to '{}'",
                        self.to_url_string()?,
                        r
                    )));
                }
                if let Some(rev) = rev {
                    return Err(FlakeRefError::other(format!(
                        "don't know how to set revision of input '{}' to '{}'",
                        self.to_url_string()?,
                        rev.to_base16()
                    )));
                }
                Ok(res)
            }
        }
    }

    /// `Input::toURL`.
    pub fn to_url(&self) -> Result<ParsedUrl> {
        let Some(scheme) = self.scheme else {
            return Err(FlakeRefError::other(format!(
                "cannot show unsupported input '{}'",
                attrs_to_json_string(&self.attrs)
            )));
        };
        scheme_to_url(scheme, self)
    }

    /// `Input::toURLString`: the URL with extra query parameters (existing ones are kept).
    pub fn to_url_string_with(&self, extra: &[(&str, &str)]) -> Result<String> {
        let mut url = self.to_url()?;
        for (k, v) in extra {
            url.query.entry((*k).to_string()).or_insert_with(|| (*v).to_string());
        }
        Ok(url.to_string())
    }

    /// `Input::to_string`.
    pub fn to_url_string(&self) -> Result<String> {
        Ok(self.to_url()?.to_string())
    }
}

fn scheme_from_url(scheme: Scheme, url: &ParsedUrl, require_tree: bool) -> Result<Option<Input>> {
    match scheme {
        Scheme::File | Scheme::Tarball => {
            let (app, transport) = parse_url_scheme(&url.scheme);
            if !matches!(transport, "file" | "http" | "https") {
                return Ok(None);
            }
            let valid = match app {
                Some(a) => a == scheme.name(),
                None if scheme == Scheme::File => !require_tree && !has_tarball_extension(url),
                None => require_tree || has_tarball_extension(url),
            };
            if !valid {
                return Ok(None);
            }
            let mut url2 = url.clone();
            url2.scheme = transport.to_string();
            let mut attrs = Attrs::new();
            if let Some(h) = url.query.get("narHash") {
                attrs.insert("narHash".into(), Attr::String(h.clone()));
            }
            if let Some(r) = url.query.get("rev") {
                attrs.insert("rev".into(), Attr::String(r.clone()));
            }
            for name in ["revCount", "lastModified"] {
                if let Some(n) = url.query.get(name).and_then(|v| parse_u64(v)) {
                    attrs.insert(name.into(), Attr::Int(n));
                }
            }
            for name in CURL_ATTRS {
                url2.query.remove(*name);
            }
            attrs.insert("type".into(), Attr::String(scheme.name().into()));
            attrs.insert("url".into(), Attr::String(url2.to_string()));
            Ok(Some(Input::with_scheme(attrs, scheme)))
        }
        Scheme::Git => {
            if url.scheme != "git" && parse_url_scheme(&url.scheme).0 != Some("git") {
                return Ok(None);
            }
            let mut url2 = url.clone();
            url2.query.clear();
            let mut attrs = Attrs::new();
            attrs.insert("type".into(), Attr::String("git".into()));
            for (name, value) in &url.query {
                match name.as_str() {
                    "rev" | "ref" | "keytype" | "publicKey" | "publicKeys" => {
                        attrs.entry(name.clone()).or_insert_with(|| Attr::String(value.clone()));
                    }
                    "shallow" | "submodules" | "lfs" | "exportIgnore" | "allRefs" | "verifyCommit" => {
                        attrs.entry(name.clone()).or_insert(Attr::Bool(value == "1"));
                    }
                    _ => {
                        url2.query.entry(name.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
            attrs.entry("url".into()).or_insert_with(|| Attr::String(url2.to_string()));
            scheme_from_attrs(Scheme::Git, attrs).map(Some)
        }
        Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut => {
            if url.scheme != scheme.name() {
                return Ok(None);
            }
            let path: Vec<&str> = url.path_segments(true).collect();
            let mut attrs = Attrs::new();
            let size = path.len();
            if size == 3 {
                let key = if matches_rev_regex(path[2]) { "rev" } else { "ref" };
                attrs.insert(key.into(), Attr::String(path[2].to_string()));
            } else if size > 3 {
                attrs.insert("ref".into(), Attr::String(path[2..].join("/")));
            } else if size < 2 {
                return Err(FlakeRefError::bad_url(format!("URL '{}' is invalid", url)));
            }
            for (name, value) in &url.query {
                match name.as_str() {
                    "rev" | "ref" => {
                        if attrs.contains_key(name) {
                            return Err(FlakeRefError::bad_url(if name == "rev" {
                                format!("URL '{}' contains multiple commit hashes", url)
                            } else {
                                format!("URL '{}' contains multiple branch/tag names", url)
                            }));
                        }
                        attrs.insert(name.clone(), Attr::String(value.clone()));
                    }
                    "host" | "narHash" => {
                        attrs.insert(name.clone(), Attr::String(value.clone()));
                    }
                    _ => {
                        return Err(FlakeRefError::bad_url(format!(
                            "URL '{}' contains unknown parameter '{}'",
                            url, name
                        )))
                    }
                }
            }
            attrs.insert("type".into(), Attr::String(scheme.name().into()));
            attrs.insert("owner".into(), Attr::String(path[0].to_string()));
            attrs.insert("repo".into(), Attr::String(path[1].to_string()));
            scheme_from_attrs(scheme, attrs).map(Some)
        }
        Scheme::Mercurial => {
            if !matches!(url.scheme.as_str(), "hg+http" | "hg+https" | "hg+ssh" | "hg+file") {
                return Ok(None);
            }
            let mut url2 = url.clone();
            url2.scheme = url.scheme[3..].to_string();
            url2.query.clear();
            let mut attrs = Attrs::new();
            attrs.insert("type".into(), Attr::String("hg".into()));
            for (name, value) in &url.query {
                if name == "rev" || name == "ref" {
                    attrs.insert(name.clone(), Attr::String(value.clone()));
                } else {
                    url2.query.insert(name.clone(), value.clone());
                }
            }
            attrs.insert("url".into(), Attr::String(url2.to_string()));
            scheme_from_attrs(Scheme::Mercurial, attrs).map(Some)
        }
        Scheme::Indirect => {
            if url.scheme != "flake" {
                return Ok(None);
            }
            let path: Vec<&str> = url.path_segments(true).collect();
            let mut rev = None;
            let mut r = None;
            match path.len() {
                1 => {}
                2 => {
                    if matches_rev_regex(path[1]) {
                        rev = Some(path[1].to_ascii_lowercase());
                    } else if is_legal_ref_name(path[1]) {
                        r = Some(path[1]);
                    } else {
                        return Err(FlakeRefError::bad_url(format!(
                            "in flake URL '{}', '{}' is not a commit hash or branch/tag name",
                            url, path[1]
                        )));
                    }
                }
                3 => {
                    if !is_legal_ref_name(path[1]) {
                        return Err(FlakeRefError::bad_url(format!(
                            "in flake URL '{}', '{}' is not a branch/tag name",
                            url, path[1]
                        )));
                    }
                    r = Some(path[1]);
                    if !matches_rev_regex(path[2]) {
                        return Err(FlakeRefError::bad_url(format!(
                            "in flake URL '{}', '{}' is not a commit hash",
                            url, path[2]
                        )));
                    }
                    rev = Some(path[2].to_ascii_lowercase());
                }
                _ => return Err(FlakeRefError::bad_url(format!("GitHub URL '{}' is invalid", url))),
            }
            let id = path[0];
            if !is_flake_id(id) {
                return Err(FlakeRefError::bad_url(format!("'{}' is not a valid flake ID", id)));
            }
            let mut attrs = Attrs::new();
            attrs.insert("type".into(), Attr::String("indirect".into()));
            attrs.insert("id".into(), Attr::String(id.to_string()));
            if let Some(rev) = rev {
                attrs.insert("rev".into(), Attr::String(rev));
            }
            if let Some(r) = r {
                attrs.insert("ref".into(), Attr::String(r.to_string()));
            }
            Ok(Some(Input::with_scheme(attrs, Scheme::Indirect)))
        }
        Scheme::Path => {
            if url.scheme != "path" {
                return Ok(None);
            }
            if let Some(a) = &url.authority {
                if !a.host.is_empty() {
                    return Err(FlakeRefError::other(format!(
                        "path URL '{}' should not have an authority ('{}')",
                        url, a
                    )));
                }
            }
            let mut attrs = Attrs::new();
            attrs.insert("type".into(), Attr::String("path".into()));
            attrs.insert("path".into(), Attr::String(url_path_to_path(&url.path)?));
            for (name, value) in &url.query {
                match name.as_str() {
                    "rev" | "narHash" => {
                        attrs.insert(name.clone(), Attr::String(value.clone()));
                    }
                    "revCount" | "lastModified" => match parse_u64(value) {
                        Some(n) => {
                            attrs.insert(name.clone(), Attr::Int(n));
                        }
                        None => {
                            return Err(FlakeRefError::other(format!(
                                "path URL '{}' has invalid parameter '{}'",
                                url, name
                            )))
                        }
                    },
                    _ => {
                        return Err(FlakeRefError::other(format!(
                            "path URL '{}' has unsupported parameter '{}'",
                            url, name
                        )))
                    }
                }
            }
            Ok(Some(Input::with_scheme(attrs, Scheme::Path)))
        }
    }
}

fn scheme_from_attrs(scheme: Scheme, mut attrs: Attrs) -> Result<Input> {
    match scheme {
        Scheme::File | Scheme::Tarball => {}
        Scheme::Git => {
            get_bool_attr(&attrs, "verifyCommit")?;
            if let Some(r) = get_str_attr(&attrs, "ref")? {
                if !is_legal_ref_name(r) {
                    return Err(FlakeRefError::bad_url(format!("invalid Git branch/tag name '{}'", r)));
                }
            }
            let fixed = fix_git_url(require_str_attr(&attrs, "url")?)?.to_string();
            attrs.insert("url".into(), Attr::String(fixed));
            get_bool_attr(&attrs, "shallow")?;
            get_bool_attr(&attrs, "submodules")?;
            get_bool_attr(&attrs, "allRefs")?;
        }
        Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut => {
            require_str_attr(&attrs, "owner")?;
            require_str_attr(&attrs, "repo")?;
            let r = get_str_attr(&attrs, "ref")?;
            let rev = get_str_attr(&attrs, "rev")?;
            if let (Some(r), Some(rev)) = (r, rev) {
                return Err(FlakeRefError::bad_url(format!(
                    "input {} contains both a commit hash ('{}') and a branch/tag name ('{}')",
                    attrs_to_json_string(&attrs),
                    rev,
                    r
                )));
            }
            if let Some(rev) = rev {
                Hash::parse_any(rev, Some(HashAlgo::Sha1)).map_err(hash_err)?;
            }
            if let Some(r) = r {
                if !is_legal_ref_name(r) {
                    return Err(FlakeRefError::bad_url(format!(
                        "input {} contains an invalid branch/tag name",
                        attrs_to_json_string(&attrs)
                    )));
                }
            }
            if let Some(host) = get_str_attr(&attrs, "host")? {
                if !host.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-') {
                    return Err(FlakeRefError::bad_url(format!(
                        "input {} contains an invalid instance host",
                        attrs_to_json_string(&attrs)
                    )));
                }
            }
        }
        Scheme::Mercurial => {
            parse_url(require_str_attr(&attrs, "url")?, false)?;
            if let Some(r) = get_str_attr(&attrs, "ref")? {
                if !matches_ref_regex(r) {
                    return Err(FlakeRefError::bad_url(format!("invalid Mercurial branch/tag name '{}'", r)));
                }
            }
        }
        Scheme::Indirect => {
            let id = require_str_attr(&attrs, "id")?;
            if !is_flake_id(id) {
                return Err(FlakeRefError::bad_url(format!("'{}' is not a valid flake ID", id)));
            }
        }
        Scheme::Path => {
            require_str_attr(&attrs, "path")?;
        }
    }
    Ok(Input::with_scheme(attrs, scheme))
}

/// The public keys of a `git` input (`getPublicKeys`), as (type, key) pairs.
fn git_public_keys(attrs: &Attrs) -> Result<Vec<(String, String)>> {
    let mut keys = Vec::new();
    if let Some(s) = get_str_attr(attrs, "publicKeys")? {
        let json: serde_json::Value =
            serde_json::from_str(s).map_err(|e| FlakeRefError::other(format!("cannot parse 'publicKeys': {}", e)))?;
        let arr = json.as_array().ok_or_else(|| FlakeRefError::other("Expected JSON value to be of type 'array'"))?;
        for k in arr {
            let key = k
                .get("key")
                .and_then(|v| v.as_str())
                .ok_or_else(|| FlakeRefError::other("Expected JSON object to contain key 'key' of type 'string'"))?;
            let t = k.get("type").and_then(|v| v.as_str()).unwrap_or("ssh-ed25519");
            keys.push((t.to_string(), key.to_string()));
        }
    }
    if attrs.contains_key("publicKey") {
        let t = get_str_attr(attrs, "keytype")?.unwrap_or("ssh-ed25519");
        keys.push((t.to_string(), require_str_attr(attrs, "publicKey")?.to_string()));
    }
    Ok(keys)
}

fn scheme_to_url(scheme: Scheme, input: &Input) -> Result<ParsedUrl> {
    let attrs = &input.attrs;
    match scheme {
        Scheme::File | Scheme::Tarball => {
            let mut url = parse_url(require_str_attr(attrs, "url")?, false)?;
            if let Some(h) = input.get_nar_hash()? {
                url.query.insert("narHash".into(), h.to_sri());
            }
            Ok(url)
        }
        Scheme::Git => {
            let mut url = parse_url(require_str_attr(attrs, "url")?, false)?;
            if url.scheme != "git" {
                url.scheme = format!("git+{}", url.scheme);
            }
            if let Some(rev) = input.get_rev()? {
                url.query.insert("rev".into(), rev.to_base16());
            }
            if let Some(r) = input.get_ref() {
                url.query.insert("ref".into(), r.to_string());
            }
            for flag in ["shallow", "lfs", "submodules", "exportIgnore", "verifyCommit"] {
                if get_bool_attr(attrs, flag)?.unwrap_or(false) {
                    url.query.insert(flag.into(), "1".into());
                }
            }
            let keys = git_public_keys(attrs)?;
            if keys.len() == 1 {
                url.query.insert("keytype".into(), keys[0].0.clone());
                url.query.insert("publicKey".into(), keys[0].1.clone());
            } else if keys.len() > 1 {
                let arr: Vec<serde_json::Value> = keys
                    .iter()
                    .map(|(t, k)| {
                        let mut m = serde_json::Map::new();
                        m.insert("key".into(), serde_json::Value::String(k.clone()));
                        m.insert("type".into(), serde_json::Value::String(t.clone()));
                        serde_json::Value::Object(m)
                    })
                    .collect();
                url.query.insert("publicKeys".into(), serde_json::Value::Array(arr).to_string());
            }
            Ok(url)
        }
        Scheme::GitHub | Scheme::GitLab | Scheme::SourceHut => {
            let mut path =
                vec![require_str_attr(attrs, "owner")?.to_string(), require_str_attr(attrs, "repo")?.to_string()];
            if let Some(r) = input.get_ref() {
                path.push(r.to_string());
            }
            if let Some(rev) = input.get_rev()? {
                path.push(rev.to_base16());
            }
            let mut url = ParsedUrl::new(scheme.name(), None, path);
            if let Some(h) = input.get_nar_hash()? {
                url.query.insert("narHash".into(), h.to_sri());
            }
            if let Some(host) = get_str_attr(attrs, "host")? {
                url.query.insert("host".into(), host.to_string());
            }
            Ok(url)
        }
        Scheme::Mercurial => {
            let mut url = parse_url(require_str_attr(attrs, "url")?, false)?;
            url.scheme = format!("hg+{}", url.scheme);
            if let Some(rev) = input.get_rev()? {
                url.query.insert("rev".into(), rev.to_base16());
            }
            if let Some(r) = input.get_ref() {
                url.query.insert("ref".into(), r.to_string());
            }
            Ok(url)
        }
        Scheme::Indirect => {
            let mut path = vec![require_str_attr(attrs, "id")?.to_string()];
            if let Some(r) = input.get_ref() {
                path.push(r.to_string());
            }
            if let Some(rev) = input.get_rev()? {
                path.push(rev.to_base16());
            }
            Ok(ParsedUrl::new("flake", None, path))
        }
        Scheme::Path => {
            let mut url = ParsedUrl::new("path", None, path_to_url_path(require_str_attr(attrs, "path")?));
            for (k, v) in attrs {
                if k != "path" && k != "type" && k != "__final" {
                    url.query.insert(k.clone(), v.to_query_value());
                }
            }
            Ok(url)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Flake references
// ---------------------------------------------------------------------------------------------

/// A flake reference: an input and the subdirectory of the flake in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakeRef {
    pub input: Input,
    pub subdir: String,
}

impl FlakeRef {
    pub fn new(input: Input, subdir: impl Into<String>) -> Self {
        FlakeRef { input, subdir: subdir.into() }
    }

    /// The reference `{ type = "indirect"; id = ID; }` (an input without URL).
    pub fn indirect(id: &str) -> Result<FlakeRef> {
        let mut attrs = Attrs::new();
        attrs.insert("type".into(), Attr::String("indirect".into()));
        attrs.insert("id".into(), Attr::String(id.into()));
        Ok(FlakeRef::new(Input::from_attrs(attrs)?, ""))
    }

    /// `FlakeRef::fromAttrs`: from the attribute set form (`dir` is the subdirectory).
    pub fn from_attrs<I: IntoIterator<Item = (String, Attr)>>(attrs: I) -> Result<FlakeRef> {
        let mut map = Attrs::new();
        for (k, v) in attrs {
            map.entry(k).or_insert(v);
        }
        FlakeRef::from_attr_map(map)
    }

    /// Like [`FlakeRef::from_attrs`], from a map.
    pub fn from_attr_map(mut attrs: Attrs) -> Result<FlakeRef> {
        let dir = get_str_attr(&attrs, "dir")?.map(str::to_string).unwrap_or_default();
        attrs.remove("dir");
        Ok(FlakeRef::new(Input::from_attrs(attrs)?, dir))
    }

    /// `FlakeRef::toAttrs`: the input attributes plus `dir`, as a map.
    pub fn to_attr_map(&self) -> Attrs {
        let mut attrs = self.input.attrs.clone();
        if !self.subdir.is_empty() {
            attrs.entry("dir".into()).or_insert_with(|| Attr::String(self.subdir.clone()));
        }
        attrs
    }

    /// The attribute set form, sorted by name (what `builtins.parseFlakeRef` returns).
    pub fn to_attrs(&self) -> Vec<(String, Attr)> {
        self.to_attr_map().into_iter().collect()
    }

    /// `FlakeRef::to_string` (what `builtins.flakeRefToString` returns).
    pub fn to_url_string(&self) -> Result<String> {
        if self.subdir.is_empty() {
            self.input.to_url_string()
        } else {
            self.input.to_url_string_with(&[("dir", &self.subdir)])
        }
    }

    /// `FlakeRef::canonicalize`: the form used to compare `original` references of lock
    /// files: a `url` attribute is re-rendered, without a `dir` query equal to the subdir.
    pub fn canonicalize(&self) -> FlakeRef {
        let mut res = self.clone();
        if let Some(Attr::String(url)) = self.input.attrs.get("url") {
            if let Ok(mut parsed) = parse_url(url, true) {
                if !self.subdir.is_empty() && parsed.query.get("dir") == Some(&self.subdir) {
                    parsed.query.remove("dir");
                }
                res.input.attrs.insert("url".into(), Attr::String(parsed.to_string()));
            }
        }
        res
    }

    /// Resolves an indirect reference through the given registry entries
    /// (`FlakeRef::resolve`, see [`lookup_in_registry`]).
    pub fn resolve(&self, registry: &[RegistryEntry]) -> Result<FlakeRef> {
        let (input, extra) = lookup_in_registry(&self.input, registry)?;
        let subdir = match extra.get("dir") {
            Some(Attr::String(d)) => d.clone(),
            _ => self.subdir.clone(),
        };
        Ok(FlakeRef::new(input, subdir))
    }
}

impl fmt::Display for FlakeRef {
    /// The URL form, or the attributes as JSON for inputs that have no URL form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_url_string() {
            Ok(s) => f.write_str(&s),
            Err(_) => f.write_str(&attrs_to_json_string(&self.to_attr_map())),
        }
    }
}

/// How to parse a flake reference (the parameters of CppNix's `parseFlakeRef`).
#[derive(Clone, Copy, Debug)]
pub struct ParseOptions<'a> {
    /// Relative paths are resolved against this directory, which also enables the command
    /// line behaviour: search for `flake.nix` upwards, detect Git repositories.
    pub base_dir: Option<&'a Path>,
    /// Do not require `flake.nix` to exist.
    pub allow_missing: bool,
    /// The reference is to a flake (a tree), which makes plain `https://` URLs tarballs.
    pub is_flake: bool,
    /// Without a base directory, keep relative paths instead of rejecting them.
    pub preserve_relative_paths: bool,
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        ParseOptions { base_dir: None, allow_missing: false, is_flake: true, preserve_relative_paths: false }
    }
}

/// A parsed flake reference with its fragment (attribute path) and the notes CppNix would print
/// while looking up a local path (`path "/x" does not contain a 'flake.nix', searching up`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedFlakeRef {
    pub flake_ref: FlakeRef,
    pub fragment: String,
    pub notes: Vec<String>,
}

/// `parseFlakeRef`: like [`parse_flake_ref_with_fragment`] but a fragment is an error.
pub fn parse_flake_ref(url: &str, opts: &ParseOptions) -> Result<FlakeRef> {
    let parsed = parse_flake_ref_with_fragment(url, opts)?;
    if !parsed.fragment.is_empty() {
        return Err(FlakeRefError::other(format!(
            "unexpected fragment '{}' in flake reference '{}'",
            parsed.fragment, url
        )));
    }
    Ok(parsed.flake_ref)
}

/// `parseFlakeRefWithFragment`: tries a flake ID (`nixpkgs`, `nixpkgs/branch`), then a URL,
/// then a path.
pub fn parse_flake_ref_with_fragment(url: &str, opts: &ParseOptions) -> Result<ParsedFlakeRef> {
    if let Some((flake_ref, fragment)) = parse_flake_id_ref(url, opts.is_flake)? {
        return Ok(ParsedFlakeRef { flake_ref, fragment, notes: Vec::new() });
    }
    if let Some((flake_ref, fragment)) = parse_url_flake_ref(url, opts.base_dir, opts.is_flake)? {
        return Ok(ParsedFlakeRef { flake_ref, fragment, notes: Vec::new() });
    }
    parse_path_flake_ref(url, opts)
}

/// The reference of a flake input's `url` attribute in `flake.nix`
/// (`parseFlakeRef(url, {}, true, isFlake, true)`): relative paths are kept.
pub fn parse_input_url(url: &str, is_flake: bool) -> Result<FlakeRef> {
    parse_flake_ref(url, &ParseOptions { base_dir: None, allow_missing: true, is_flake, preserve_relative_paths: true })
}

/// `builtins.parseFlakeRef`.
pub fn builtin_parse_flake_ref(s: &str) -> Result<Vec<(String, Attr)>> {
    let r = parse_flake_ref(s, &ParseOptions { allow_missing: true, ..ParseOptions::default() })?;
    Ok(r.to_attrs())
}

/// `builtins.flakeRefToString`.
pub fn builtin_flake_ref_to_string<I: IntoIterator<Item = (String, Attr)>>(attrs: I) -> Result<String> {
    FlakeRef::from_attrs(attrs)?.to_url_string()
}

fn matches_fragment_regex(s: &str) -> bool {
    valid_component(s, |c| is_pchar(c) || matches!(c, b'/' | b'?' | b' ' | b'"' | b'^'))
}

fn parse_flake_id_ref(url: &str, is_flake: bool) -> Result<Option<(FlakeRef, String)>> {
    let (main, frag) = match url.find('#') {
        Some(i) => (&url[..i], &url[i + 1..]),
        None => (url, ""),
    };
    let (id, rest) = match main.find('/') {
        Some(i) => (&main[..i], Some(&main[i + 1..])),
        None => (main, None),
    };
    if !is_flake_id(id) || !rest.is_none_or(matches_ref_regex) || !matches_fragment_regex(frag) {
        return Ok(None);
    }
    let parsed = ParsedUrl::new("flake", None, main.split('/').map(String::from).collect());
    let input = Input::from_url(&parsed, is_flake)?;
    Ok(Some((FlakeRef::new(input, ""), percent_decode(frag)?)))
}

fn from_parsed_url(mut url: ParsedUrl, is_flake: bool) -> Result<(FlakeRef, String)> {
    let dir = url.query.remove("dir").unwrap_or_default();
    let fragment = std::mem::take(&mut url.fragment);
    Ok((FlakeRef::new(Input::from_url(&url, is_flake)?, dir), fragment))
}

fn parse_url_flake_ref(url: &str, base_dir: Option<&Path>, is_flake: bool) -> Result<Option<(FlakeRef, String)>> {
    let attempt = || -> Result<(FlakeRef, String)> {
        let mut parsed = parse_url(url, true)?;
        if let Some(base) = base_dir {
            if parsed.scheme == "path" || parsed.scheme == "git+file" {
                let path = url_path_to_path(&parsed.path)?;
                if !path.starts_with('/') {
                    let abs = abs_path(Path::new(&path), base, false)?;
                    parsed.path = path_to_url_path(path_str(&abs)?);
                }
            }
        }
        from_parsed_url(parsed, is_flake)
    };
    match attempt() {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.is_bad_url() => Ok(None),
        Err(e) => Err(e),
    }
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().ok_or_else(|| FlakeRefError::other(format!("path {} is not valid UTF-8", fmt_path(p))))
}

/// `canonPath`: removes `.`, `..` and duplicate slashes of an absolute path, resolving symlinks
/// when asked (like CppNix, a missing component is kept as is).
pub fn canon_path(path: &Path, resolve_symlinks: bool) -> Result<PathBuf> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() {
        return Err(FlakeRefError::other("cannot canonicalise an empty path"));
    }
    if bytes[0] != b'/' {
        return Err(FlakeRefError::other(format!("not an absolute path: {}", fmt_path(path))));
    }
    let mut remaining: Vec<u8> = bytes.to_vec();
    let mut pos = 0;
    let mut result: Vec<u8> = Vec::new();
    let mut follows = 0;
    loop {
        while pos < remaining.len() && remaining[pos] == b'/' {
            pos += 1;
        }
        if pos >= remaining.len() {
            break;
        }
        let end = remaining[pos..].iter().position(|&c| c == b'/').map_or(remaining.len(), |e| e + pos);
        let comp = &remaining[pos..end];
        if comp == b"." {
            pos = end;
        } else if comp == b".." {
            if let Some(slash) = result.iter().rposition(|&c| c == b'/') {
                result.truncate(slash);
            }
            pos = end;
        } else {
            result.push(b'/');
            result.extend_from_slice(comp);
            pos = end;
            if resolve_symlinks {
                let current = PathBuf::from(std::ffi::OsString::from_vec(result.clone()));
                let is_link = std::fs::symlink_metadata(&current).map(|m| m.file_type().is_symlink()).unwrap_or(false);
                if is_link {
                    follows += 1;
                    if follows >= 1024 {
                        return Err(FlakeRefError::other(format!(
                            "infinite symlink recursion in path '{}'",
                            String::from_utf8_lossy(&remaining[pos..])
                        )));
                    }
                    let target = std::fs::read_link(&current).map_err(|e| {
                        FlakeRefError::other(format!("reading symbolic link {}: {}", fmt_path(&current), e))
                    })?;
                    let mut new_remaining = target.as_os_str().as_bytes().to_vec();
                    new_remaining.extend_from_slice(&remaining[pos..]);
                    if new_remaining.first() == Some(&b'/') {
                        result.clear();
                    } else if let Some(slash) = result.iter().rposition(|&c| c == b'/') {
                        result.truncate(slash);
                    }
                    remaining = new_remaining;
                    pos = 0;
                }
            }
        }
    }
    if result.is_empty() {
        result.push(b'/');
    }
    Ok(PathBuf::from(std::ffi::OsString::from_vec(result)))
}

/// `absPath`: makes `path` absolute relative to `base` and canonicalises it.
pub fn abs_path(path: &Path, base: &Path, resolve_symlinks: bool) -> Result<PathBuf> {
    if path.is_absolute() {
        canon_path(path, resolve_symlinks)
    } else {
        let mut joined = base.as_os_str().to_owned();
        joined.push("/");
        joined.push(path.as_os_str());
        canon_path(Path::new(&joined), resolve_symlinks)
    }
}

fn parse_path_flake_ref(url: &str, opts: &ParseOptions) -> Result<ParsedFlakeRef> {
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let path_part = &url[..path_end];
    let rest = &url[path_end..];
    let (query_part, frag_part) = if let Some(r) = rest.strip_prefix('?') {
        match r.find('#') {
            Some(i) => (&r[..i], &r[i + 1..]),
            None => (r, ""),
        }
    } else {
        ("", rest.strip_prefix('#').unwrap_or(""))
    };
    let mut query = decode_query(query_part, true)?;
    let fragment = percent_decode(frag_part)?;
    let mut notes = Vec::new();
    let mut path = PathBuf::from(path_part);

    if let Some(base) = opts.base_dir {
        path = abs_path(&path, base, true)?;
        if opts.is_flake {
            let md = std::fs::symlink_metadata(&path).map_err(|e| {
                FlakeRefError::other(format!(
                    "getting status of {}: {}",
                    fmt_path(&path),
                    super::source::io_error_text(&e)
                ))
            })?;
            if !md.is_dir() {
                if path.file_name().is_some_and(|n| n == "flake.nix") {
                    let parent = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
                    notes.push(format!(
                        "Path {} should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant {}",
                        fmt_path(&path),
                        fmt_path(&parent)
                    ));
                    path = parent;
                } else {
                    return Err(FlakeRefError::bad_url(format!(
                        "path {} is not a flake (because it's not a directory)",
                        fmt_path(&path)
                    )));
                }
            }
            if !opts.allow_missing && !super::source::path_exists(&path.join("flake.nix")) {
                let found = super::source::find_flake_dir(&path)
                    .map_err(|e| FlakeRefError { message: e.message().to_string(), bad_url: e.is_bad_url() })?;
                notes.extend(found.notes);
                path = found.dir;
            }
            if let Some((root, subdir)) = super::source::find_git_root(&path) {
                if !subdir.is_empty() {
                    if query.contains_key("dir") {
                        return Err(FlakeRefError::other(format!(
                            "flake URL '{}' has an inconsistent 'dir' parameter",
                            url
                        )));
                    }
                    query.insert("dir".into(), subdir);
                }
                if super::source::path_exists(&root.join(".git").join("shallow")) {
                    query.insert("shallow".into(), "1".into());
                }
                let parsed = ParsedUrl {
                    scheme: "git+file".into(),
                    authority: Some(Authority::empty()),
                    path: path_to_url_path(path_str(&root)?),
                    query,
                    fragment,
                };
                let (flake_ref, fragment) = from_parsed_url(parsed, opts.is_flake)?;
                return Ok(ParsedFlakeRef { flake_ref, fragment, notes });
            }
        }
    } else if !opts.preserve_relative_paths && !path.is_absolute() {
        return Err(FlakeRefError::bad_url(format!("flake reference '{}' is not an absolute path", url)));
    }

    let is_abs = path.is_absolute();
    let parsed = ParsedUrl {
        scheme: "path".into(),
        authority: if is_abs { Some(Authority::empty()) } else { None },
        path: path_to_url_path(path_str(&path)?),
        query,
        fragment,
    };
    let (flake_ref, fragment) = from_parsed_url(parsed, opts.is_flake)?;
    Ok(ParsedFlakeRef { flake_ref, fragment, notes })
}

/// `parseInputAttrPath`: an input attribute path such as `nixops/nixpkgs` (used by `follows`).
pub fn parse_input_attr_path(s: &str) -> Result<Vec<String>> {
    let mut path = Vec::new();
    for elem in s.split('/').filter(|e| !e.is_empty()) {
        if !is_flake_id(elem) {
            return Err(FlakeRefError::other(format!("invalid flake input attribute path element '{}'", elem)));
        }
        path.push(elem.to_string());
    }
    Ok(path)
}

/// The reference of one input declared in `flake.nix` (`parseFlakeInput`), from its `url`
/// (if any) and its other fetcher attributes (everything except `url`, `flake`, `inputs` and
/// `follows`). `Ok(None)` means the input has no reference of its own (only `follows`, or
/// nothing, which later means the registry entry of its name).
pub fn input_ref_from_spec(url: Option<&str>, attrs: Vec<(String, Attr)>, is_flake: bool) -> Result<Option<FlakeRef>> {
    let mut map = Attrs::new();
    for (k, v) in attrs {
        map.entry(k).or_insert(v);
    }
    if map.contains_key("type") {
        if let Some(u) = url {
            map.entry("url".into()).or_insert_with(|| Attr::String(u.to_string()));
        }
        return FlakeRef::from_attr_map(map).map(Some);
    }
    map.remove("url");
    if let Some(name) = map.keys().next() {
        return Err(FlakeRefError::other(format!("unexpected flake input attribute '{}'", name)));
    }
    match url {
        Some(u) => parse_input_url(u, is_flake).map(Some),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

/// An entry of a flake registry: references matching `from` are replaced by `to` (plus
/// `extra_attrs`, i.e. `dir`). An `exact` entry matches only an identical reference; others
/// also match references that add a `ref` or `rev`, which are carried over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryEntry {
    pub from: Input,
    pub to: Input,
    pub extra_attrs: Attrs,
    pub exact: bool,
}

enum Target {
    GitHub(&'static str, &'static str, Option<&'static str>),
    Tarball(&'static str),
}

/// A row of the registry table: (id, ref, target, dir, exact).
type RegistryRow = (&'static str, Option<&'static str>, Target, Option<&'static str>, bool);

/// The global registry (github.com/NixOS/flake-registry, `flake-registry.json`, version 2, as
/// of its 2026-06 revision), in file order.
const GLOBAL_REGISTRY: &[RegistryRow] = &[
    ("agda", None, Target::GitHub("agda", "agda", None), None, false),
    ("agenix", None, Target::GitHub("ryantm", "agenix", None), None, false),
    ("arion", None, Target::GitHub("hercules-ci", "arion", None), None, false),
    ("blender-bin", None, Target::GitHub("edolstra", "nix-warez", None), Some("blender"), false),
    ("bundlers", None, Target::GitHub("NixOS", "bundlers", None), None, false),
    ("cachix", None, Target::GitHub("cachix", "cachix", None), None, false),
    ("composable", None, Target::GitHub("ComposableFi", "composable", None), None, false),
    ("disko", None, Target::GitHub("nix-community", "disko", None), None, false),
    ("dreampkgs", None, Target::GitHub("nix-community", "dreampkgs", None), None, false),
    ("dwarffs", None, Target::GitHub("edolstra", "dwarffs", None), None, false),
    ("emacs-overlay", None, Target::GitHub("nix-community", "emacs-overlay", None), None, false),
    ("fenix", None, Target::GitHub("nix-community", "fenix", None), None, false),
    ("flake-parts", None, Target::GitHub("hercules-ci", "flake-parts", None), None, false),
    ("flake-utils", None, Target::GitHub("numtide", "flake-utils", None), None, false),
    ("helix", None, Target::GitHub("helix-editor", "helix", None), None, false),
    ("hercules-ci-agent", None, Target::GitHub("hercules-ci", "hercules-ci-agent", None), None, false),
    ("hercules-ci-effects", None, Target::GitHub("hercules-ci", "hercules-ci-effects", None), None, false),
    ("home-manager", None, Target::GitHub("nix-community", "home-manager", None), None, false),
    ("hydra", None, Target::GitHub("NixOS", "hydra", None), None, false),
    ("mach-nix", None, Target::GitHub("DavHau", "mach-nix", None), None, false),
    ("ngipkgs", None, Target::GitHub("ngi-nix", "ngipkgs", None), None, false),
    ("nickel", None, Target::GitHub("tweag", "nickel", None), None, false),
    ("nix", None, Target::GitHub("NixOS", "nix", None), None, false),
    ("nix-darwin", None, Target::GitHub("nix-darwin", "nix-darwin", None), None, false),
    ("nix-serve", None, Target::GitHub("edolstra", "nix-serve", None), None, false),
    ("nixops", None, Target::GitHub("NixOS", "nixops", None), None, false),
    ("nixos-anywhere", None, Target::GitHub("nix-community", "nixos-anywhere", None), None, false),
    ("nixos-hardware", None, Target::GitHub("NixOS", "nixos-hardware", None), None, false),
    ("nixos-homepage", None, Target::GitHub("NixOS", "nixos-homepage", None), None, false),
    ("nixos-search", None, Target::GitHub("NixOS", "nixos-search", None), None, false),
    ("nixpkgs", None, Target::Tarball("https://channels.nixos.org/nixpkgs-unstable/nixexprs.tar.xz"), None, true),
    (
        "nixpkgs",
        Some("nixpkgs-unstable"),
        Target::Tarball("https://channels.nixos.org/nixpkgs-unstable/nixexprs.tar.xz"),
        None,
        true,
    ),
    (
        "nixpkgs",
        Some("nixos-unstable"),
        Target::Tarball("https://channels.nixos.org/nixos-unstable/nixexprs.tar.xz"),
        None,
        true,
    ),
    (
        "nixpkgs",
        Some("nixos-unstable-small"),
        Target::Tarball("https://channels.nixos.org/nixos-unstable-small/nixexprs.tar.xz"),
        None,
        true,
    ),
    (
        "nixpkgs",
        Some("nixos-26.05"),
        Target::Tarball("https://channels.nixos.org/nixos-26.05/nixexprs.tar.xz"),
        None,
        true,
    ),
    (
        "nixpkgs",
        Some("nixos-26.05-small"),
        Target::Tarball("https://channels.nixos.org/nixos-26.05-small/nixexprs.tar.xz"),
        None,
        true,
    ),
    (
        "nixpkgs",
        Some("nixpkgs-26.05-darwin"),
        Target::Tarball("https://channels.nixos.org/nixpkgs-26.05-darwin/nixexprs.tar.xz"),
        None,
        true,
    ),
    ("nixpkgs", None, Target::GitHub("NixOS", "nixpkgs", Some("nixpkgs-unstable")), None, false),
    ("nixvim", None, Target::GitHub("nix-community", "nixvim", None), None, false),
    ("nur", None, Target::GitHub("nix-community", "NUR", None), None, false),
    ("patchelf", None, Target::GitHub("NixOS", "patchelf", None), None, false),
    ("poetry2nix", None, Target::GitHub("nix-community", "poetry2nix", None), None, false),
    ("pridefetch", None, Target::GitHub("SpyHoodle", "pridefetch", None), None, false),
    ("sops-nix", None, Target::GitHub("Mic92", "sops-nix", None), None, false),
    ("systems", None, Target::GitHub("nix-systems", "default", None), None, false),
    ("templates", None, Target::GitHub("NixOS", "templates", None), None, false),
];

/// The default global flake registry as entries (see [`lookup_in_registry`]). With it, a plain
/// `nixpkgs` resolves to the nixpkgs-unstable channel tarball (an exact entry) and `nixpkgs/<b>`
/// to `github:NixOS/nixpkgs/<b>`.
pub fn global_registry() -> &'static [RegistryEntry] {
    static REGISTRY: std::sync::OnceLock<Vec<RegistryEntry>> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(build_global_registry)
}

fn build_global_registry() -> Vec<RegistryEntry> {
    let mut entries = Vec::with_capacity(GLOBAL_REGISTRY.len());
    for (id, r, target, dir, exact) in GLOBAL_REGISTRY {
        let mut from = Attrs::new();
        from.insert("type".into(), "indirect".into());
        from.insert("id".into(), (*id).into());
        if let Some(r) = r {
            from.insert("ref".into(), (*r).into());
        }
        let mut to = Attrs::new();
        match target {
            Target::GitHub(owner, repo, r) => {
                to.insert("type".into(), "github".into());
                to.insert("owner".into(), (*owner).into());
                to.insert("repo".into(), (*repo).into());
                if let Some(r) = r {
                    to.insert("ref".into(), (*r).into());
                }
            }
            Target::Tarball(url) => {
                to.insert("type".into(), "tarball".into());
                to.insert("url".into(), (*url).into());
            }
        }
        let mut extra = Attrs::new();
        if let Some(d) = dir {
            extra.insert("dir".into(), (*d).into());
        }
        entries.push(RegistryEntry {
            from: Input::with_scheme(from, Scheme::Indirect),
            to: Input::from_attrs(to).expect("registry table entries are valid"),
            extra_attrs: extra,
            exact: *exact,
        });
    }
    entries
}

/// `lookupInRegistries` over one list of entries (put user entries before global ones): the
/// first matching entry rewrites the input, and the lookup restarts until no entry matches. The
/// result must be a direct input.
pub fn lookup_in_registry(input: &Input, entries: &[RegistryEntry]) -> Result<(Input, Attrs)> {
    let mut input = input.clone();
    let mut extra = Attrs::new();
    let mut n = 0;
    'restart: loop {
        n += 1;
        if n > 100 {
            return Err(FlakeRefError::other(format!(
                "cycle detected in flake registry for '{}'",
                input.to_url_string()?
            )));
        }
        for entry in entries {
            if entry.exact {
                if entry.from == input {
                    input = entry.to.clone();
                    extra = entry.extra_attrs.clone();
                    continue 'restart;
                }
            } else if entry.from.contains(&input) {
                let r = if entry.from.get_ref().is_none() { input.get_ref().map(str::to_string) } else { None };
                let rev = if entry.from.get_rev()?.is_none() { input.get_rev()? } else { None };
                input = entry.to.apply_overrides(r.as_deref(), rev.as_ref())?;
                extra = entry.extra_attrs.clone();
                continue 'restart;
            }
        }
        break;
    }
    if !input.is_direct() {
        return Err(FlakeRefError::other(format!(
            "cannot find flake '{}' in the flake registries",
            input.to_url_string()?
        )));
    }
    Ok((input, extra))
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn abs_opts() -> ParseOptions<'static> {
        ParseOptions::default()
    }

    fn to_s(url: &str) -> String {
        parse_flake_ref(url, &abs_opts()).unwrap().to_url_string().unwrap()
    }

    fn attrs_of(url: &str) -> Vec<(String, Attr)> {
        parse_flake_ref(url, &abs_opts()).unwrap().to_attrs()
    }

    fn a(pairs: &[(&str, Attr)]) -> Vec<(String, Attr)> {
        let mut v: Vec<(String, Attr)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        v.sort();
        v
    }

    fn s(x: &str) -> Attr {
        Attr::String(x.to_string())
    }

    fn err(url: &str) -> String {
        parse_flake_ref(url, &abs_opts()).unwrap_err().message().to_string()
    }

    const REV: &str = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed";

    #[test]
    fn absolute_paths() {
        assert_eq!(to_s("/foo/bar"), "path:/foo/bar");
        assert_eq!(attrs_of("/foo/bar"), a(&[("path", s("/foo/bar")), ("type", s("path"))]));
        assert_eq!(
            to_s("/foo/bar?revCount=123&rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            "path:/foo/bar?rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&revCount=123"
        );
        assert_eq!(err("/foo/bar?xyzzy=123"), "path URL 'path:///foo/bar?xyzzy=123' has unsupported parameter 'xyzzy'");
        assert_eq!(
            err("/foo/bar?revCount=x"),
            "path URL 'path:///foo/bar?revCount=x' has invalid parameter 'revCount'"
        );
        assert_eq!(err("/foo/bar#bla"), "unexpected fragment 'bla' in flake reference '/foo/bar#bla'");
        let p = parse_flake_ref_with_fragment("/foo/bar?revCount=123#bla", &abs_opts()).unwrap();
        assert_eq!(p.flake_ref.to_url_string().unwrap(), "path:/foo/bar?revCount=123");
        assert_eq!(p.fragment, "bla");
        let r = parse_flake_ref("/foo bar/baz?dir=bla space", &abs_opts()).unwrap();
        assert_eq!(r.to_url_string().unwrap(), "path:/foo%20bar/baz?dir=bla%20space");
        assert_eq!(r.subdir, "bla space");
        // A trailing slash survives in the path attribute, and CppNix prints it doubled.
        let r = parse_flake_ref("path:///my/repo/", &abs_opts()).unwrap();
        assert_eq!(r.input.attrs().get("path"), Some(&s("/my/repo/")));
        assert_eq!(r.to_url_string().unwrap(), "path:/my/repo//");
        // Characters outside the unreserved set are escaped in paths, `+` included.
        assert_eq!(to_s("path:/a/b+c"), "path:/a/b%2Bc");
        assert_eq!(to_s("/tmp/ü"), "path:/tmp/%C3%BC");
        assert_eq!(err("path://host/x"), "path URL 'path://host/x' should not have an authority ('host')");
    }

    #[test]
    fn relative_paths_need_base_dir_or_preserve() {
        assert_eq!(err("./foo"), "flake reference './foo' is not an absolute path");
        assert_eq!(err("."), "flake reference '.' is not an absolute path");
        let r = parse_input_url("./foo", true).unwrap();
        assert_eq!(r.input.attrs().get("path"), Some(&s("./foo")));
        assert_eq!(r.input.is_relative(), Some("./foo"));
        assert_eq!(r.to_url_string().unwrap(), "path:./foo");
        let r = parse_input_url("path:./sub/dir", true).unwrap();
        assert_eq!(r.input.is_relative(), Some("./sub/dir"));
        assert_eq!(r.to_url_string().unwrap(), "path:./sub/dir");
        let r = parse_input_url("path:../x?dir=y", false).unwrap();
        assert_eq!(r.subdir, "y");
        assert_eq!(r.input.attrs().get("path"), Some(&s("../x")));
    }

    #[test]
    fn github_refs() {
        assert_eq!(
            attrs_of("github:NixOS/nixpkgs"),
            a(&[("owner", s("NixOS")), ("repo", s("nixpkgs")), ("type", s("github"))])
        );
        assert_eq!(to_s("github:NixOS/nixpkgs/nixos-24.05"), "github:NixOS/nixpkgs/nixos-24.05");
        assert_eq!(
            attrs_of("github:NixOS/nixpkgs/23.05?dir=lib"),
            a(&[
                ("dir", s("lib")),
                ("owner", s("NixOS")),
                ("ref", s("23.05")),
                ("repo", s("nixpkgs")),
                ("type", s("github"))
            ])
        );
        assert_eq!(to_s("github:NixOS/nixpkgs/23.05?dir=lib"), "github:NixOS/nixpkgs/23.05?dir=lib");
        assert_eq!(
            attrs_of(&format!("github:a/b/{}", REV)),
            a(&[("owner", s("a")), ("repo", s("b")), ("rev", s(REV)), ("type", s("github"))])
        );
        // Upper-case revisions are kept in the attributes but printed in lower case.
        let up = REV.to_uppercase();
        let r = parse_flake_ref(&format!("github:a/b/{}", up), &abs_opts()).unwrap();
        assert_eq!(r.input.attrs().get("rev"), Some(&s(&up)));
        assert_eq!(r.to_url_string().unwrap(), format!("github:a/b/{}", REV));
        // A ref is one path segment when printed, so its slashes are escaped (and read back).
        assert_eq!(to_s("github:a/b?ref=feature/x"), "github:a/b/feature%2Fx");
        assert_eq!(to_s("github:a/b/feature/x/y"), "github:a/b/feature%2Fx%2Fy");
        assert_eq!(attrs_of("github:a/b/feature%2Fx"), attrs_of("github:a/b/feature/x"));
        assert_eq!(to_s(&format!("github:a/b?rev={}", REV)), format!("github:a/b/{}", REV));
        assert_eq!(to_s("github:foo/bar/branch%23"), "github:foo/bar/branch%23");
        assert_eq!(to_s("github:foo/bar?ref=branch%23"), "github:foo/bar/branch%23");
        assert_eq!(to_s("github:a/b?host=git.example.org"), "github:a/b?host=git.example.org");
        let p = parse_flake_ref_with_fragment("github:foo/bar?ref=branch#\"name.with.dot\"", &abs_opts()).unwrap();
        assert_eq!(p.fragment, "\"name.with.dot\"");
        assert_eq!(p.flake_ref.to_url_string().unwrap(), "github:foo/bar/branch");
        let p = parse_flake_ref_with_fragment("github:NixOS/nixpkgs#hello.x^out", &abs_opts()).unwrap();
        assert_eq!(p.fragment, "hello.x^out");
        assert_eq!(to_s("github://////owner%42/////repo%41///branch%43////"), "github:ownerB/repoA/branchC");
        assert_eq!(
            attrs_of("gitlab:/owner%252Fsubgroup/////repo%41///branch%43////"),
            a(&[("owner", s("owner%2Fsubgroup")), ("ref", s("branchC")), ("repo", s("repoA")), ("type", s("gitlab"))])
        );
        assert_eq!(
            to_s("gitlab:/owner%252Fsubgroup/////repo%41///branch%43////"),
            "gitlab:owner%252Fsubgroup/repoA/branchC"
        );
        assert_eq!(to_s("sourcehut:~user/repo"), "sourcehut:~user/repo");
    }

    #[test]
    fn github_errors_fall_back_to_path_parsing() {
        // BadURL errors of URL schemes make CppNix try the path syntax, which then fails.
        assert_eq!(err("github:foo"), "flake reference 'github:foo' is not an absolute path");
        let bad = format!("github:nixos/nixpkgs/nixpkgs.git?ref={}", REV);
        assert_eq!(err(&bad), format!("flake reference '{}' is not an absolute path", bad));
        assert_eq!(err("github:a/b?foo=1"), "flake reference 'github:a/b?foo=1' is not an absolute path");
        // Hash errors are not BadURL errors and come through.
        assert_eq!(err("github:a/b?rev=xyz"), "hash 'xyz' has wrong length for hash algorithm 'sha1'");
        // The attribute form reports the scheme's own messages.
        let e = FlakeRef::from_attrs(a(&[
            ("type", s("github")),
            ("owner", s("a")),
            ("repo", s("b")),
            ("ref", s("x")),
            ("rev", s(REV)),
        ]))
        .unwrap_err();
        assert_eq!(
            e.message(),
            format!(
                "input {{\"owner\":\"a\",\"ref\":\"x\",\"repo\":\"b\",\"rev\":\"{}\",\"type\":\"github\"}} contains both a commit hash ('{}') and a branch/tag name ('x')",
                REV, REV
            )
        );
        let e =
            FlakeRef::from_attrs(a(&[("type", s("github")), ("owner", s("a")), ("repo", s("b")), ("ref", s("a..b"))]))
                .unwrap_err();
        assert!(e.message().ends_with("contains an invalid branch/tag name"), "{}", e);
    }

    #[test]
    fn indirect_refs() {
        assert_eq!(attrs_of("nixpkgs"), a(&[("id", s("nixpkgs")), ("type", s("indirect"))]));
        assert_eq!(to_s("nixpkgs"), "flake:nixpkgs");
        assert_eq!(to_s("flake:nixpkgs"), "flake:nixpkgs");
        assert_eq!(to_s("nixpkgs/branch"), "flake:nixpkgs/branch");
        assert_eq!(
            attrs_of(&format!("nixpkgs/branch/{}", REV)),
            a(&[("id", s("nixpkgs")), ("ref", s("branch")), ("rev", s(REV)), ("type", s("indirect"))])
        );
        assert_eq!(to_s(&format!("nixpkgs/{}", REV)), format!("flake:nixpkgs/{}", REV));
        assert_eq!(to_s("nixpkgs/branch////"), "flake:nixpkgs/branch");
        assert_eq!(to_s(&format!("nixpkgs/branch///{}///", REV)), format!("flake:nixpkgs/branch/{}", REV));
        assert_eq!(to_s("flake:/nixpkgs///branch////"), "flake:nixpkgs/branch");
        assert_eq!(to_s("flake:nixpkgs?dir=lib"), "flake:nixpkgs?dir=lib");
        let p = parse_flake_ref_with_fragment("nixpkgs#hello", &abs_opts()).unwrap();
        assert_eq!((p.flake_ref.to_url_string().unwrap().as_str(), p.fragment.as_str()), ("flake:nixpkgs", "hello"));
        let p = parse_flake_ref_with_fragment("nixpkgs#legacyPackages.x86_64-linux.%22a%20b%22", &abs_opts()).unwrap();
        assert_eq!(p.fragment, "legacyPackages.x86_64-linux.\"a b\"");
        // The short form reports its own errors directly.
        assert_eq!(err("nixpkgs/a/b"), "in flake URL 'flake:nixpkgs/a/b', 'b' is not a commit hash");
        assert_eq!(
            err("nixpkgs/a..b"),
            "in flake URL 'flake:nixpkgs/a..b', 'a..b' is not a commit hash or branch/tag name"
        );
        assert_eq!(err("flake:1abc"), "flake reference 'flake:1abc' is not an absolute path");
        assert_eq!(FlakeRef::indirect("flake-utils").unwrap().to_url_string().unwrap(), "flake:flake-utils");
    }

    #[test]
    fn git_refs() {
        assert_eq!(
            attrs_of("git+https://example.org/repo?ref=branch"),
            a(&[("ref", s("branch")), ("type", s("git")), ("url", s("https://example.org/repo"))])
        );
        assert_eq!(to_s("git+https://example.org/repo?ref=branch"), "git+https://example.org/repo?ref=branch");
        assert_eq!(to_s("git://somewhere/repo?ref=branch"), "git://somewhere/repo?ref=branch");
        assert_eq!(
            attrs_of("git+file:///home/me/repo?dir=sub&shallow=1&submodules=0"),
            a(&[
                ("dir", s("sub")),
                ("shallow", Attr::Bool(true)),
                ("submodules", Attr::Bool(false)),
                ("type", s("git")),
                ("url", s("file:///home/me/repo"))
            ])
        );
        assert_eq!(
            to_s("git+file:///home/me/repo?dir=sub&shallow=1&submodules=0"),
            "git+file:///home/me/repo?dir=sub&shallow=1"
        );
        assert_eq!(
            to_s(&format!("git+ssh://git@github.com/a/b?rev={}&ref=main", REV)),
            format!("git+ssh://git@github.com/a/b?ref=main&rev={}", REV)
        );
        // Unknown parameters stay in the repository URL.
        assert_eq!(
            attrs_of("git+https://h/r?foo=bar&ref=x"),
            a(&[("ref", s("x")), ("type", s("git")), ("url", s("https://h/r?foo=bar"))])
        );
        assert_eq!(err("git+file://host/x"), "flake reference 'git+file://host/x' is not an absolute path");
        // SCP-style URLs in the attribute form become ssh URLs.
        let r = FlakeRef::from_attrs(a(&[("type", s("git")), ("url", s("git@github.com:NixOS/nix.git"))])).unwrap();
        assert_eq!(r.input.attrs().get("url"), Some(&s("ssh://git@github.com/NixOS/nix.git")));
        assert_eq!(r.to_url_string().unwrap(), "git+ssh://git@github.com/NixOS/nix.git");
        let r = FlakeRef::from_attrs(a(&[("type", s("git")), ("url", s("/abs/repo"))])).unwrap();
        assert_eq!(r.to_url_string().unwrap(), "git+file:///abs/repo");
        let e = FlakeRef::from_attrs(a(&[("type", s("git")), ("url", s("https://h/r")), ("shallow", s("yes"))]))
            .unwrap_err();
        assert_eq!(e.message(), "input attribute 'shallow' is not a Boolean");
        assert_eq!(
            FlakeRef::from_attrs(a(&[("type", s("git")), ("url", s("https://h/r")), ("ref", s("-x"))]))
                .unwrap_err()
                .message(),
            "invalid Git branch/tag name '-x'"
        );
    }

    #[test]
    fn tarball_and_file_refs() {
        assert_eq!(
            attrs_of("https://example.org/x.tar.gz"),
            a(&[("type", s("tarball")), ("url", s("https://example.org/x.tar.gz"))])
        );
        // Flakes are trees: a URL without extension is a tarball, unless it is no flake.
        assert_eq!(
            attrs_of("https://example.org/x"),
            a(&[("type", s("tarball")), ("url", s("https://example.org/x"))])
        );
        let r = parse_input_url("https://example.org/x", false).unwrap();
        assert_eq!(r.input.input_type(), "file");
        let r = parse_input_url("https://example.org/x.zip", false).unwrap();
        assert_eq!(r.input.input_type(), "tarball");
        assert_eq!(
            attrs_of("tarball+https://example.org/x?narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54=&a=b"),
            a(&[
                ("narHash", s("sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=")),
                ("type", s("tarball")),
                ("url", s("https://example.org/x?a=b"))
            ])
        );
        assert_eq!(
            to_s("tarball+https://example.org/x?narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54="),
            "https://example.org/x?narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54%3D"
        );
        assert_eq!(to_s("http://localhost:8181/test/+3d.tar.gz"), "http://localhost:8181/test/%2B3d.tar.gz");
        assert_eq!(attrs_of("file+https://e.org/f")[0], ("type".to_string(), s("file")));
    }

    #[test]
    fn mercurial_refs() {
        assert_eq!(
            attrs_of("hg+https://hg.example.org/repo?ref=default"),
            a(&[("ref", s("default")), ("type", s("hg")), ("url", s("https://hg.example.org/repo"))])
        );
        assert_eq!(to_s("hg+https://hg.example.org/repo?ref=default"), "hg+https://hg.example.org/repo?ref=default");
    }

    #[test]
    fn unsupported_inputs() {
        assert_eq!(err("foo:bar"), "input 'foo:bar' is unsupported");
        assert_eq!(
            err("file+git:///x"),
            "input 'file+git:///x' is unsupported; did you mean 'git+file' instead of 'file+git'?"
        );
        let e = FlakeRef::from_attrs(a(&[("owner", s("a"))])).unwrap_err();
        assert_eq!(e.message(), "'type' attribute to specify input scheme is required but not provided");
        let e = FlakeRef::from_attrs(a(&[("type", s("path")), ("path", s("/x")), ("owner", s("a"))])).unwrap_err();
        assert_eq!(e.message(), "input attribute 'owner' not supported by scheme 'path'");
        let e = FlakeRef::from_attrs(a(&[("type", s("path"))])).unwrap_err();
        assert_eq!(e.message(), "input attribute 'path' is missing");
        let e = FlakeRef::from_attrs(a(&[("type", s("path")), ("path", Attr::Int(1))])).unwrap_err();
        assert_eq!(e.message(), "input attribute 'path' is not a string {\"path\":1,\"type\":\"path\"}");
        // Unknown types are accepted but cannot be printed.
        let r = FlakeRef::from_attrs(a(&[("type", s("svn")), ("url", s("x"))])).unwrap();
        assert_eq!(
            r.to_url_string().unwrap_err().message(),
            "cannot show unsupported input '{\"type\":\"svn\",\"url\":\"x\"}'"
        );
        assert_eq!(r.to_string(), "{\"type\":\"svn\",\"url\":\"x\"}");
        let e = FlakeRef::from_attrs(a(&[("type", s("indirect")), ("id", s("1x"))])).unwrap_err();
        assert_eq!(e.message(), "'1x' is not a valid flake ID");
    }

    #[test]
    fn attrs_form_round_trips() {
        let r = FlakeRef::from_attrs(a(&[
            ("type", s("github")),
            ("owner", s("NixOS")),
            ("repo", s("nixpkgs")),
            ("dir", s("lib")),
        ]))
        .unwrap();
        assert_eq!(r.subdir, "lib");
        assert_eq!(r.to_url_string().unwrap(), "github:NixOS/nixpkgs?dir=lib");
        assert_eq!(
            builtin_flake_ref_to_string(a(&[
                ("dir", s("lib")),
                ("owner", s("NixOS")),
                ("ref", s("23.05")),
                ("repo", s("nixpkgs")),
                ("type", s("github"))
            ]))
            .unwrap(),
            "github:NixOS/nixpkgs/23.05?dir=lib"
        );
        assert_eq!(
            builtin_flake_ref_to_string(a(&[
                ("type", s("path")),
                ("path", s("/x")),
                ("lastModified", Attr::Int(5)),
                ("narHash", s("sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54="))
            ]))
            .unwrap(),
            "path:/x?lastModified=5&narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54%3D"
        );
        for url in [
            "github:NixOS/nixpkgs/nixos-24.05",
            "flake:nixpkgs/branch",
            "git+https://example.org/repo?ref=branch",
            "path:/foo/bar?lastModified=1",
            "https://example.org/x.tar.gz",
            "gitlab:a/b?host=gitlab.example.org",
        ] {
            let r = parse_flake_ref(url, &abs_opts()).unwrap();
            let back = FlakeRef::from_attrs(r.to_attrs()).unwrap();
            assert_eq!(back, r, "{}", url);
            assert_eq!(back.to_url_string().unwrap(), url);
        }
    }

    #[test]
    fn builtin_parse_flake_ref_matches_reference_doc() {
        assert_eq!(
            builtin_parse_flake_ref("github:NixOS/nixpkgs/23.05?dir=lib").unwrap(),
            a(&[
                ("dir", s("lib")),
                ("owner", s("NixOS")),
                ("ref", s("23.05")),
                ("repo", s("nixpkgs")),
                ("type", s("github"))
            ])
        );
        assert_eq!(
            builtin_parse_flake_ref("github:a/b#x").unwrap_err().message(),
            "unexpected fragment 'x' in flake reference 'github:a/b#x'"
        );
    }

    #[test]
    fn url_parser() {
        let u = parse_url("https://user:pw@example.org:8080/a/b%20c/?x=1&y=2&x=3#frag%20x", false).unwrap();
        assert_eq!(u.scheme, "https");
        let au = u.authority.as_ref().unwrap();
        assert_eq!(
            (au.user.as_deref(), au.password.as_deref(), au.host.as_str(), au.port),
            (Some("user"), Some("pw"), "example.org", Some(8080))
        );
        assert_eq!(u.path, vec!["", "a", "b c", ""]);
        assert_eq!(u.query.get("x").map(String::as_str), Some("1"));
        assert_eq!(u.fragment, "frag x");
        assert_eq!(u.to_string(), "https://user:pw@example.org:8080/a/b%20c/?x=1&y=2#frag%20x");
        assert_eq!(parse_url("file:///", false).unwrap().path, vec!["", ""]);
        assert_eq!(parse_url("file://", false).unwrap().path, vec!["", ""]);
        assert!(parse_url("https://h/a b", false).is_err());
        assert!(parse_url("https://h/a?b=c d", true).is_ok());
        assert_eq!(parse_url("./x", true).unwrap_err().message(), "'./x' doesn't have a scheme");
        assert_eq!(parse_url("http://h:0/", false).unwrap_err().message(), "port '0' is invalid");
        assert_eq!(parse_url("http://[::1]:80/x", false).unwrap().to_string(), "http://[::1]:80/x");
        assert_eq!(parse_url("http://1.2.3.4/x", false).unwrap().authority.unwrap().host_type, HostType::IPv4);
        assert_eq!(
            decode_query("a&b=1&c=%2", true).unwrap_err().message(),
            "invalid URI query 'a&b=1&c=%2': syntax error"
        );
        let q = decode_query("a&b=1&b=2&c=x%20y&d=", true).unwrap();
        assert_eq!(
            q.into_iter().collect::<Vec<_>>(),
            [("b".into(), "1".into()), ("c".into(), "x y".into()), ("d".into(), String::new())]
        );
        assert_eq!(path_to_url_path("/"), vec!["", ""]);
        assert_eq!(path_to_url_path("/foo/bar/baz"), vec!["", "foo", "bar", "baz"]);
        assert_eq!(path_to_url_path("/my/repo/"), vec!["", "my", "repo", "", ""]);
        assert_eq!(path_to_url_path("./foo"), vec![".", "foo"]);
        assert_eq!(url_path_to_path(&["".into(), "my".into(), "repo".into(), "".into()]).unwrap(), "/my/repo/");
        assert_eq!(url_path_to_path(&["a".into(), "".into(), "b".into()]).unwrap(), "a/b");
        assert_eq!(
            url_path_to_path(&["".into(), "a/b".into()]).unwrap_err().message(),
            "URL path component 'a/b' contains '/', which is not allowed in file names"
        );
    }

    #[test]
    fn ref_names() {
        for good in ["main", "nixos-24.05", "feature/x", "v1.0", "HEAD", "refs/heads/main", "a@b", "ü"] {
            assert!(is_legal_ref_name(good), "{}", good);
        }
        for bad in [
            "", "@", "a..b", "a b", "-x", "a~b", "a^b", "a:b", "a?b", "a[b", "a*b", "x.lock", "a/", "/a", "a//b", ".a",
            "a.", "a@{b", "a\x7f",
        ] {
            assert!(!is_legal_ref_name(bad), "{:?}", bad);
        }
    }

    #[test]
    fn hashes() {
        // The narHash of a path input must be SRI SHA-256.
        let r = FlakeRef::from_attrs(a(&[
            ("type", s("path")),
            ("path", s("/x")),
            ("narHash", s("sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
        ]))
        .unwrap();
        assert_eq!(r.input.get_nar_hash().unwrap_err().message(), "narHash must use SHA-256");
    }

    #[test]
    fn locked_and_relative() {
        let lockedp =
            parse_flake_ref("path:/x?narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54=", &abs_opts())
                .unwrap();
        assert!(lockedp.input.is_locked());
        assert!(!parse_flake_ref("path:/x", &abs_opts()).unwrap().input.is_locked());
        assert!(parse_flake_ref(&format!("github:a/b/{}", REV), &abs_opts()).unwrap().input.is_locked());
        assert!(!parse_flake_ref("github:a/b", &abs_opts()).unwrap().input.is_locked());
        assert!(!parse_flake_ref("git+file:///x?rev=0000000000000000000000000000000000000000", &abs_opts())
            .unwrap()
            .input
            .is_locked());
        assert!(!parse_flake_ref("nixpkgs", &abs_opts()).unwrap().input.is_direct());
        assert_eq!(
            parse_flake_ref("git+file:///x/y", &abs_opts()).unwrap().input.source_path(),
            Some(PathBuf::from("/x/y"))
        );
    }

    #[test]
    fn canonicalize_drops_dir_from_url() {
        let r = FlakeRef::from_attrs(a(&[
            ("type", s("git")),
            ("url", s("https://foo/bar?dir=subdir")),
            ("dir", s("subdir")),
        ]))
        .unwrap();
        let c = r.canonicalize();
        assert_eq!(c.input.attrs().get("url"), Some(&s("https://foo/bar")));
        let n = parse_input_url("git+https://foo/bar?dir=subdir", true).unwrap();
        assert_eq!(n.canonicalize(), c);
        assert_ne!(n, r);
    }

    #[test]
    fn input_specs() {
        let r = input_ref_from_spec(None, a(&[("type", s("github")), ("owner", s("o")), ("repo", s("r"))]), true)
            .unwrap()
            .unwrap();
        assert_eq!(r.to_url_string().unwrap(), "github:o/r");
        let r = input_ref_from_spec(Some("github:o/r"), vec![], true).unwrap().unwrap();
        assert_eq!(r.to_url_string().unwrap(), "github:o/r");
        assert_eq!(input_ref_from_spec(None, vec![], true).unwrap(), None);
        assert_eq!(
            input_ref_from_spec(Some("github:o/r"), a(&[("owner", s("o"))]), true).unwrap_err().message(),
            "unexpected flake input attribute 'owner'"
        );
        let r = input_ref_from_spec(Some("https://x/y"), a(&[("type", s("tarball"))]), true).unwrap().unwrap();
        assert_eq!(r.input.attrs().get("url"), Some(&s("https://x/y")));
        assert_eq!(parse_input_attr_path("a//b/").unwrap(), vec!["a", "b"]);
        assert_eq!(
            parse_input_attr_path("a/1b").unwrap_err().message(),
            "invalid flake input attribute path element '1b'"
        );
    }

    #[test]
    fn registry() {
        let reg = global_registry();
        let resolve = |u: &str| parse_flake_ref(u, &abs_opts()).unwrap().resolve(reg).unwrap().to_url_string().unwrap();
        assert_eq!(resolve("flake-utils"), "github:numtide/flake-utils");
        assert_eq!(resolve("nixpkgs"), "https://channels.nixos.org/nixpkgs-unstable/nixexprs.tar.xz");
        assert_eq!(resolve("nixpkgs/nixos-unstable"), "https://channels.nixos.org/nixos-unstable/nixexprs.tar.xz");
        assert_eq!(resolve("nixpkgs/nixos-23.11"), "github:NixOS/nixpkgs/nixos-23.11");
        assert_eq!(resolve(&format!("nixpkgs/{}", REV)), format!("github:NixOS/nixpkgs/{}", REV));
        assert_eq!(resolve("blender-bin"), "github:edolstra/nix-warez?dir=blender");
        assert_eq!(resolve("systems"), "github:nix-systems/default");
        assert_eq!(resolve("github:a/b"), "github:a/b");
        let e = parse_flake_ref("unknownthing", &abs_opts()).unwrap().resolve(reg).unwrap_err();
        assert_eq!(e.message(), "cannot find flake 'flake:unknownthing' in the flake registries");
    }

    #[test]
    fn command_line_paths() {
        let tmp = std::env::temp_dir().join(format!("nixeval-flakeref-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("a/b")).unwrap();
        std::fs::write(tmp.join("a/flake.nix"), "{ outputs = _: { }; }").unwrap();
        let tmp = canon_path(&tmp, true).unwrap();
        let opts = ParseOptions { base_dir: Some(&tmp), ..ParseOptions::default() };
        let p = parse_flake_ref_with_fragment("./a#x", &opts).unwrap();
        assert_eq!(p.flake_ref.to_url_string().unwrap(), format!("path:{}/a", tmp.display()));
        assert_eq!(p.fragment, "x");
        // `.` inside a directory without flake.nix searches upwards.
        let sub = tmp.join("a/b");
        let opts2 = ParseOptions { base_dir: Some(&sub), ..ParseOptions::default() };
        let p = parse_flake_ref_with_fragment(".", &opts2).unwrap();
        assert_eq!(p.flake_ref.to_url_string().unwrap(), format!("path:{}/a", tmp.display()));
        assert_eq!(
            p.notes,
            vec![format!("path \"{}/a/b\" does not contain a 'flake.nix', searching up", tmp.display())]
        );
        // `a/flake.nix` would be the flake ID `a` with branch `flake.nix`.
        assert_eq!(parse_flake_ref("a/flake.nix", &opts).unwrap().to_url_string().unwrap(), "flake:a/flake.nix");
        let p = parse_flake_ref_with_fragment("./a/flake.nix", &opts).unwrap();
        assert!(p.notes[0].starts_with("Path "), "{:?}", p.notes);
        assert_eq!(p.flake_ref.input.attrs().get("path"), Some(&s(&format!("{}/a", tmp.display()))));
        // Explicit path: URLs are resolved against the base directory without searching.
        let p = parse_flake_ref_with_fragment("path:a/b", &opts).unwrap();
        assert_eq!(p.flake_ref.to_url_string().unwrap(), format!("path:{}/a/b", tmp.display()));
        let e = parse_flake_ref("./missing", &opts).unwrap_err();
        assert_eq!(e.message(), format!("getting status of \"{}/missing\": No such file or directory", tmp.display()));
        std::fs::write(tmp.join("file"), "").unwrap();
        assert_eq!(
            parse_flake_ref("./file", &opts).unwrap_err().message(),
            format!("path \"{}/file\" is not a flake (because it's not a directory)", tmp.display())
        );
        // Not a flake: no search and no flake.nix needed.
        let nf = ParseOptions { base_dir: Some(&tmp), is_flake: false, ..ParseOptions::default() };
        assert_eq!(
            parse_flake_ref("./file", &nf).unwrap().to_url_string().unwrap(),
            format!("path:{}/file", tmp.display())
        );
        // `#frag` alone means the current directory.
        let p = parse_flake_ref_with_fragment(
            "#hello",
            &ParseOptions { base_dir: Some(&tmp.join("a")), ..ParseOptions::default() },
        )
        .unwrap();
        assert_eq!(p.fragment, "hello");
        assert_eq!(p.flake_ref.to_url_string().unwrap(), format!("path:{}/a", tmp.display()));
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn canon_paths() {
        assert_eq!(canon_path(Path::new("/a/./b//../c/"), false).unwrap(), PathBuf::from("/a/c"));
        assert_eq!(canon_path(Path::new("/.."), false).unwrap(), PathBuf::from("/"));
        assert_eq!(abs_path(Path::new("x/../y"), Path::new("/base"), false).unwrap(), PathBuf::from("/base/y"));
        let tmp = std::env::temp_dir().join(format!("nixeval-canon-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("real/inner")).unwrap();
        std::os::unix::fs::symlink("real", tmp.join("link")).unwrap();
        let tmpc = canon_path(&tmp, true).unwrap();
        assert_eq!(canon_path(&tmp.join("link/inner/.."), true).unwrap(), tmpc.join("real"));
        assert_eq!(canon_path(&tmp.join("link/inner/.."), false).unwrap(), tmp.join("link"));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
