//! The closed vocabularies of an llm config (kinds, ops, transports, policies, hosting) and the
//! table of built-in providers. Shared by the validator and the dependency-light runtime.

use core::fmt;

/// Declares a closed vocabulary: an enum whose variants map one-to-one onto the lowercase
/// snake-case words written in the TOML file.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word written in the TOML file.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The variant's Rust identifier (`OpenaiChatCompletion`), for generated code:
            /// fixed by this declaration, whatever `Debug` prints.
            pub const fn ident(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)+
                }
            }

            /// Parses the word written in the TOML file (exact, case-sensitive).
            pub fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every accepted word, for "expected one of" messages and suggestions.
            pub fn words() -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().map(|v| v.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The wire protocol a backend speaks.
    BackendKind {
        /// OpenAI-compatible HTTP API (`/chat/completions`, `/embeddings`, …).
        OpenaiChatCompletion => "openai_chat_completion",
        /// OpenAI realtime API over a websocket.
        OpenaiRealtimeWs => "openai_realtime_ws",
        /// Ollama's native chat API.
        OllamaChat => "ollama_chat",
        /// An in-process stub for tests; serves every op.
        Stub => "stub",
        /// Anthropic's Messages API.
        AnthropicMessages => "anthropic_messages",
    }
}

vocabulary! {
    /// An operation a backend can serve.
    Op {
        ChatCompletions => "chat_completions",
        Embeddings => "embeddings",
        ImageGeneration => "image_generation",
        SpeechToText => "speech_to_text",
        TextToSpeech => "text_to_speech",
        RealtimeVoice => "realtime_voice",
    }
}

vocabulary! {
    /// How requests reach a backend.
    Transport {
        Http => "http",
        Websocket => "websocket",
        Grpc => "grpc",
        InProcess => "in_process",
    }
}

vocabulary! {
    /// How one backend is picked among several that could serve a request.
    #[derive(Default)]
    Policy {
        /// Random pick, proportional to `weight`.
        #[default]
        WeightedRandom => "weighted_random",
        /// Highest `priority` tier first, weighted random inside the tier.
        Priority => "priority",
        /// Each candidate in turn.
        RoundRobin => "round_robin",
    }
}

vocabulary! {
    /// Where a backend runs.
    Hosting {
        Local => "local",
        Remote => "remote",
    }
}

vocabulary! {
    /// Where a credential's key comes from when its env var is not set.
    #[derive(Default)]
    CredentialKind {
        /// The env var named by `api_key_env`, then the linked `secret`.
        #[default]
        Env => "env",
        /// A file, typically a Kubernetes or Docker secret mount.
        File => "file",
        /// The standard output of a secret manager's CLI, run as argv without a shell.
        Command => "command",
        /// The OS credential store (Secret Service, Keychain, Credential Manager, the Linux
        /// kernel keyring), by `service` and `account`.
        Keyring => "keyring",
    }
}

vocabulary! {
    /// What a key command prints (`output = …` on a `kind = "command"` credential).
    #[derive(Default)]
    KeyOutput {
        /// The key on the first line of stdout.
        #[default]
        Line => "line",
        /// `{"api_key": "…", "expires_at": "<RFC 3339>"}` (AWS `credential_process` shape).
        Json => "json",
    }
}

vocabulary! {
    /// A class of failure retried on the same backend (`retry_on = [...]` in `[llm.calls]`).
    RetryClass {
        /// HTTP 429, honouring `Retry-After`.
        RateLimit => "rate_limit",
        /// HTTP 5xx.
        ServerError => "server_error",
        /// The attempt ran out of time.
        Timeout => "timeout",
        /// The connection could not be made.
        Connect => "connect",
    }
}

impl BackendKind {
    /// The ops this kind of backend is able to serve.
    pub const fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            BackendKind::OpenaiChatCompletion => &[
                ChatCompletions,
                Embeddings,
                ImageGeneration,
                SpeechToText,
                TextToSpeech,
            ],
            BackendKind::OpenaiRealtimeWs => &[SpeechToText, TextToSpeech, RealtimeVoice],
            BackendKind::OllamaChat => &[ChatCompletions, Embeddings],
            BackendKind::AnthropicMessages => &[ChatCompletions],
            BackendKind::Stub => Op::ALL,
        }
    }

    /// The transports this kind of backend can use.
    pub const fn transports(self) -> &'static [Transport] {
        use Transport::*;
        match self {
            BackendKind::OpenaiChatCompletion
            | BackendKind::OllamaChat
            | BackendKind::AnthropicMessages => &[Http],
            BackendKind::OpenaiRealtimeWs => &[Websocket],
            BackendKind::Stub => Transport::ALL,
        }
    }

    /// The URL schemes a `base_url` of this kind may use.
    pub const fn schemes(self) -> &'static [&'static str] {
        match self {
            BackendKind::OpenaiChatCompletion
            | BackendKind::OllamaChat
            | BackendKind::AnthropicMessages => &["https", "http"],
            // The realtime API is reached over wss, but configs (Spear's among them) name the
            // https base URL of the same API and derive the websocket URL from it.
            BackendKind::OpenaiRealtimeWs => &["wss", "ws", "https", "http"],
            BackendKind::Stub => &["stub", "https", "http"],
        }
    }

    /// Whether this kind can serve `op`.
    pub fn serves(self, op: Op) -> bool {
        self.ops().contains(&op)
    }
}

