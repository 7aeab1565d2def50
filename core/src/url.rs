//! Reading a `base_url` as far as the rules need it: is it an absolute URL, what is its scheme,
//! and does it have a host.
//!
//! The rules used to ask the `url` crate, whose IDNA and Unicode tables were about a third of
//! the units a user's build compiled for this crate (issue 12). This reader follows the WHATWG
//! URL standard for everything that decides those three answers: C0/space trimming and tab or
//! newline removal, the scheme, special schemes' slash and backslash handling (`\` ends the
//! authority of `http`, `https`, `ws`, `wss`, `ftp` and `file` URLs, so
//! `http://evil.example\@127.0.0.1/` has the host `evil.example`), the last `@` ending the
//! userinfo, ports 0–65535, IPv6 literals, the IPv4 number forms (`0x7f.1`, `127.1`) and the
//! forbidden host code points. Paths, queries and fragments never make a URL invalid, so they
//! are not read.
//!
//! Two deliberate differences, both on hosts nobody should put in a `base_url`: a
//! percent-encoded host (`http://%6c%6fcalhost/`) is refused instead of decoded, because the
//! host a reader sees must be the host a client connects to; and non-ASCII domains are kept as
//! written (ASCII letters lower-cased) rather than mapped through IDNA, with invisible and
//! control characters refused where IDNA would have dropped or mapped them silently.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The parts of an absolute URL the rules look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    host: Option<Host>,
    port: Option<u16>,
}

/// A URL's host, after the standard's host parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A domain (special schemes: ASCII lower-cased) or the opaque host of another scheme.
    Domain(String),
    /// An IPv4 address, whichever of the standard's number forms it was written in.
    Ipv4(Ipv4Addr),
    /// An IPv6 literal, written in brackets.
    Ipv6(Ipv6Addr),
}

/// Why a string is not an absolute URL with a readable host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    NoScheme,
    EmptyHost,
    ForbiddenHostChar(char),
    PercentEncodedHost,
    InvalidIpv4,
    InvalidIpv6,
    InvalidPort,
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            UrlError::NoScheme => "no scheme: a relative URL, or none at all",
            UrlError::EmptyHost => "the host is empty",
            UrlError::ForbiddenHostChar(c) => return write!(f, "the host contains {c:?}"),
            UrlError::PercentEncodedHost => "the host is percent-encoded",
            UrlError::InvalidIpv4 => "the host ends in a number but is not an IPv4 address",
            UrlError::InvalidIpv6 => "the host is not a valid IPv6 address",
            UrlError::InvalidPort => "the port is not a number from 0 to 65535",
        };
        f.write_str(text)
    }
}

impl std::error::Error for UrlError {}

/// Schemes the standard treats specially (their authority and host rules differ).
const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp", "file"];

impl Url {
    /// Reads `input` as an absolute URL.
    pub fn parse(input: &str) -> Result<Url, UrlError> {
        let cleaned: String = input
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let (scheme, rest) = split_scheme(&cleaned).ok_or(UrlError::NoScheme)?;
        let special = SPECIAL.contains(&scheme.as_str());
        let (host, port) = if scheme == "file" {
            (file_host(rest)?, None)
        } else if special {
            let rest = rest.trim_start_matches(['/', '\\']);
            authority(rest, true)?
        } else if let Some(rest) = rest.strip_prefix("//") {
            authority(rest, false)?
        } else {
            (None, None)
        };
        Ok(Url { scheme, host, port })
    }

    /// The scheme, lower-cased.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Whether the URL names a host (an empty host, as in `file:///x`, does not count).
    pub fn has_host(&self) -> bool {
        self.host.is_some()
    }

    /// The host, if any.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    /// The port written in the URL, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
}

/// `scheme:rest`, the scheme lower-cased; `None` when the input does not start with one.
fn split_scheme(input: &str) -> Option<(String, &str)> {
    let (scheme, rest) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let first_alpha = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = first_alpha && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| (scheme.to_ascii_lowercase(), rest))
}

/// A `file:` URL's host: only after two slashes, and `localhost` or nothing means none.
fn file_host(rest: &str) -> Result<Option<Host>, UrlError> {
    let mut chars = rest.chars();
    let slash = |c: Option<char>| matches!(c, Some('/' | '\\'));
    if !(slash(chars.next()) && slash(chars.next())) {
        return Ok(None);
    }
    let end = &rest[2..];
    let host = end.split(['/', '\\', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Ok(None);
    }
    match special_host(host)? {
        Host::Domain(d) if d == "localhost" => Ok(None),
        other => Ok(Some(other)),
    }
}

/// The authority that starts `rest`: userinfo (up to the last `@`), host and port.
fn authority(rest: &str, special: bool) -> Result<(Option<Host>, Option<u16>), UrlError> {
    let ends: &[char] = if special {
        &['/', '?', '#', '\\']
    } else {
        &['/', '?', '#']
    };
    let authority = rest.split(ends).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_port(host_port);
    if host.is_empty() {
        if special || port.is_some() {
            return Err(UrlError::EmptyHost);
        }
        return Ok((None, None));
    }
    let host = if special {
        special_host(host)?
    } else {
        opaque_host(host)?
    };
    let port = match port {
        Some(p) => parse_port(p)?,
        None => None,
    };
    Ok((Some(host), port))
}

/// `host[:port]`, splitting at the first `:` outside an IPv6 literal's brackets.
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    let mut in_brackets = false;
    for (i, c) in host_port.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => return (&host_port[..i], Some(&host_port[i + 1..])),
            _ => {}
        }
    }
    (host_port, None)
}

