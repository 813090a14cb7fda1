//! The three binary-to-text encodings Nix uses for hashes: base16, Nix's own base32
//! ("nix32") and standard base64.
//!
//! Nix32 is not RFC 4648 base32: its alphabet omits `e`, `o`, `u` and `t`, and it
//! writes the number least-significant bits last, so the first character holds the top
//! bits of the last byte. Encoders append to a caller-supplied `String` to avoid
//! allocations; decoders return a `Vec<u8>` whose length the caller checks. Decoding
//! errors carry CppNix's wording. This module knows nothing about hash algorithms.

use super::{Result, StoreError};

const BASE16_CHARS: &[u8; 16] = b"0123456789abcdef";

/// The Nix base32 alphabet (`0-9a-z` without `e`, `o`, `u`, `t`).
pub const NIX32_CHARS: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

const BASE64_CHARS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const INVALID: u8 = 0xff;

const NIX32_REVERSE: [u8; 256] = {
    let mut map = [INVALID; 256];
    let mut i = 0;
    while i < 32 {
        map[NIX32_CHARS[i] as usize] = i as u8;
        i += 1;
    }
    map
};

const BASE64_REVERSE: [u8; 256] = {
    let mut map = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        map[BASE64_CHARS[i] as usize] = i as u8;
        i += 1;
    }
    map
};

/// Length of the base16 encoding of `n` bytes.
pub const fn base16_len(n: usize) -> usize {
    n * 2
}

/// Length of the nix32 encoding of `n` bytes.
pub const fn nix32_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n * 8 - 1) / 5 + 1
    }
}

/// Length of the (padded) base64 encoding of `n` bytes.
pub const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// The character at byte offset `i` of `s`, for error messages (the whole UTF-8 character
/// when `i` starts one, otherwise the replacement character).
fn char_at(s: &str, i: usize) -> char {
    s.get(i..)
        .and_then(|t| t.chars().next())
        .unwrap_or('\u{fffd}')
}

/// Appends the lowercase base16 encoding of `bytes` to `out`.
pub fn base16_encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(BASE16_CHARS[(b >> 4) as usize] as char);
        out.push(BASE16_CHARS[(b & 0xf) as usize] as char);
    }
}

/// The lowercase base16 encoding of `bytes`.
pub fn base16_encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    base16_encode_into(bytes, &mut s);
    s
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes base16 (either case). An odd trailing character is an error.
pub fn base16_decode(s: &str) -> Result<Vec<u8>> {
    let b = s.as_bytes();
    let mut res = Vec::with_capacity(b.len() / 2);
    for (k, pair) in b.chunks(2).enumerate() {
        let hi = hex_digit(pair[0]);
        let lo = pair.get(1).and_then(|&c| hex_digit(c));
        match (hi, lo) {
            (Some(h), Some(l)) => res.push(h << 4 | l),
            (None, _) => {
                return Err(StoreError::bad_hash(format!(
                    "invalid character in Base16 string: '{}'",
                    char_at(s, k * 2)
                )))
            }
            (Some(_), None) => {
                if pair.len() < 2 {
                    return Err(StoreError::bad_hash(format!(
                        "invalid Base16 string '{s}': odd number of characters"
                    )));
                }
                return Err(StoreError::bad_hash(format!(
                    "invalid character in Base16 string: '{}'",
                    char_at(s, k * 2 + 1)
                )));
            }
        }
    }
    Ok(res)
}

/// Appends the nix32 encoding of `bytes` to `out`.
pub fn nix32_encode_into(bytes: &[u8], out: &mut String) {
    let len = nix32_len(bytes.len());
    out.reserve(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let lo = (bytes[i] as u32) >> j;
        let hi = if i + 1 < bytes.len() {
            (bytes[i + 1] as u32) << (8 - j)
        } else {
            0
        };
        out.push(NIX32_CHARS[((lo | hi) & 0x1f) as usize] as char);
    }
}

/// The nix32 encoding of `bytes`.
pub fn nix32_encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    nix32_encode_into(bytes, &mut s);
    s
}