/// A provider llmcfg knows without configuration: the prefix of `provider/model` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The prefix, e.g. `openai` in `openai/gpt-5-nano`.
    pub name: &'static str,
    /// The standard env var holding the provider's API key; `None` for keyless providers.
    pub api_key_env: Option<&'static str>,
    /// The built-in endpoint used when no configured backend serves the provider.
    pub base_url: &'static str,
    /// The protocol of the built-in endpoint.
    pub kind: BackendKind,
    /// Where the built-in endpoint runs.
    pub hosting: Hosting,
}

const fn remote(name: &'static str, env: &'static str, base_url: &'static str) -> Provider {
    Provider {
        name,
        api_key_env: Some(env),
        base_url,
        kind: BackendKind::OpenaiChatCompletion,
        hosting: Hosting::Remote,
    }
}

/// The built-in providers, sorted by name.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "anthropic",
        api_key_env: Some("ANTHROPIC_API_KEY"),
        base_url: "https://api.anthropic.com/v1",
        kind: BackendKind::AnthropicMessages,
        hosting: Hosting::Remote,
    },
    remote("cerebras", "CEREBRAS_API_KEY", "https://api.cerebras.ai/v1"),
    remote(
        "deepseek",
        "DEEPSEEK_API_KEY",
        "https://api.deepseek.com/v1",
    ),
    remote(
        "fireworks",
        "FIREWORKS_API_KEY",
        "https://api.fireworks.ai/inference/v1",
    ),
    remote(
        "gemini",
        "GEMINI_API_KEY",
        "https://generativelanguage.googleapis.com/v1beta/openai",
    ),
    remote("groq", "GROQ_API_KEY", "https://api.groq.com/openai/v1"),
    remote("mistral", "MISTRAL_API_KEY", "https://api.mistral.ai/v1"),
    Provider {
        name: "ollama",
        api_key_env: None,
        base_url: "http://127.0.0.1:11434",
        kind: BackendKind::OllamaChat,
        hosting: Hosting::Local,
    },
    remote("openai", "OPENAI_API_KEY", "https://api.openai.com/v1"),
    remote(
        "openrouter",
        "OPENROUTER_API_KEY",
        "https://openrouter.ai/api/v1",
    ),
    remote(
        "perplexity",
        "PERPLEXITY_API_KEY",
        "https://api.perplexity.ai",
    ),
    remote(
        "together",
        "TOGETHER_API_KEY",
        "https://api.together.xyz/v1",
    ),
    remote("xai", "XAI_API_KEY", "https://api.x.ai/v1"),
];

/// Looks up a built-in provider by its exact (lowercase) name.
pub fn provider(name: &str) -> Option<&'static Provider> {
    PROVIDERS
        .binary_search_by(|p| p.name.cmp(name))
        .ok()
        .map(|i| &PROVIDERS[i])
}

/// The built-in provider a configured backend talks to, judged by the host of its `base_url`
/// and, failing that, by its kind (`anthropic_messages` is Anthropic, `ollama_chat` is Ollama).
pub fn provider_of_backend(kind: BackendKind, base_url: &str) -> Option<&'static Provider> {
    // The built-in hosts, read once: a config of thousands of backends asks for each.
    static HOSTS: std::sync::OnceLock<Vec<Option<&'static str>>> = std::sync::OnceLock::new();
    let hosts = HOSTS.get_or_init(|| PROVIDERS.iter().map(|p| url_host(p.base_url)).collect());
    if let Some(host) = url_host(base_url)
        && let Some((p, _)) = PROVIDERS
            .iter()
            .zip(hosts)
            .find(|(_, h)| h.is_some_and(|h| h.eq_ignore_ascii_case(host)))
        && p.kind != BackendKind::OllamaChat
    {
        return Some(p);
    }
    match kind {
        BackendKind::AnthropicMessages => provider("anthropic"),
        BackendKind::OllamaChat => provider("ollama"),
        _ => None,
    }
}