/// Digits only; empty means no port.
fn parse_port(port: &str) -> Result<Option<u16>, UrlError> {
    if port.is_empty() {
        return Ok(None);
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UrlError::InvalidPort);
    }
    // Leading zeros are allowed (`:0080`), so the digit count alone does not bound the value.
    let digits = port.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(UrlError::InvalidPort);
    }
    let value: u32 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| UrlError::InvalidPort)?
    };
    u16::try_from(value)
        .map(Some)
        .map_err(|_| UrlError::InvalidPort)
}

/// The host of a special URL: an IPv6 literal, or a domain that may turn out to be IPv4.
fn special_host(host: &str) -> Result<Host, UrlError> {
    if let Some(inner) = host.strip_prefix('[') {
        return ipv6(inner);
    }
    if let Some(c) = host.chars().find(|&c| forbidden_in_domain(c)) {
        return Err(match c {
            '%' => UrlError::PercentEncodedHost,
            _ => UrlError::ForbiddenHostChar(c),
        });
    }
    let domain = host.to_ascii_lowercase();
    if ends_in_a_number(&domain) {
        return ipv4(&domain).map(Host::Ipv4);
    }
    Ok(Host::Domain(domain))
}

/// The host of a URL of another scheme: kept as written, but some characters cannot be in it.
fn opaque_host(host: &str) -> Result<Host, UrlError> {
    if let Some(inner) = host.strip_prefix('[') {
        return ipv6(inner);
    }
    match host.chars().find(|&c| forbidden_in_host(c)) {
        Some(c) => Err(UrlError::ForbiddenHostChar(c)),
        None => Ok(Host::Domain(host.to_owned())),
    }
}

fn ipv6(inner: &str) -> Result<Host, UrlError> {
    let address = inner.strip_suffix(']').ok_or(UrlError::InvalidIpv6)?;
    address
        .parse::<Ipv6Addr>()
        .map(Host::Ipv6)
        .map_err(|_| UrlError::InvalidIpv6)
}

/// The standard's forbidden host code points.
fn forbidden_in_host(c: char) -> bool {
    matches!(
        c,
        '\0' | '\t'
            | '\n'
            | '\r'
            | ' '
            | '#'
            | '/'
            | ':'
            | '<'
            | '>'
            | '?'
            | '@'
            | '['
            | '\\'
            | ']'
            | '^'
            | '|'
    )
}

/// Forbidden domain code points, plus the non-ASCII characters IDNA would drop or map silently.
fn forbidden_in_domain(c: char) -> bool {
    forbidden_in_host(c)
        || c == '%'
        || c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '\u{ad}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{feff}'
                | '\u{fffd}'
        )
        || fullwidth_of(c).is_some_and(|a| a == '%' || forbidden_in_host(a))
}

/// The ASCII character a fullwidth form (`％`, `／`) stands for; IDNA maps one to the other.
fn fullwidth_of(c: char) -> Option<char> {
    let code = u32::from(c);
    (0xff01..=0xff5e)
        .contains(&code)
        .then(|| char::from_u32(code - 0xfee0))
        .flatten()
}

/// Whether the last label is a number, which makes the host an IPv4 address or invalid.
fn ends_in_a_number(domain: &str) -> bool {
    let mut labels: Vec<&str> = domain.split('.').collect();
    if labels.last() == Some(&"") {
        if labels.len() == 1 {
            return false;
        }
        labels.pop();
    }
    let last = labels.last().copied().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    ipv4_number(last).is_some()
}

/// The standard's IPv4 parser: up to four parts, each decimal, octal (`0` prefix) or hex (`0x`).
fn ipv4(domain: &str) -> Result<Ipv4Addr, UrlError> {
    let mut parts: Vec<&str> = domain.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 {
        return Err(UrlError::InvalidIpv4);
    }
    let numbers = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()
        .ok_or(UrlError::InvalidIpv4)?;
    let (last, init) = numbers.split_last().ok_or(UrlError::InvalidIpv4)?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return Err(UrlError::InvalidIpv4);
    }
    let high = init
        .iter()
        .enumerate()
        .map(|(i, &n)| n << (8 * (3 - i)))
        .sum::<u64>();
    u32::try_from(high + last)
        .map(Ipv4Addr::from)
        .map_err(|_| UrlError::InvalidIpv4)
}

/// One IPv4 part; `None` when it is not a number in its radix (or too large to matter).
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or(part.strip_prefix("0X")) {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Any value past 2^32 is invalid wherever it stands; saturating keeps huge inputs cheap.
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 12 {
        return Some(u64::MAX);
    }
    Some(u64::from_str_radix(digits, radix).unwrap_or(u64::MAX))
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