/// Decodes nix32. The result may be one byte longer than expected when the leading
/// character carries bits beyond the last byte; callers reject that by length, as CppNix does.
pub fn nix32_decode(s: &str) -> Result<Vec<u8>> {
    let b = s.as_bytes();
    let mut res: Vec<u8> = Vec::with_capacity((b.len() * 5).div_ceil(8));
    for n in 0..b.len() {
        let pos = b.len() - n - 1;
        let digit = NIX32_REVERSE[b[pos] as usize];
        if digit == INVALID {
            return Err(StoreError::bad_hash(format!(
                "invalid character in Nix32 (Nix's Base32 variation) string: '{}'",
                char_at(s, pos)
            )));
        }
        let bit = n * 5;
        let i = bit / 8;
        let j = bit % 8;
        if res.len() < i + 1 {
            res.resize(i + 1, 0);
        }
        res[i] |= ((digit as u32) << j) as u8;
        let carry = (digit as u32) >> (8 - j);
        if carry != 0 {
            if res.len() < i + 2 {
                res.resize(i + 2, 0);
            }
            res[i + 1] |= carry as u8;
        }
    }
    Ok(res)
}

/// Appends the padded base64 encoding of `bytes` to `out`.
pub fn base64_encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(base64_len(bytes.len()));
    let start = out.len();
    let mut data: u32 = 0;
    let mut nbits = 0;
    for &c in bytes {
        data = (data << 8 | c as u32) & 0xffff;
        nbits += 8;
        while nbits >= 6 {
            nbits -= 6;
            out.push(BASE64_CHARS[((data >> nbits) & 0x3f) as usize] as char);
        }
    }
    if nbits > 0 {
        out.push(BASE64_CHARS[((data << (6 - nbits)) & 0x3f) as usize] as char);
    }
    while !(out.len() - start).is_multiple_of(4) {
        out.push('=');
    }
}

/// The padded base64 encoding of `bytes`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    base64_encode_into(bytes, &mut s);
    s
}

/// Decodes base64 like CppNix: decoding stops at the first `=`, newlines are skipped,
/// missing padding is accepted, and any other character outside the alphabet is an error.
pub fn base64_decode(s: &str) -> Result<Vec<u8>> {
    let mut res = Vec::with_capacity(s.len().div_ceil(4) * 3);
    let mut d: u32 = 0;
    let mut bits = 0;
    for (pos, &c) in s.as_bytes().iter().enumerate() {
        if c == b'=' {
            break;
        }
        if c == b'\n' {
            continue;
        }
        let digit = BASE64_REVERSE[c as usize];
        if digit == INVALID {
            return Err(StoreError::bad_hash(format!(
                "invalid character in Base64 string: '{}'",
                char_at(s, pos)
            )));
        }
        bits += 6;
        d = (d << 6 | digit as u32) & 0xffff;
        if bits >= 8 {
            res.push((d >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base16_roundtrip() {
        assert_eq!(base16_encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(base16_decode("00ABff").unwrap(), vec![0x00, 0xab, 0xff]);
        assert_eq!(
            base16_decode("0g").unwrap_err().message,
            "invalid character in Base16 string: 'g'"
        );
        assert!(base16_decode("abc").is_err());
    }

    #[test]
    fn nix32_known_values() {
        // sha256("") in nix32, as printed by `nix-hash --type sha256 --to-base32`.
        let empty =
            base16_decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .unwrap();
        assert_eq!(
            nix32_encode(&empty),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
        assert_eq!(
            nix32_decode("0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73").unwrap(),
            empty
        );
        assert_eq!(nix32_len(20), 32);
        assert_eq!(nix32_len(32), 52);
        assert_eq!(nix32_len(64), 103);
        assert_eq!(nix32_len(16), 26);
        for n in 0..70usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let s = nix32_encode(&bytes);
            assert_eq!(s.len(), nix32_len(n));
            assert_eq!(nix32_decode(&s).unwrap(), bytes);
        }
    }

    #[test]
    fn nix32_errors() {
        assert_eq!(
            nix32_decode("e").unwrap_err().message,
            "invalid character in Nix32 (Nix's Base32 variation) string: 'e'"
        );
        // A leading digit with bits beyond the last byte decodes to an extra byte.
        assert_eq!(
            nix32_decode("z0000000000000000000000000000000000000000000000000000")
                .unwrap()
                .len(),
            34
        );
    }

    #[test]
    fn base64_roundtrip() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), enc);
            assert_eq!(base64_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64_decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(base64_decode("Zm9v\nYg==").unwrap(), b"foob");
        assert_eq!(
            base64_decode("Zm9v!").unwrap_err().message,
            "invalid character in Base64 string: '!'"
        );
        assert_eq!(base64_len(32), 44);
        assert_eq!(base64_len(64), 88);
    }
}
