//! SECURITY.md: plain `http://`/`ws://` with a credential attached is flagged unless the host is
//! this machine (`insecure-url`), and Ollama discovery may not reach another host without
//! `allow_remote = true` (`remote-discovery-url`, the SSRF guard). "This machine" means
//! `localhost` or a loopback IP literal, read the way URL parsers read the authority: neither a
//! DNS name that merely starts with `127.` nor a `\@` trick counts.

use llmcfg_core::{Options, check};

fn backend(url: &str) -> String {
    format!(
        r#"
[llm]
[[llm.credentials]]
name = "corp"
api_key_env = "CORP_API_KEY"

[[llm.backends]]
name = "corp"
kind = "openai_chat_completion"
base_url = '{url}'
credential_ref = "corp"
ops = ["chat_completions"]
"#
    )
}

fn discovery(url: &str) -> String {
    format!(
        r#"
[spearlet.llm.discovery.ollama]
enabled = true
base_url = '{url}'
"#
    )
}

fn codes(text: &str, options: &Options) -> Vec<&'static str> {
    check("llm.toml", text, options)
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

const REMOTE: &[&str] = &[
    "http://llm.corp.example/v1",
    "http://127.evil.example/v1",
    "http://127.0.0.1.nip.io/v1",
    "http://localhost.evil.example/v1",
    "http://evil.example\\@127.0.0.1/v1",
    "http://evil.example\\@localhost:8080/v1",
    "http://10.0.0.1:8080/v1",
];

const LOOPBACK: &[&str] = &[
    "http://127.0.0.1:8080/v1",
    "http://127.1.2.3/v1",
    "http://localhost:11434",
    "http://LOCALHOST/v1",
    "http://[::1]:8080/v1",
    "http://user@127.0.0.1/v1",
];

#[test]
fn plain_http_with_a_key_is_flagged_unless_the_host_is_loopback() {
    let options = Options::default();
    for url in REMOTE {
        let got = codes(&backend(url), &options);
        assert!(got.contains(&"insecure-url"), "{url}: {got:?}");
    }
    for url in LOOPBACK {
        let got = codes(&backend(url), &options);
        assert!(!got.contains(&"insecure-url"), "{url}: {got:?}");
    }
    let got = codes(&backend("https://llm.corp.example/v1"), &options);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn discovery_may_not_reach_another_host_without_allow_remote() {
    let options = Options::table("spearlet.llm");
    for url in REMOTE {
        let got = codes(&discovery(&url.replace("/v1", "")), &options);
        assert!(got.contains(&"remote-discovery-url"), "{url}: {got:?}");
    }
    for url in LOOPBACK {
        let got = codes(&discovery(&url.replace("/v1", "")), &options);
        assert!(!got.contains(&"remote-discovery-url"), "{url}: {got:?}");
    }
}
