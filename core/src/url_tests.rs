//! Cases for the `base_url` reader: every URL the corpus and the rule tests use, the loopback
//! tricks of SECURITY.md, and host cases from the WHATWG URL test data (`urltestdata.json`,
//! `toascii.json`, `IdnaTestV2`), checked against the standard's outcome. Where this reader is
//! deliberately stricter than the standard, the case says so.

use super::{Host, Url, UrlError};
use std::net::{Ipv4Addr, Ipv6Addr};

fn domain(name: &str) -> Option<Host> {
    Some(Host::Domain(name.to_owned()))
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> Option<Host> {
    Some(Host::Ipv4(Ipv4Addr::new(a, b, c, d)))
}

fn v6(text: &str) -> Option<Host> {
    text.parse::<Ipv6Addr>().ok().map(Host::Ipv6)
}

/// `(input, scheme, host, port)` for URLs that parse.
fn valid() -> Vec<(&'static str, &'static str, Option<Host>, Option<u16>)> {
    vec![
        // The corpus and the rule tests.
        (
            "https://api.openai.com/v1",
            "https",
            domain("api.openai.com"),
            None,
        ),
        (
            "https://api.openai.com/v1/",
            "https",
            domain("api.openai.com"),
            None,
        ),
        (
            "https://api.openai.com:443/v1",
            "https",
            domain("api.openai.com"),
            Some(443),
        ),
        (
            "https://api.anthropic.com/v1",
            "https",
            domain("api.anthropic.com"),
            None,
        ),
        (
            "https://my-resource.openai.azure.enai",
            "https",
            domain("my-resource.openai.azure.enai"),
            None,
        ),
        (
            "https://deploy-user@gateway.example.com/v1",
            "https",
            domain("gateway.example.com"),
            None,
        ),
        (
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "https",
            domain("generativelanguage.googleapis.com"),
            None,
        ),
        (
            "http://10.0.0.10:8000/v1",
            "http",
            v4(10, 0, 0, 10),
            Some(8000),
        ),
        (
            "http://127.0.0.1:11434",
            "http",
            v4(127, 0, 0, 1),
            Some(11434),
        ),
        (
            "http://gpu-box.internal:8000/v1",
            "http",
            domain("gpu-box.internal"),
            Some(8000),
        ),
        (
            "http://localhost:4000/v1",
            "http",
            domain("localhost"),
            Some(4000),
        ),
        ("http://[::1]:4000/v1", "http", v6("::1"), Some(4000)),
        (
            "ftp://files.example.com/v1",
            "ftp",
            domain("files.example.com"),
            None,
        ),
        ("stub://echo", "stub", domain("echo"), None),
        (
            "wss://api.openai.com/v1/realtime",
            "wss",
            domain("api.openai.com"),
            None,
        ),
        (
            "wss://api.anthropic.com/v1",
            "wss",
            domain("api.anthropic.com"),
            None,
        ),
        (
            "ws://10.1.2.3:8080/realtime",
            "ws",
            v4(10, 1, 2, 3),
            Some(8080),
        ),
        // SECURITY.md: a DNS name starting with `127.` is a name; `\` ends the authority.
        (
            "http://127.evil.example/v1",
            "http",
            domain("127.evil.example"),
            None,
        ),
        (
            "http://127.0.0.1.nip.io/v1",
            "http",
            domain("127.0.0.1.nip.io"),
            None,
        ),
        (
            "http://localhost.evil.example/v1",
            "http",
            domain("localhost.evil.example"),
            None,
        ),
        (
            "http://evil.example\\@127.0.0.1/v1",
            "http",
            domain("evil.example"),
            None,
        ),
        (
            "http://evil.example\\@localhost:8080/v1",
            "http",
            domain("evil.example"),
            None,
        ),
        ("http://user@127.0.0.1/v1", "http", v4(127, 0, 0, 1), None),
        (
            "http://user:pa:ss@127.0.0.1/",
            "http",
            v4(127, 0, 0, 1),
            None,
        ),
        ("http://a@b@c/", "http", domain("c"), None),
        ("http://LOCALHOST/v1", "http", domain("localhost"), None),
        (
            "HTTPS://API.OpenAI.COM/v1",
            "https",
            domain("api.openai.com"),
            None,
        ),
        // Schemes other than the special ones keep an opaque host, case and all.
        ("STUB://Echo", "stub", domain("Echo"), None),
        ("stub:echo", "stub", None, None),
        ("foo://%41/", "foo", domain("%41"), None),
        ("foo://[::1]:9/", "foo", v6("::1"), Some(9)),
        ("foo:///x", "foo", None, None),
        ("git+ssh://host/x", "git+ssh", domain("host"), None),
        ("unix:/run/foo.socket", "unix", None, None),
        ("data:text/plain,Stuff", "data", None, None),
        ("localhost:11434", "localhost", None, None),
        // `file:` hosts: `localhost` or nothing is no host.
        ("file:///tmp/x", "file", None, None),
        ("file://localhost/tmp", "file", None, None),
        ("file://server/share", "file", domain("server"), None),
        ("file:/tmp/x", "file", None, None),
        // WHATWG: special schemes skip any run of `/` and `\` before the authority.
        ("http:example.com/x", "http", domain("example.com"), None),
        ("http:\\\\example.com", "http", domain("example.com"), None),
        (
            "https:////example.com",
            "https",
            domain("example.com"),
            None,
        ),
        ("http:///example.com/", "http", domain("example.com"), None),
        (
            "http://\\@example.com/",
            "http",
            domain("example.com"),
            None,
        ),
        // WHATWG: C0 and space trimmed at the ends, tabs and newlines removed anywhere.
        (
            "  https://example.com  ",
            "https",
            domain("example.com"),
            None,
        ),
        (
            "\u{1}https://example.com\u{1f}",
            "https",
            domain("example.com"),
            None,
        ),
        (
            "https://exa\tmple.com",
            "https",
            domain("example.com"),
            None,
        ),
        (
            "https://ex\nam\rple.com",
            "https",
            domain("example.com"),
            None,
        ),
        ("ht\ttp://example.com", "http", domain("example.com"), None),
        // Ports.
        ("http://host:/", "http", domain("host"), None),
        ("http://host:0/", "http", domain("host"), Some(0)),
        ("http://host:65535/", "http", domain("host"), Some(65535)),
        ("http://host:0080/", "http", domain("host"), Some(80)),
        (
            "http://host:00000000000000080/",
            "http",
            domain("host"),
            Some(80),
        ),
        ("http://[::1]:8080/v1", "http", v6("::1"), Some(8080)),
        // WHATWG IPv4: short forms, hex, octal, a trailing dot.
        ("http://127.1/", "http", v4(127, 0, 0, 1), None),
        ("http://127.1.2.3/v1", "http", v4(127, 1, 2, 3), None),
        ("http://0x7f.1/", "http", v4(127, 0, 0, 1), None),
        ("http://0X7F000001/", "http", v4(127, 0, 0, 1), None),
        ("http://2130706433/", "http", v4(127, 0, 0, 1), None),
        ("http://0177.0.0.1/", "http", v4(127, 0, 0, 1), None),
        ("http://127.0.0.1./", "http", v4(127, 0, 0, 1), None),
        ("http://0x/", "http", v4(0, 0, 0, 0), None),
        ("http://4294967295/", "http", v4(255, 255, 255, 255), None),
        ("http://192.0x00A80001/", "http", v4(192, 168, 0, 1), None),
        ("http://0xc0.0250.01/", "http", v4(192, 168, 0, 1), None),
        (
            "http://1.2.3.4.example/",
            "http",
            domain("1.2.3.4.example"),
            None,
        ),
        // WHATWG IPv6 literals.
        ("http://[0:0:0:0:0:0:0:1]/", "http", v6("::1"), None),
        (
            "http://[::ffff:127.0.0.1]/",
            "http",
            v6("::ffff:7f00:1"),
            None,
        ),
        ("http://[2001:DB8::1]/", "http", v6("2001:db8::1"), None),
        ("http://[::]/", "http", v6("::"), None),
        // Domains: ASCII lower-cased, other ASCII the standard allows kept.
        ("http://a..b/", "http", domain("a..b"), None),
        (
            "http://_dmarc.Example/",
            "http",
            domain("_dmarc.example"),
            None,
        ),
        ("http://example.com?x", "http", domain("example.com"), None),
        (
            "http://example.com#frag",
            "http",
            domain("example.com"),
            None,
        ),
        (
            "http://example.com/ path with spaces",
            "http",
            domain("example.com"),
            None,
        ),
        // Not mapped through IDNA: kept as written.
        (
            "http://bücher.example/",
            "http",
            domain("bücher.example"),
            None,
        ),
        ("http://日本.example/", "http", domain("日本.example"), None),
    ]
}

/// Inputs that are not absolute URLs with a readable host, and why.
fn invalid() -> Vec<(&'static str, UrlError)> {
    use UrlError::*;
    vec![
        // The corpus.
        ("", NoScheme),
        ("api.openai.com/v1", NoScheme),
        ("127.0.0.1:11434", NoScheme),
        (
            "ht[spearlet.llm.discovery.ollama]tps://my-resource.openai.azure.com/openai/v1",
            NoScheme,
        ),
        ("https://", EmptyHost),
        ("http://[::1", InvalidIpv6),
        ("://", NoScheme),
        ("/", NoScheme),
        ("1http://example.com", NoScheme),
        ("h_ttp://example.com", NoScheme),
        ("http://", EmptyHost),
        ("http:///", EmptyHost),
        ("http://user@/", EmptyHost),
        ("http://user:pass@", EmptyHost),
        ("http://:80/", EmptyHost),
        ("foo://:80/", EmptyHost),
        // Ports.
        ("http://host:65536/", InvalidPort),
        ("http://host:99999999999999999999/", InvalidPort),
        ("http://host:8o/", InvalidPort),
        ("http://host:-1/", InvalidPort),
        ("http://host:80:80/", InvalidPort),
        ("http://host: 80/", InvalidPort),
        ("http://[::1]:99999/", InvalidPort),
        // WHATWG IPv6.
        ("http://[::1]x/", InvalidIpv6),
        ("http://[1:2:3:4:5:6:7:8:9]/", InvalidIpv6),
        ("http://[::1%25eth0]/", InvalidIpv6),
        ("http://[127.0.0.1]/", InvalidIpv6),
        ("http://[1::2::3]/", InvalidIpv6),
        ("http://[::ffff:127.0.0.0001]/", InvalidIpv6),
        ("foo://[::1/", InvalidIpv6),
        // WHATWG IPv4: a host ending in a number must be an address.
        ("http://1.2.3.4.5/", InvalidIpv4),
        ("http://256.0.0.1/", InvalidIpv4),
        ("http://4294967296/", InvalidIpv4),
        ("http://999999999999999999999/", InvalidIpv4),
        ("http://1.2.3.09/", InvalidIpv4),
        ("http://0x100.0.0.1/", InvalidIpv4),
        ("http://1.2.65536/", InvalidIpv4),
        ("http://foo.09/", InvalidIpv4),
        ("http://foo.0x4/", InvalidIpv4),
        ("http://example.123/", InvalidIpv4),
        ("http://0x1g.1/", InvalidIpv4),
        // Forbidden host code points.
        ("http://exa mple.com/", ForbiddenHostChar(' ')),
        ("http://exa<mple.com/", ForbiddenHostChar('<')),
        ("http://exa^mple.com/", ForbiddenHostChar('^')),
        ("http://exa|mple.com/", ForbiddenHostChar('|')),
        ("http://a]b/", ForbiddenHostChar(']')),
        ("http://a\u{0}b/", ForbiddenHostChar('\0')),
        ("http://bad\u{7f}.example/", ForbiddenHostChar('\u{7f}')),
        ("http://GOO\u{3000}goo.com/", ForbiddenHostChar('\u{3000}')),
        ("foo://exa mple/", ForbiddenHostChar(' ')),
        ("foo://a<b/", ForbiddenHostChar('<')),
        ("file://exa mple/", ForbiddenHostChar(' ')),
        // Stricter than the standard: percent-encoded hosts are not decoded.
        ("http://%6c%6fcalhost/", PercentEncodedHost),
        ("http://example%2ecom/", PercentEncodedHost),
        ("http://\u{ff05}41.com/", ForbiddenHostChar('\u{ff05}')),
        // Stricter than the standard: IDNA would drop these silently.
        (
            "http://zero\u{200b}width.example/",
            ForbiddenHostChar('\u{200b}'),
        ),
        ("http://bom\u{feff}.example/", ForbiddenHostChar('\u{feff}')),
        (
            "http://soft\u{ad}hyphen.example/",
            ForbiddenHostChar('\u{ad}'),
        ),
        ("http://rtl\u{202e}.example/", ForbiddenHostChar('\u{202e}')),
        ("http://ex\u{ff0f}ample.com/", ForbiddenHostChar('\u{ff0f}')),
    ]
}

#[test]
fn urls_that_parse_have_their_scheme_host_and_port() {
    for (input, scheme, host, port) in valid() {
        match Url::parse(input) {
            Ok(url) => {
                assert_eq!(url.scheme(), scheme, "{input:?}");
                assert_eq!(url.host(), host.as_ref(), "{input:?}");
                assert_eq!(url.has_host(), host.is_some(), "{input:?}");
                assert_eq!(url.port(), port, "{input:?}");
            }
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }
}

#[test]
fn urls_that_do_not_parse_say_why() {
    for (input, expected) in invalid() {
        assert_eq!(Url::parse(input), Err(expected.clone()), "{input:?}");
    }
}

#[test]
fn the_suite_covers_what_the_rules_rely_on() {
    // ~60+ cases as the issue asks; a shrinking table would be a silent loss of coverage.
    assert!(valid().len() + invalid().len() >= 120);
}

#[test]
fn a_huge_or_hostile_input_is_refused_without_panicking() {
    let long_port = format!("http://host:{}/", "9".repeat(10_000));
    assert_eq!(Url::parse(&long_port), Err(UrlError::InvalidPort));
    let long_number = format!("http://{}/", "7".repeat(10_000));
    assert_eq!(Url::parse(&long_number), Err(UrlError::InvalidIpv4));
    let many_dots = format!("http://{}1/", "1.".repeat(10_000));
    assert_eq!(Url::parse(&many_dots), Err(UrlError::InvalidIpv4));
    for input in [
        "é",
        "日本",
        "🚀",
        "\u{feff}",
        "\u{0}",
        "\u{10ffff}",
        "http://🚀/",
    ] {
        let _ = Url::parse(input);
    }
    assert!(Url::parse("http://🚀/").is_ok_and(|u| u.has_host()));
}

#[test]
fn errors_name_the_problem_without_echoing_the_url() {
    let e = Url::parse("https://user:sk-secret-0123456789@:80/").err();
    let shown = e.map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(shown, "the host is empty");
}
