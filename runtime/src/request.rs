//! What a caller asks for ([`Request`]) and what resolution gives back ([`Resolved`]: the model,
//! how it was chosen, the [`Endpoint`] and the key).

use std::borrow::Cow;
use std::fmt;

use llmcfg_core::vocab::Provider;

use crate::key::{ApiKey, KeySource};
use crate::select::Needs;
use crate::{Alias, Backend, BackendKind, Hosting, Op, Transport};

/// What a caller asks for: a model (alias or `provider/model`; `None` for the default), and
/// what the backend must support.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request<'a> {
    pub(crate) model: Option<&'a str>,
    /// The typed constant `model` came from, whose position saves the search.
    pub(crate) alias: Option<&'a Alias>,
    pub(crate) op: Option<Op>,
    features: &'a [&'a str],
    transports: &'a [Transport],
}

impl<'a> Request<'a> {
    /// The default model, any op.
    pub const fn new() -> Self {
        Self {
            model: None,
            alias: None,
            op: None,
            features: &[],
            transports: &[],
        }
    }
    /// Asks for an alias (case-insensitive) or a raw `provider/model`.
    pub const fn model(mut self, model: &'a str) -> Self {
        self.model = Some(model);
        self.alias = None;
        self
    }
    /// Asks for a typed alias constant (`aliases::FAST`): resolved without a search when it
    /// belongs to the resolver's config, else by its name.
    pub fn alias(mut self, alias: &'a Alias) -> Self {
        self.model = Some(alias.name());
        self.alias = Some(alias);
        self
    }
    /// Requires a backend serving `op`.
    pub const fn op(mut self, op: Op) -> Self {
        self.op = Some(op);
        self
    }
    /// Requires a backend declaring every one of `features`.
    pub const fn features(mut self, features: &'a [&'a str]) -> Self {
        self.features = features;
        self
    }
    /// Requires a backend reachable over every one of `transports`.
    pub const fn transports(mut self, transports: &'a [Transport]) -> Self {
        self.transports = transports;
        self
    }
    /// The model asked for.
    pub fn requested_model(&self) -> Option<&'a str> {
        self.model
    }
    pub(crate) fn needs(&self) -> Needs<'a> {
        Needs {
            op: self.op,
            features: self.features,
            transports: self.transports,
        }
    }
}

impl<'a> From<&'a str> for Request<'a> {
    fn from(model: &'a str) -> Self {
        Request::new().model(model)
    }
}

impl<'a> From<Option<&'a str>> for Request<'a> {
    fn from(model: Option<&'a str>) -> Self {
        Request {
            model,
            ..Request::new()
        }
    }
}

/// A generated alias constant: `resolver.resolve(aliases::FAST)`.
impl<'a> From<&'a Alias> for Request<'a> {
    fn from(alias: &'a Alias) -> Self {
        Request::new().alias(alias)
    }
}

impl<'a> From<&'a String> for Request<'a> {
    fn from(model: &'a String) -> Self {
        Request::new().model(model)
    }
}

/// How the model of a request was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selection {
    /// The request named it.
    Explicit,
    /// `LLMCFG_DEFAULT_MODEL`.
    EnvDefault,
    /// The `default` of `LLMCFG_MODEL_REGISTRY`.
    RegistryDefault,
    /// The config's `default_alias`.
    DefaultAlias,
    /// The only alias there is.
    OnlyAlias,
}

impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Selection::Explicit => "requested",
            Selection::EnvDefault => "from LLMCFG_DEFAULT_MODEL",
            Selection::RegistryDefault => "from the LLMCFG_MODEL_REGISTRY default",
            Selection::DefaultAlias => "from default_alias",
            Selection::OnlyAlias => "the only alias",
        })
    }
}

/// The endpoint a request goes to: a configured backend or a provider's built-in endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// A `[[llm.backends]]` entry.
    Configured(&'a Backend),
    /// The built-in endpoint of a known provider.
    Builtin(&'static Provider),
}

impl<'a> Endpoint<'a> {
    /// The backend's name, or the provider's for a built-in endpoint.
    pub fn name(&self) -> &'a str {
        match *self {
            Endpoint::Configured(b) => b.name(),
            Endpoint::Builtin(p) => p.name,
        }
    }
    /// The base URL.
    pub fn base_url(&self) -> &'a str {
        match *self {
            Endpoint::Configured(b) => b.base_url(),
            Endpoint::Builtin(p) => p.base_url,
        }
    }
    /// The protocol.
    pub fn kind(&self) -> BackendKind {
        match self {
            Endpoint::Configured(b) => b.kind(),
            Endpoint::Builtin(p) => p.kind,
        }
    }
    /// Where it runs.
    pub fn hosting(&self) -> Hosting {
        match self {
            Endpoint::Configured(b) => b.hosting(),
            Endpoint::Builtin(p) => p.hosting,
        }
    }
    /// The configured backend, unless this is a built-in endpoint.
    pub fn backend(&self) -> Option<&'a Backend> {
        match *self {
            Endpoint::Configured(b) => Some(b),
            Endpoint::Builtin(_) => None,
        }
    }
    /// The header the raw key goes in when the backend sets `auth_header`.
    pub fn auth_header(&self) -> Option<&'a str> {
        self.backend().and_then(Backend::auth_header)
    }
    /// The backend's static headers; none for a built-in endpoint.
    pub fn headers(&self) -> &'a [(Cow<'static, str>, Cow<'static, str>)] {
        self.backend().map_or(&[], Backend::headers)
    }
    /// Whether this is a provider's built-in endpoint.
    pub fn is_builtin(&self) -> bool {
        matches!(self, Endpoint::Builtin(_))
    }
    pub(crate) fn label(&self) -> String {
        match self {
            Endpoint::Configured(b) => b.name().to_string(),
            Endpoint::Builtin(p) => format!("built-in {}", p.name),
        }
    }
}

