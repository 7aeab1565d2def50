//! The stable diagnostic codes: each has a kebab-case name that never changes, a default
//! severity, a one-line summary and the long explanation that `cargo llmcfg explain` prints.

use core::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The config is usable but probably not what was meant; `--deny-warnings` fails on it.
    Warning,
    /// The config is rejected.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident, $summary:literal, $explain:literal;)+) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $summary] $variant,)+
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The stable kebab-case name, e.g. `legacy-api-key-env`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The severity this code is reported with.
            pub const fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)+ }
            }

            /// One line saying what the code is about.
            pub const fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)+ }
            }

            /// The long explanation: why it matters and what to write instead.
            pub const fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explain,)+ }
            }

            /// Looks a code up by its kebab-case name (an `llmcfg::` prefix is accepted).
            pub fn from_name(name: &str) -> Option<Code> {
                let name = name.strip_prefix("llmcfg::").unwrap_or(name);
                match name { $($name => Some(Code::$variant),)+ _ => None }
            }
        }
    };
}

codes! {
    TomlSyntax = "toml-syntax", Error,
        "The file is not valid TOML.",
        "The file could not be parsed as TOML. The report points at the first character the parser could not accept; \
fix it there (a missing quote, an unclosed bracket, a duplicated key) and run the check again. \
Every other rule runs on the parts of the file that could be read.";
    TableNotFound = "table-not-found", Error,
        "The selected llm table does not exist in the file.",
        "llmcfg reads the table `[llm]` by default, or the dotted path given with `table = \"…\"` \
(macro argument, `--table`, or `[package.metadata.llmcfg] table`). Add the table, e.g.\n\n    [llm]\n    default_policy = \"weighted_random\"\n\n\
or point `table` at the table that holds the llm config (Spear keeps it at `spearlet.llm`).";
    UnknownField = "unknown-field", Error,
        "A key the schema does not know.",
        "Inside the llm table every key must be known: a misspelled key would otherwise be ignored silently and the \
setting it meant would not apply. Fix the spelling (the report suggests the closest known key) or remove the key. \
Keys outside the selected llm table are never checked.";
    MissingField = "missing-field", Error,
        "A required key is missing.",
        "Credentials need `name` (and `api_key_env` for `kind = \"env\"`, `path` for `kind = \"file\"`, `command` for \
`kind = \"command\"`, `service` and `account` for `kind = \"keyring\"`); backends need `name`, `kind`, and `base_url` (except `kind = \"stub\"`); aliases need `model`. \
Add the key the report names.";
    WrongType = "wrong-type", Error,
        "A value of the wrong TOML type.",
        "Each key has one TOML type: names, URLs and env-var names are strings; `ops`, `features`, `transports` and \
`command` are arrays of strings; `weight`, `priority` and `max_retries` are integers; `timeout`, `deadline` and the \
other durations are strings (`\"30s\"`); aliases are inline tables or strings. Write the value in the type the report names.";
    LegacyApiKeyEnv = "legacy-api-key-env", Error,
        "`api_key_env` on a backend is the legacy form and is rejected.",
        "Backends used to name their key's env var directly (`api_key_env = \"OPENAI_API_KEY\"`). That form is \
rejected: credentials are declared once under `[[llm.credentials]]` and backends reference them by name with \
`credential_ref`, so several backends can share a key, a key can have a fallback source (secret store, file, command), \
and the runtime injects only the env vars that credentials reference.\n\n\
Write instead:\n\n    [[llm.credentials]]\n    name = \"openai\"\n    kind = \"env\"\n    api_key_env = \"OPENAI_API_KEY\"\n\n    \
[[llm.backends]]\n    name = \"openai-chat\"\n    credential_ref = \"openai\"\n    # …\n\n\
`cargo llmcfg check --fix` (or `migrate --write`) rewrites every legacy backend of a file this way, keeping comments.";
    PlaintextSecret = "plaintext-secret", Error,
        "A key, token or password written into the config file.",
        "The config names secrets, it never holds them: a key in a file ends up in version control, in build logs and, \
through `include_llm_config!`, in compiled binaries. Remove the value, rotate the key (it has been exposed), and \
declare where it comes from instead:\n\n    [[llm.credentials]]\n    name = \"openai\"\n    api_key_env = \"OPENAI_API_KEY\"\n\n\
then `export OPENAI_API_KEY=…` or `cargo llmcfg secrets set openai-creds --OPENAI_API_KEY=…`.";
    ApiKeyEnvHoldsKey = "api-key-env-holds-key", Error,
        "`api_key_env` holds what looks like a key, not the name of an env var.",
        "`api_key_env` takes the NAME of an environment variable (`OPENAI_API_KEY`), never the key itself. The value \
looks like a key (a known key prefix such as `sk-`, or a long random string). Rotate that key, since it has been \
written to a file, and write the variable's name instead.";
    InvalidEnvName = "invalid-env-name", Error,
        "An env-var name outside `[A-Za-z_][A-Za-z0-9_]*`.",
        "Env-var names must start with a letter or `_` and contain only letters, digits and `_`, so every shell, \
`.env` file and container runtime can set them. Rename the variable, e.g. `OPENAI_API_KEY`.";
    InvalidName = "invalid-name", Error,
        "A credential or backend name that is empty or uses odd characters.",
        "Credential and backend names start with a letter or digit and use letters, digits, `_`, `-`, `.` and `/` \
(`ollama/llama3`). They become Rust constants (`backends::OPENAI_CHAT`) and appear in CLI output.";
    DuplicateName = "duplicate-name", Error,
        "Two credentials or two backends with the same name.",
        "Names identify credentials (for `credential_ref`) and backends (for alias `backend`); a duplicate makes the \
reference ambiguous. Rename or remove one of the two entries the report shows.";
    UnknownCredentialRef = "unknown-credential-ref", Error,
        "A backend's `credential_ref` names no credential.",
        "`credential_ref` must be the `name` of an entry in `[[llm.credentials]]`. Fix the spelling (the report \
suggests the closest name) or add the credential. A backend without `credential_ref` is a no-auth backend \
(a local proxy, Ollama).";
    UnknownBackendRef = "unknown-backend-ref", Error,
        "An alias's `backend` names no backend.",
        "An alias pinned with `backend = \"…\"` must name an entry of `[[llm.backends]]`. Fix the spelling or drop the \
key to let the runtime choose among the backends that serve the model's provider.";
    UnknownDefaultAlias = "unknown-default-alias", Error,
        "`default_alias` names no alias.",
        "`default_alias` must be one of the keys of `[llm.aliases]`. Fix the spelling, register the alias \
(`cargo llmcfg model register NAME --model provider/model`), or remove `default_alias`.";
    UnknownBackendKind = "unknown-backend-kind", Error,
        "A backend `kind` llmcfg does not know.",
        "Backend kinds are `openai_chat_completion`, `openai_realtime_ws`, `ollama_chat`, `stub` and \
`anthropic_messages`. Any OpenAI-compatible endpoint (OpenRouter, Groq, vLLM, LiteLLM) is `openai_chat_completion`.";
    UnknownCredentialKind = "unknown-credential-kind", Error,
        "A credential `kind` llmcfg does not know.",
        "Credential kinds are `env` (default: the env var, then the linked secret), `file` (a secret mount), \
`command` (a secret manager's CLI, run without a shell) and `keyring` (the OS credential store, by `service` and \
`account`).";
    UnknownKeyOutput = "unknown-key-output", Error,
        "A command credential's `output` llmcfg does not know.",
        "`output` says what a key command prints: `line` (default: the key on the first line of stdout, as `pass show` \
prints it) or `json` (an object `{\"api_key\": \"…\", \"expires_at\": \"2026-01-01T00:00:00Z\"}`, the shape of AWS's \
`credential_process`; `expires_at` is optional, RFC 3339, and the key is refreshed a minute before it).";
    EmptyKeyPool = "empty-key-pool", Error,
        "A credential's `api_key_env` is an empty array.",
        "`api_key_env` names the env var holding the key, or, as an array, a key pool: several variables whose keys \
are used in turn, a key that draws a rate limit or an authentication failure cooling down while the others serve. \
An empty array names no key at all. Name one variable (`api_key_env = \"OPENAI_API_KEY\"`) or several \
(`api_key_env = [\"OPENAI_KEY_A\", \"OPENAI_KEY_B\"]`).";
    DuplicatePoolKey = "duplicate-pool-key", Error,
        "The same variable named twice in a key pool.",
        "A key pool's keys are used in turn; naming a variable twice would give its key twice the share of the \
traffic and hide that the pool is smaller than it looks. Remove the repeated name, or name the other variable \
that was meant.";
    UnknownOp = "unknown-op", Error,
        "An op llmcfg does not know.",
        "Ops are `chat_completions`, `embeddings`, `image_generation`, `speech_to_text`, `text_to_speech` and \
`realtime_voice`.";
    UnknownTransport = "unknown-transport", Error,
        "A transport llmcfg does not know.",
        "Transports are `http`, `websocket`, `grpc` and `in_process`.";
    UnknownPolicy = "unknown-policy", Error,
        "A routing policy llmcfg does not know.",
        "`default_policy` is `weighted_random` (default), `priority` (highest `priority` first, weighted within a tier) \
or `round_robin`.";
    UnknownHosting = "unknown-hosting", Error,
        "A `hosting` value llmcfg does not know.",
        "`hosting` is `local` or `remote`. When omitted it is `local` for loopback URLs and `remote` otherwise.";
    UnknownValue = "unknown-value", Error,
        "A value outside the set a setting accepts.",
        "Some settings take one of a few words (discovery `scope` is `serving` or `installed`, `name_conflict` is \
`skip` or `overwrite`) or a fixed shape (`addr` is `host:port` or empty). Write one of the values the report lists.";
    UnsupportedOp = "unsupported-op", Error,
        "A backend lists an op its kind cannot serve.",
        "Each backend kind serves a fixed set of ops: `openai_chat_completion` serves chat, embeddings, images and \
speech; `openai_realtime_ws` serves speech and realtime voice; `ollama_chat` serves chat and embeddings; \
`anthropic_messages` serves chat; `stub` serves everything. Remove the op or use a backend of a kind that serves it.";
    UnsupportedTransport = "unsupported-transport", Error,
        "A backend lists a transport its kind cannot use.",
        "HTTP kinds use `http`; `openai_realtime_ws` uses `websocket`; `stub` may use any. Remove the transport or fix \
the kind.";
    NoOps = "no-ops", Error,
        "A backend serves no op.",
        "A backend with an empty `ops` list can never be selected. List what it serves, e.g. \
`ops = [\"chat_completions\"]`.";
    InvalidUrl = "invalid-url", Error,
        "A `base_url` that is not a URL.",
        "`base_url` must be an absolute URL with a scheme and a host, e.g. `https://api.openai.com/v1`.";
    UnsupportedUrlScheme = "unsupported-url-scheme", Error,
        "A `base_url` whose scheme the backend kind cannot use.",
        "HTTP kinds need `https://` (or `http://` for local servers); `openai_realtime_ws` also accepts `wss://` and \
`ws://`; `stub` also accepts `stub://`.";
    InsecureUrl = "insecure-url", Warning,
        "A credential would be sent in clear over plain `http://` to another host.",
        "The backend has a credential attached and its `base_url` uses plain `http://` to a host that is not this \
machine, so the API key would cross the network unencrypted. Use `https://`, or keep plain HTTP only for loopback \
addresses (`127.0.0.1`, `localhost`, `[::1]`).";
    InvalidAliasName = "invalid-alias-name", Error,
        "An alias name outside `[a-z0-9][a-z0-9_-]*`.",
        "Alias names are lowercase letters, digits, `_` and `-`, starting with a letter or digit, so they read the \
same in code (`aliases::FAST`), on the command line and in `LLMCFG_DEFAULT_MODEL`.";
    InvalidModel = "invalid-model", Error,
        "An alias `model` that is not `provider/model`.",
        "An alias's `model` is a provider-qualified model string: `openai/gpt-5-nano`, `anthropic/claude-sonnet-4`, \
`openrouter/meta-llama/llama-3-70b`. Both the provider and the model part must be non-empty.";
    UnknownProvider = "unknown-provider", Error,
        "An alias names a provider llmcfg does not know and no backend serves.",
        "Built-in providers (openai, anthropic, openrouter, ollama, gemini, mistral, groq, deepseek, xai, together, \
fireworks, perplexity, cerebras) have known endpoints and key variables. For any other provider, pin the alias to a \
configured backend with `backend = \"…\"`, or bind a backend to the model with `model = \"provider/model\"`.";
    ConstantCollision = "constant-collision", Error,
        "Two names that would become the same Rust constant.",
        "`include_llm_config!` turns every name into a constant: `openai-chat` and `openai_chat` both become \
`OPENAI_CHAT`. Rename one of the two so the generated code stays unambiguous.";
    FieldKindMismatch = "field-kind-mismatch", Error,
        "A credential key that does not apply to its kind.",
        "`path` belongs to `kind = \"file\"`; `command`, `ttl` and `output` to `kind = \"command\"`; `secret` to \
`kind = \"env\"`; `service` and `account` to `kind = \"keyring\"`. Set the kind the key is meant for, or remove the key.";
    InvalidSecretName = "invalid-secret-name", Error,
        "A secret name the secret store cannot hold.",
        "Secret names are 1–128 characters of letters, digits, `_`, `.` and `-`, not starting with `.`, so a name can \
never reach outside the store directory.";
    InvalidCommand = "invalid-command", Error,
        "A `command` credential with an empty argv.",
        "`command` is the argv of a secret manager's CLI, run without a shell, e.g. \
`command = [\"pass\", \"show\", \"llm/openai\"]`. It needs at least the program, and no empty strings.";
    OutOfRange = "out-of-range", Error,
        "A number outside the range its setting accepts.",
        "`weight` is 0 to 4294967295; `priority` fits a 32-bit signed integer; timeouts and limits are non-negative.";
    RemoteDiscoveryUrl = "remote-discovery-url", Error,
        "Ollama discovery points at a non-loopback host while `allow_remote = false`.",
        "Discovery imports every model a server offers; pointing it at another host is a server-side request forgery \
risk, so it needs an explicit `allow_remote = true`. Use `http://127.0.0.1:11434` or set `allow_remote = true`.";
    DuplicateEntry = "duplicate-entry", Warning,
        "The same value listed twice.",
        "`ops`, `features`, `transports` and the discovery lists are sets; a repeated value has no effect. Remove it.";
    UnusedCredential = "unused-credential", Warning,
        "A credential no backend references.",
        "No backend has `credential_ref` naming this credential, so it is never used (and its env var is not injected). \
Reference it from a backend or remove it.";
    ZeroWeight = "zero-weight", Warning,
        "A backend with `weight = 0` is never picked by weighted selection.",
        "The weighted policies pick a backend with probability proportional to its weight; `0` means never, unless it \
is the only candidate. Remove the backend or give it a positive weight.";
    OpUnserved = "op-unserved", Warning,
        "An alias lists an op that none of its backends serves.",
        "An alias may declare the ops it is used for (`ops = [\"embeddings\"]`). None of the backends that could serve \
the alias serves this op, so resolving it for that op will fail. Pin the alias to a backend that serves it or add \
the op to a backend of a kind that can.";
    InvalidDuration = "invalid-duration", Error,
        "A duration that is not a positive `<number><unit>` string.",
        "Duration keys (`timeout`, `deadline`, `cooldown`, backoff `initial`, …) take a string of a number and a unit: `\"30s\"`, `\"250ms\"`, \
`\"2m\"`, `\"1h\"`, or several parts such as `\"1m 30s\"`. Units are `ms`, `s`, `m`, `h` and `d` (also `us`, `ns` \
and long names such as `seconds`); a bare number has no unit and is refused, since `30` could mean seconds or \
milliseconds. Zero is refused too: a zero timeout would fail every call before it starts. To use the runtime's \
default, remove the key.";
    InvalidHeader = "invalid-header", Error,
        "A backend header (`auth_header`, `headers`) that cannot be sent as written.",
        "`auth_header` names the header the key is sent in (`api-key` for Azure-style gateways); `headers` are static, \
non-secret headers sent on every request (`headers = { \"OpenAI-Organization\" = \"org-…\" }`). Names are HTTP \
tokens (letters, digits and `!#$%&'*+.^_`|~-`), each set once (names ignore case); values are one line. The headers \
the runtime sets itself — `Authorization`, `x-api-key`, `anthropic-version`, the one `auth_header` names, \
`Content-Type`, `Content-Length`, `Host`, `Transfer-Encoding` — cannot be set in `headers`. A key is never a static \
header: name its variable in a credential and point `auth_header` at the header it goes in.";
    UnknownRetryClass = "unknown-retry-class", Error,
        "A `retry_on` class llmcfg does not know.",
        "`retry_on` lists the failures retried on the same backend: `rate_limit` (HTTP 429, honouring \
`Retry-After`), `server_error` (HTTP 5xx), `timeout` and `connect`. Auth failures fail over to the next backend \
and bad requests fail the call; neither is ever retried, so they cannot be listed. `retry_on = []` retries \
nothing.";
    BackoffInverted = "backoff-inverted", Error,
        "A backoff whose `initial` wait is above its `max`.",
        "Before retry n the executor waits a random time up to min(max, initial × 2ⁿ). With `initial` above \
`max` the ceiling never grows and `initial` means nothing. Write `initial` below `max`, e.g. \
`backoff = { initial = \"250ms\", max = \"10s\" }` (the built-in defaults).";
    ExcessiveRetries = "excessive-retries", Warning,
        "`max_retries` above 10.",
        "Retries stay on one backend; with more than a few the call spends its deadline on a backend that is down \
instead of failing over to the next one or a fallback, and a rate-limited provider sees even more traffic. Write \
`max_retries = 2` (the default) or another small number, and list more backends or `fallbacks` instead.";
    TimeoutExceedsDeadline = "timeout-exceeds-deadline", Warning,
        "A `timeout` or `connect_timeout` longer than the call's `deadline`.",
        "The deadline bounds the whole call (retries, failover and fallbacks); each attempt's timeout is cut to what \
is left of it. A timeout longer than the deadline can never apply as written. Shorten the timeout or raise \
`deadline` (in `[llm.calls]` or on the alias; the built-in deadline is 90 s).";
    UnknownFallback = "unknown-fallback", Error,
        "A fallback that names no alias.",
        "`fallbacks = [\"fast\", \"local\"]` lists aliases of `[llm.aliases]`, tried in order once every backend of \
the alias has failed. Fix the spelling (the report suggests the closest alias) or add the alias.";
    FallbackSelf = "fallback-self", Error,
        "An alias listed in its own `fallbacks`.",
        "An alias's own backends are tried first, with retries and failover; listing the alias again would only \
repeat them. Remove it; raise `max_retries` to retry more.";
    DuplicateFallback = "duplicate-fallback", Error,
        "The same fallback listed twice.",
        "Each fallback is tried once, in order; a second mention would spend the deadline on backends that have just \
failed. Remove the repeated name.";
    FallbackCycle = "fallback-cycle", Warning,
        "Aliases that fall back to each other in a cycle.",
        "Fallbacks are not followed transitively: a call of `a` tries `a`'s backends, then each alias `a` lists, and \
not the fallbacks of those. A cycle (`a → b → a`) therefore does not loop, but it usually means the chain was \
expected to be followed. List the whole chain on the alias that needs it (`fallbacks = [\"b\", \"c\"]`) and \
remove one edge of the cycle; the report shows every edge.";
    FallbackOpsUnserved = "fallback-ops-unserved", Warning,
        "A fallback that serves none of the ops its alias is used for.",
        "An alias that declares `ops` is used for those ops; a fallback whose backends serve none of them would fail \
every call that reaches it. Fall back to an alias that serves the ops, or remove it from `fallbacks`.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
            assert_eq!(Code::from_name(name), Some(*code));
            assert!(!code.explanation().is_empty());
        }
        assert_eq!(Code::from_name("llmcfg::no-ops"), Some(Code::NoOps));
        assert_eq!(Code::from_name("nope"), None);
    }
}
