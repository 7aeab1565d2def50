//! Diagnostics about what a backend can do: the ops and transports of its kind, its weight,
//! and its URL (well formed, a scheme the kind speaks, no key sent in clear), and the URL of
//! Ollama discovery.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::suggest;
use crate::vocab::{BackendKind, Op, Transport};

/// `no-ops`: `what` (`backend \`x\``) lists no op; `kind` is its kind when that is known.
pub(crate) fn no_ops(span: Span, what: &str, kind: Option<BackendKind>) -> Diagnostic {
    let help = match kind {
        Some(kind) => {
            let served = suggest::one_of(kind.ops().iter().map(|o| o.as_str()));
            format!(
                "list what it serves, e.g. `ops = [\"{}\"]`; backends of kind `{kind}` can serve {served}",
                kind.ops()[0],
            )
        }
        None => "list what it serves, e.g. `ops = [\"chat_completions\"]`".to_string(),
    };
    Diagnostic::new(Code::NoOps, span, format!("{what} serves no op"))
        .with_label("no ops listed")
        .with_help(help)
}

/// `unsupported-op`: backend `backend` of `kind` (written at `kind_span`) lists `op`.
pub(crate) fn unsupported_op(
    span: Span,
    backend: &str,
    (kind, kind_span): (BackendKind, Span),
    op: Op,
) -> Diagnostic {
    let served = suggest::one_of(kind.ops().iter().map(|o| o.as_str()));
    Diagnostic::new(
        Code::UnsupportedOp,
        span,
        format!("backend `{backend}` of kind `{kind}` cannot serve `{op}`"),
    )
    .with_label(format!("`{kind}` does not serve this op"))
    .with_related(kind_span, format!("the kind is `{kind}` here"))
    .with_help(format!("remove `\"{op}\"`; `{kind}` serves {served}"))
}

/// `unsupported-transport`.
pub(crate) fn unsupported_transport(
    span: Span,
    backend: &str,
    kind: BackendKind,
    transport: Transport,
) -> Diagnostic {
    let usable = suggest::one_of(kind.transports().iter().map(|t| t.as_str()));
    Diagnostic::new(
        Code::UnsupportedTransport,
        span,
        format!("backend `{backend}` of kind `{kind}` cannot use transport `{transport}`"),
    )
    .with_label(format!("`{kind}` does not use this transport"))
    .with_help(format!("use {usable}"))
}

/// `zero-weight`.
pub(crate) fn zero_weight(span: Span, backend: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ZeroWeight,
        span,
        format!("backend `{backend}` has weight 0 and is never picked while others can serve"),
    )
    .with_label("weight = 0")
    .with_help("give it a positive weight (the default is 100), or remove the backend")
}

/// Whose URL is not a URL.
#[derive(Clone, Copy, Debug)]
pub(crate) enum InvalidUrl<'a> {
    /// The `base_url` of backend `name`, of `kind`.
    Backend {
        name: &'a str,
        kind: BackendKind,
        url: &'a str,
    },
    /// The `base_url` of Ollama discovery.
    Discovery { url: &'a str },
}

/// `invalid-url`.
pub(crate) fn invalid_url(span: Span, what: InvalidUrl<'_>) -> Diagnostic {
    let (name, kind, url) = match what {
        InvalidUrl::Discovery { url } => {
            return Diagnostic::new(
                Code::InvalidUrl,
                span,
                format!("discovery `base_url` `{url}` is not an http(s) URL"),
            )
            .with_label("expected `http://host:port`")
            .with_help("write `base_url = \"http://127.0.0.1:11434\"`");
        }
        InvalidUrl::Backend { name, kind, url } => (name, kind, url),
    };
    let example = match kind {
        // A URL written without its scheme only lacks `https://`.
        _ if !url.is_empty() && !url.contains("://") => format!("https://{url}"),
        BackendKind::OpenaiChatCompletion | BackendKind::OpenaiRealtimeWs => {
            "https://api.openai.com/v1".to_string()
        }
        BackendKind::AnthropicMessages => "https://api.anthropic.com/v1".to_string(),
        BackendKind::OllamaChat => "http://127.0.0.1:11434".to_string(),
        BackendKind::Stub => "stub://echo".to_string(),
    };
    let message = if url.is_empty() {
        format!("`base_url` of backend `{name}` is empty")
    } else {
        format!("`base_url` `{url}` of backend `{name}` is not a URL")
    };
    Diagnostic::new(Code::InvalidUrl, span, message)
        .with_label("expected `scheme://host[:port]/path`")
        .with_help(format!(
            "write an absolute URL, e.g. `base_url = \"{example}\"`"
        ))
}