/// Shows the base URL with its userinfo redacted: `https://[REDACTED]@host/v1`.
impl fmt::Display for Endpoint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Configured(b) => {
                write!(f, "{} ({})", b.name(), RedactedUrl(b.base_url()))
            }
            Endpoint::Builtin(p) => write!(f, "built-in {} ({})", p.name, RedactedUrl(p.base_url)),
        }
    }
}

/// A URL displayed with any userinfo (`user:password@`) replaced by `[REDACTED]@`: a password
/// there is a key. The authority ends at the first `/`, `?` or `#` after `://` and the userinfo
/// at its last `@`, as URL parsers read it; a `\` does not end it, so more is redacted, never
/// less.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RedactedUrl<'a>(pub(crate) &'a str);

impl RedactedUrl<'_> {
    /// Where the userinfo ends (the index of its `@`) and where it starts, if there is one.
    fn userinfo(&self) -> Option<(usize, usize)> {
        let start = self.0.find("://")? + 3;
        let rest = &self.0[start..];
        let authority = rest.find(['/', '?', '#']).map_or(rest, |end| &rest[..end]);
        authority.rfind('@').map(|at| (start, start + at))
    }
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.userinfo() {
            Some((start, at)) => {
                write!(f, "{}[REDACTED]{}", &self.0[..start], &self.0[at..])
            }
            None => f.write_str(self.0),
        }
    }
}

/// The outcome of a resolution: the model, the endpoint and the key. `Debug` and `Display`
/// never show the key.
#[derive(Clone, Debug)]
pub struct Resolved<'a> {
    pub(crate) selection: Selection,
    pub(crate) alias: Option<&'a Alias>,
    pub(crate) model: &'a str,
    pub(crate) provider: &'a str,
    pub(crate) model_name: &'a str,
    pub(crate) endpoint: Endpoint<'a>,
    pub(crate) key: Option<ApiKey>,
    pub(crate) key_source: Option<KeySource<'a>>,
}

impl<'a> Resolved<'a> {
    /// How the model was chosen.
    pub fn selection(&self) -> Selection {
        self.selection
    }
    /// The alias, when the model was an alias.
    pub fn alias(&self) -> Option<&'a Alias> {
        self.alias
    }
    /// The full `provider/model` string.
    pub fn model(&self) -> &'a str {
        self.model
    }
    /// The provider part.
    pub fn provider(&self) -> &'a str {
        self.provider
    }
    /// The model part: what to send as `model` in the request body.
    pub fn model_name(&self) -> &'a str {
        self.model_name
    }
    /// Where to send the request.
    pub fn endpoint(&self) -> Endpoint<'a> {
        self.endpoint
    }
    /// The configured backend, unless the provider's built-in endpoint was chosen.
    pub fn backend(&self) -> Option<&'a Backend> {
        self.endpoint.backend()
    }
    /// The base URL to send the request to.
    pub fn base_url(&self) -> &'a str {
        self.endpoint.base_url()
    }
    /// The API key; `None` for a no-auth backend.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.key.as_ref()
    }
    /// Takes the API key out.
    pub fn into_api_key(self) -> Option<ApiKey> {
        self.key
    }
    /// Where the key was found.
    pub fn key_source(&self) -> Option<KeySource<'a>> {
        self.key_source
    }
}

impl fmt::Display for Resolved<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.model)?;
        if let Some(alias) = self.alias {
            write!(f, " (alias `{}`, {})", alias.name(), self.selection)?;
        }
        write!(f, " via {}", self.endpoint)?;
        match self.key_source {
            Some(source) => write!(f, ", key from {source}"),
            None => f.write_str(", no key"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_from_strings() {
        let req: Request<'_> = "fast".into();
        assert_eq!(req.requested_model(), Some("fast"));
        let req: Request<'_> = None.into();
        assert_eq!(req, Request::new());
        use crate::config::construct::{self, AliasParts};
        use std::borrow::Cow::Borrowed as B;
        let alias = construct::alias(AliasParts {
            name: B("fast"),
            model: B("openai/gpt-5-nano"),
            secret: None,
            backend: None,
            candidates: B(&[]),
            position: 0,
            fallbacks: B(&[]),
            calls: crate::call::CallOverrides::NONE,
        });
        let typed = Request::from(&alias);
        assert_eq!(typed.requested_model(), Some("fast"));
        assert!(typed.alias.is_some_and(|a| std::ptr::eq(a, &alias)));
        assert_eq!(
            typed.model("slow").alias,
            None,
            "a string request drops the constant"
        );
        let req = Request::new().op(Op::Embeddings).features(&["x"]);
        assert_eq!(req.needs().op, Some(Op::Embeddings));
    }

    #[test]
    fn userinfo_is_redacted_wherever_a_url_is_shown() {
        for (url, shown) in [
            ("https://user:sk-pass@host/v1", "https://[REDACTED]@host/v1"),
            ("https://sk-token@host", "https://[REDACTED]@host"),
            (
                "http://a@b:sk@127.0.0.1:8080/v1?x=@y",
                "http://[REDACTED]@127.0.0.1:8080/v1?x=@y",
            ),
            ("http://evil\\@host/v1", "http://[REDACTED]@host/v1"),
            ("https://host/v1/@path", "https://host/v1/@path"),
            ("https://host?q=a@b", "https://host?q=a@b"),
            ("not a url @ all", "not a url @ all"),
        ] {
            assert_eq!(RedactedUrl(url).to_string(), shown, "{url}");
        }
    }
}