/// The host of a URL written as `scheme://host[:port][/path]`, without parsing it fully.
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    // `\` ends the authority too, as URL parsers (WHATWG, the `url` crate) read it in http(s)
    // and ws(s) URLs: `http://evil.example\@127.0.0.1/` goes to evil.example.
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']')?.0
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Whether `host` names this machine (loopback), where plain `http://` keeps a key local.
pub fn is_loopback_host(host: &str) -> bool {
    // An IP literal, not a prefix: `127.evil.example` is a DNS name like any other.
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Splits `provider/model` at the first `/`. Model parts may contain further slashes
/// (`openrouter/meta-llama/llama-3-70b`).
pub fn split_model(model: &str) -> Option<(&str, &str)> {
    model.split_once('/')
}

/// Whether a configured backend can serve `provider/model`: a backend bound to a model serves
/// that model only (named either way); an unbound backend serves every model of its provider.
pub fn backend_serves_model(
    backend_model: Option<&str>,
    backend_provider: Option<&str>,
    provider: &str,
    model: &str,
) -> bool {
    match backend_model {
        Some(bound) => match split_model(bound) {
            Some((p, m)) => p.eq_ignore_ascii_case(provider) && m == model,
            None => bound == model && backend_provider.is_none_or(|p| p == provider),
        },
        None => backend_provider == Some(provider),
    }
}

/// Whether `name` is an env-var name llmcfg accepts: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `name` is a valid alias name: `[a-z0-9][a-z0-9_-]*`.
pub fn is_alias_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// Whether `name` is a valid secret-store name: 1–128 chars of `[A-Za-z0-9_.-]`, not starting
/// with `.` (so it can never be `.`, `..` or a hidden file, and never contains a separator).
pub fn is_secret_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The Rust constant a config name becomes: uppercase, every run of non-alphanumerics as one
/// `_`, a leading digit prefixed with `_`. `openai-chat` and `openai_chat` both become
/// `OPENAI_CHAT`, which the validator reports as a collision.
pub fn const_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    let mut pending_sep = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(c.to_ascii_uppercase());
        } else {
            pending_sep = true;
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    if out.as_bytes()[0].is_ascii_digit() {
        out.insert(0, '_');
    }
    if out == "ALL" || out == "_" {
        // `ALL` is the list every generated module carries.
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for k in BackendKind::ALL {
            assert_eq!(BackendKind::from_word(k.as_str()), Some(*k));
        }
        assert_eq!(Op::from_word("chat_completions"), Some(Op::ChatCompletions));
        assert_eq!(Op::from_word("Chat_Completions"), None);
    }

    #[test]
    fn providers_are_sorted_for_binary_search() {
        assert!(PROVIDERS.windows(2).all(|w| w[0].name < w[1].name));
        for p in PROVIDERS {
            assert_eq!(provider(p.name), Some(p));
        }
        assert_eq!(provider("nope"), None);
    }

    #[test]
    fn backend_provider_from_host_then_kind() {
        let openai = provider_of_backend(
            BackendKind::OpenaiChatCompletion,
            "https://api.openai.com/v1",
        );
        assert_eq!(openai.map(|p| p.name), Some("openai"));
        let proxy = provider_of_backend(BackendKind::OpenaiChatCompletion, "http://127.0.0.1:4000");
        assert_eq!(proxy, None);
        let anthropic =
            provider_of_backend(BackendKind::AnthropicMessages, "https://proxy.internal");
        assert_eq!(anthropic.map(|p| p.name), Some("anthropic"));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://user:pw@api.openai.com:443/v1"),
            Some("api.openai.com")
        );
        assert_eq!(url_host("http://[::1]:8080/"), Some("::1"));
        assert_eq!(url_host("nonsense"), None);
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("LOCALHOST"));
        assert!(!is_loopback_host("10.0.0.1"));
    }

    #[test]
    fn model_matching() {
        assert!(backend_serves_model(
            Some("gpt-4o-mini"),
            Some("openai"),
            "openai",
            "gpt-4o-mini"
        ));
        assert!(backend_serves_model(
            Some("openai/gpt-4o-mini"),
            None,
            "openai",
            "gpt-4o-mini"
        ));
        assert!(!backend_serves_model(
            Some("gpt-4o"),
            Some("openai"),
            "openai",
            "gpt-4o-mini"
        ));
        assert!(backend_serves_model(
            None,
            Some("openai"),
            "openai",
            "anything"
        ));
        assert!(!backend_serves_model(None, None, "openai", "anything"));
    }

    #[test]
    fn names() {
        assert!(is_env_var_name("OPENAI_API_KEY"));
        assert!(is_env_var_name("_x1"));
        assert!(!is_env_var_name("1X"));
        assert!(!is_env_var_name("sk-abc"));
        assert!(!is_env_var_name(""));
        assert!(is_alias_name("fast"));
        assert!(is_alias_name("gpt-4_o"));
        assert!(!is_alias_name("Fast"));
        assert!(!is_alias_name("-x"));
        assert!(is_secret_name("openai-creds"));
        assert!(!is_secret_name("../x"));
        assert!(!is_secret_name(".hidden"));
        assert!(!is_secret_name("a/b"));
        assert!(!is_secret_name(&"a".repeat(129)));
    }

    #[test]
    fn const_names() {
        assert_eq!(const_name("openai-chat"), "OPENAI_CHAT");
        assert_eq!(const_name("openai_chat"), "OPENAI_CHAT");
        assert_eq!(const_name("ollama/llama3.1"), "OLLAMA_LLAMA3_1");
        assert_eq!(const_name("4o"), "_4O");
        assert_eq!(const_name("all"), "ALL_");
        assert_eq!(const_name("--"), "__");
    }
}