/// `unsupported-url-scheme`.
pub(crate) fn unsupported_url_scheme(
    span: Span,
    backend: &str,
    kind: BackendKind,
    scheme: &str,
) -> Diagnostic {
    let usable = suggest::one_of(kind.schemes().iter().copied());
    Diagnostic::new(
        Code::UnsupportedUrlScheme,
        span,
        format!("backend `{backend}` of kind `{kind}` cannot use `{scheme}://`"),
    )
    .with_label(format!("`{scheme}` is not a scheme `{kind}` speaks"))
    .with_help(format!("use {usable}"))
}

/// `insecure-url`: backend `backend` sends its key over plain `scheme://` (`url`) to `host`.
pub(crate) fn insecure_url(
    span: Span,
    backend: &str,
    (scheme, host): (&str, &str),
    url: &str,
) -> Diagnostic {
    let secure = if scheme == "ws" { "wss" } else { "https" };
    let fixed = url.replacen(scheme, secure, 1);
    Diagnostic::new(
        Code::InsecureUrl,
        span,
        format!("backend `{backend}` would send its API key in clear to `{host}`"),
    )
    .with_label(format!(
        "plain `{scheme}://` to a host that is not this machine"
    ))
    .with_help(format!(
        "use `base_url = \"{fixed}\"`; plain `{scheme}://` is fine only for loopback addresses"
    ))
}

/// `remote-discovery-url`.
pub(crate) fn remote_discovery_url(span: Span, host: &str) -> Diagnostic {
    Diagnostic::new(
        Code::RemoteDiscoveryUrl,
        span,
        format!(
            "Ollama discovery points at non-loopback host `{host}` while `allow_remote = false`"
        ),
    )
    .with_label("not this machine")
    .with_help("use `base_url = \"http://127.0.0.1:11434\"`, or set `allow_remote = true` if importing from that host is intended")
}

/// What is wrong with a header a backend names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    /// Not an RFC 9110 token.
    NotAName,
    /// A header the runtime or the HTTP client sets itself.
    Reserved,
    /// The same header twice (names ignore case).
    Repeated,
    /// A control character (CR, LF, …) in the value.
    ControlCharacter,
}

/// `invalid-header`: header `name` given in `key` (`auth_header`, `headers`).
pub(crate) fn invalid_header(
    span: Span,
    key: &str,
    name: &str,
    problem: HeaderProblem,
) -> Diagnostic {
    let (message, label, help) = match problem {
        HeaderProblem::NotAName => (
            format!("`{name}` in `{key}` is not an HTTP header name"),
            "letters, digits and `!#$%&'*+.^_`|~-` only".to_string(),
            "write the header's name without spaces, colons or quotes inside, e.g. `api-key`"
                .to_string(),
        ),
        HeaderProblem::Reserved => (
            format!("`{key}` cannot set `{name}`"),
            "the runtime sets this header itself".to_string(),
            format!(
                "remove `{name}`: the key goes in the kind's auth header, or in the one `auth_header` \
                 names, and the body's headers come from the request"
            ),
        ),
        HeaderProblem::Repeated => (
            format!("`{name}` is set twice in `{key}`"),
            "header names ignore case".to_string(),
            format!("keep one `{name}`"),
        ),
        HeaderProblem::ControlCharacter => (
            format!("the value of header `{name}` holds a control character"),
            "a line break would start another header".to_string(),
            "write the value on one line, without control characters".to_string(),
        ),
    };
    Diagnostic::new(Code::InvalidHeader, span, message)
        .with_label(label)
        .with_help(help)
}
