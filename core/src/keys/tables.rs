//! The declarations themselves: one `Key` per key of every table. A key added here is listed by
//! the JSON Schema and the docs at once; its table's reader must read it into its field, or
//! the reader reports it unknown and the declaration tests fail.

use super::{
    ALIAS_NAME, ENTRY_NAME, ENV_NAME, HEADER_NAME, HOST_PORT, Key, MODEL, SECRET_NAME, Table, Text,
    Ty, URL, Value, Words,
};
use crate::vocab::{
    BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, RetryClass, Transport,
};

const OPS: Words = Words {
    list: || Op::words().collect(),
};
const TRANSPORTS: Words = Words {
    list: || Transport::words().collect(),
};

const fn key(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        doc,
        default: None,
        required: false,
    }
}

const fn required(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        required: true,
        ..key(name, ty, doc)
    }
}

const fn with_default(name: &'static str, ty: Ty, default: Value, doc: &'static str) -> Key {
    Key {
        default: Some(default),
        ..key(name, ty, doc)
    }
}

const fn int(min: i64, max: i64) -> Ty {
    Ty::Int { min, max }
}

const COUNT: Ty = int(0, i64::MAX);
const WEIGHT: Ty = int(0, u32::MAX as i64);
const PRIORITY: Ty = int(i32::MIN as i64, i32::MAX as i64);
const STRINGS: Ty = Ty::Strs {
    item: Text::ANY,
    min_items: 0,
};
const RETRIES: Ty = int(0, u32::MAX as i64);

const fn defaulted(key: Key, default: Value) -> Key {
    Key {
        default: Some(default),
        ..key
    }
}

// The call settings' keys, written from their one declaration (`crate::settings`):
// `call_keys::timeout` as a backend or an alias takes it, where an absent key falls through to
// the layer below; `call_keys::defaulted::timeout` with its built-in default, as `[llm.calls]`
// shows it.
#[allow(non_upper_case_globals)]
mod call_keys {
    use super::{Key, RETRIES, RetryClass, Ty, Value, Words, defaulted, key};

    macro_rules! key_name {
        ($field:ident) => {
            stringify!($field)
        };
        ($field:ident ($table:ident . $key:ident)) => {
            stringify!($key)
        };
    }
    macro_rules! kind_ty {
        (duration) => {
            Ty::Duration
        };
        (count) => {
            RETRIES
        };
        (classes) => {
            Ty::WordList {
                words: Words {
                    list: || RetryClass::words().collect(),
                },
                min_items: 0,
            }
        };
    }
    macro_rules! kind_default {
        (duration, $default:expr) => {
            Value::Str($default)
        };
        (count, $default:expr) => {
            Value::Int($default)
        };
        (classes, $default:expr) => {
            Value::Strs(&$default)
        };
    }
    macro_rules! keys {
        ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
            $(pub(super) const $field: Key = key(key_name!($field $(($table . $key))?), kind_ty!($kind), $doc);)*

            pub(super) mod defaulted {
                use super::{Key, Value, defaulted};
                $(pub(in super::super) const $field: Key = defaulted(super::$field, kind_default!($kind, $default));)*
            }
        };
    }
    crate::call_settings!(keys);
}

const BACKOFF: Key = key(
    "backoff",
    Ty::Table(&BACKOFF_TABLE),
    "The wait between retries when the backend sends no `Retry-After`.",
);

/// Every table, in the order docs show them.
pub static TABLES: [&Table; 9] = [
    &LLM,
    &CREDENTIAL,
    &BACKEND,
    &ALIAS,
    &CALLS,
    &BACKOFF_TABLE,
    &DISCOVERY,
    &OLLAMA,
    &ROUTER,
];

/// The llm table itself.
pub static LLM: Table = Table {
    id: "llm",
    heading: "[llm]",
    doc: "LLM credentials, backends and model aliases (llmcfg).",
    keys: &[
        with_default(
            "default_policy",
            Ty::Word(Words {
                list: || Policy::words().collect(),
            }),
            Value::Str("weighted_random"),
            "How a backend is picked among the candidates of an alias.",
        ),
        key(
            "default_alias",
            Ty::Str(Text::matching(ALIAS_NAME)),
            "The alias used when no model is requested.",
        ),
        key(
            "credentials",
            Ty::Tables(&CREDENTIAL),
            "Named sources of API keys.",
        ),
        key("backends", Ty::Tables(&BACKEND), "Configured endpoints."),
        key("aliases", Ty::Entries(&ALIAS), "Model aliases by name."),
        key(
            "calls",
            Ty::Table(&CALLS),
            "Timeouts, retries, backoff and the breaker for every call.",
        ),
        key(
            "discovery",
            Ty::Table(&DISCOVERY),
            "Importing models from a local server (Spear).",
        ),
        key(
            "router_grpc_filter_stream",
            Ty::Table(&ROUTER),
            "Spear's external routing filter.",
        ),
    ],
};

/// `[[llm.credentials]]`.
pub static CREDENTIAL: Table = Table {
    id: "credential",
    heading: "[[llm.credentials]]",
    doc: "A named source of an API key: the NAME of an env var, never a key.",
    keys: &[
        required(
            "name",
            Ty::Str(Text::matching(ENTRY_NAME)),
            "Referenced by a backend's `credential_ref`.",
        ),
        with_default(
            "kind",
            Ty::Word(Words {
                list: || CredentialKind::words().collect(),
            }),
            Value::Str("env"),
            "env: the env var, then the linked secret; file: a secret mount; command: a secret manager's CLI; keyring: the OS credential store.",
        ),
        key(
            "api_key_env",
            Ty::StrOrStrs {
                item: Text::matching(ENV_NAME),
            },
            "The NAME of the env var holding the key; with kind = \"env\", an array of names is a key pool, used in turn.",
        ),
        key(
            "secret",
            Ty::Str(Text::matching(SECRET_NAME)),
            "Secret-store entry to fall back to (kind = \"env\").",
        ),
        key(
            "path",
            Ty::Str(Text::NON_EMPTY),
            "File holding the key (kind = \"file\").",
        ),
        key(
            "command",
            Ty::Strs {
                item: Text::NON_EMPTY,
                min_items: 1,
            },
            "argv of a secret manager's CLI, run without a shell (kind = \"command\").",
        ),
        key(
            "ttl",
            Ty::Duration,
            "How long the command's key is reused before it runs again (kind = \"command\"; default 5m).",
        ),
        with_default(
            "output",
            Ty::Word(Words {
                list: || KeyOutput::words().collect(),
            }),
            Value::Str("line"),
            "What the command prints: the key on one line, or JSON with `api_key` and `expires_at` (kind = \"command\").",
        ),
        key(
            "service",
            Ty::Str(Text::NON_EMPTY),
            "The OS credential store's service of the entry (kind = \"keyring\").",
        ),
        key(
            "account",
            Ty::Str(Text::NON_EMPTY),
            "The OS credential store's account (user) of the entry (kind = \"keyring\").",
        ),
    ],
};

/// `[[llm.backends]]`.
pub static BACKEND: Table = Table {
    id: "backend",
    heading: "[[llm.backends]]",
    doc: "A configured endpoint.",
    keys: &[
        required(
            "name",
            Ty::Str(Text::matching(ENTRY_NAME)),
            "Referenced by an alias's `backend`.",
        ),
        required(
            "kind",
            Ty::Word(Words {
                list: || BackendKind::words().collect(),
            }),
            "The wire protocol.",
        ),
        key(
            "base_url",
            Ty::Str(Text::matching(URL)),
            "Absolute URL, e.g. https://api.openai.com/v1 (optional for kind = \"stub\").",
        ),
        key(
            "credential_ref",
            Ty::Str(Text::ANY),
            "The `name` of a credential; omit for a no-auth backend.",
        ),
        key(
            "hosting",
            Ty::Word(Words {
                list: || Hosting::words().collect(),
            }),
            "Local or remote; told from the URL (loopback is local) when omitted.",
        ),
        key(
            "model",
            Ty::Str(Text::NON_EMPTY),
            "Binds the backend to one model.",
        ),
        required(
            "ops",
            Ty::WordList {
                words: OPS,
                min_items: 1,
            },
            "What the backend serves.",
        ),
        key(
            "features",
            STRINGS,
            "Features the backend declares, e.g. supports_tools.",
        ),
        key(
            "transports",
            Ty::WordList {
                words: TRANSPORTS,
                min_items: 0,
            },
            "How it is reached; the kind's transports when omitted.",
        ),
        with_default(
            "weight",
            WEIGHT,
            Value::Int(100),
            "Weighted selection share.",
        ),
        with_default(
            "priority",
            PRIORITY,
            Value::Int(0),
            "Tier for the priority policy (highest first).",
        ),
        key(
            "auth_header",
            Ty::Str(Text::matching(HEADER_NAME)),
            "The header the key is sent in, as the raw key (`api-key` for Azure-style gateways); the kind's own scheme when omitted.",
        ),
        key(
            "headers",
            Ty::StrMap {
                key: Text::matching(HEADER_NAME),
                value: Text::ANY,
            },
            "Static, non-secret headers sent on every request, e.g. `{ \"OpenAI-Organization\" = \"org-…\" }`.",
        ),
        call_keys::timeout,
        call_keys::connect_timeout,
        call_keys::first_chunk_timeout,
        call_keys::idle_timeout,
        call_keys::max_retries,
    ],
};

/// One entry of `[llm.aliases]`.
pub static ALIAS: Table = Table {
    id: "alias",
    heading: "[llm.aliases] NAME = { … }",
    doc: "A model alias: `fast = { model = \"openai/gpt-5-nano\" }`, or the shorthand `fast = \"openai/gpt-5-nano\"`.",
    keys: &[
        required(
            "model",
            Ty::Str(Text::matching(MODEL)),
            "provider/model, e.g. openai/gpt-5-nano.",
        ),
        key(
            "secret",
            Ty::Str(Text::matching(SECRET_NAME)),
            "Secret-store entry linked to the alias.",
        ),
        key(
            "backend",
            Ty::Str(Text::ANY),
            "Pin the alias to a configured backend.",
        ),
        key(
            "ops",
            Ty::WordList {
                words: OPS,
                min_items: 0,
            },
            "What the application uses the alias for (checked against its backends).",
        ),
        key(
            "fallbacks",
            Ty::Strs {
                item: Text::matching(ALIAS_NAME),
                min_items: 0,
            },
            "Aliases tried in order once every backend of this one has failed.",
        ),
        call_keys::timeout,
        call_keys::connect_timeout,
        call_keys::deadline,
        call_keys::first_chunk_timeout,
        call_keys::idle_timeout,
        call_keys::max_retries,
    ],
};

/// `[llm.calls]`.
pub static CALLS: Table = Table {
    id: "calls",
    heading: "[llm.calls]",
    doc: "Defaults for every call. A backend's setting wins over these and an alias's over its backend's; the defaults shown are the built-in ones.",
    keys: &[
        call_keys::defaulted::timeout,
        call_keys::defaulted::connect_timeout,
        call_keys::defaulted::deadline,
        call_keys::defaulted::first_chunk_timeout,
        call_keys::defaulted::idle_timeout,
        call_keys::defaulted::max_retries,
        call_keys::defaulted::retry_on,
        BACKOFF,
        call_keys::defaulted::allowed_fails,
        call_keys::defaulted::cooldown,
    ],
};

/// `[llm.calls.backoff]`, usually written inline: `backoff = { initial = "250ms", max = "10s" }`.
pub static BACKOFF_TABLE: Table = Table {
    id: "backoff",
    heading: "[llm.calls.backoff]",
    doc: "Exponential backoff with full jitter: before retry n the wait is random in 0 to min(max, initial × 2ⁿ).",
    keys: &[
        call_keys::defaulted::backoff_initial,
        call_keys::defaulted::backoff_max,
    ],
};

/// `[llm.discovery]`.
pub static DISCOVERY: Table = Table {
    id: "discovery",
    heading: "[llm.discovery]",
    doc: "Model discovery (Spear).",
    keys: &[key(
        "ollama",
        Ty::Table(&OLLAMA),
        "Import the models a local Ollama serves.",
    )],
};

/// `[llm.discovery.ollama]`.
pub static OLLAMA: Table = Table {
    id: "ollama",
    heading: "[llm.discovery.ollama]",
    doc: "Import the models a local Ollama serves.",
    keys: &[
        with_default(
            "enabled",
            Ty::Bool,
            Value::Bool(false),
            "Whether discovery runs.",
        ),
        with_default(
            "scope",
            Ty::Word(Words {
                list: || vec!["serving", "installed"],
            }),
            Value::Str("serving"),
            "The models being served, or every installed one.",
        ),
        key("base_url", Ty::Str(Text::ANY), "The Ollama server."),
        with_default(
            "allow_remote",
            Ty::Bool,
            Value::Bool(false),
            "Allow a non-loopback `base_url`.",
        ),
        with_default("timeout_ms", COUNT, Value::Int(1500), "Discovery timeout."),
        with_default(
            "max_models",
            COUNT,
            Value::Int(32),
            "At most this many models.",
        ),
        key("allow_models", STRINGS, "Only these models."),
        key("deny_models", STRINGS, "Never these models."),
        with_default(
            "name_prefix",
            Ty::Str(Text::ANY),
            Value::Str("ollama/"),
            "Prefix of imported backend names.",
        ),
        with_default(
            "name_conflict",
            Ty::Word(Words {
                list: || vec!["skip", "overwrite"],
            }),
            Value::Str("skip"),
            "What happens when an imported name exists.",
        ),
        with_default(
            "default_weight",
            WEIGHT,
            Value::Int(100),
            "Weight of imported backends.",
        ),
        with_default(
            "default_priority",
            PRIORITY,
            Value::Int(0),
            "Priority of imported backends.",
        ),
        with_default(
            "default_ops",
            Ty::WordList {
                words: OPS,
                min_items: 0,
            },
            Value::Strs(&["chat_completions"]),
            "Ops of imported backends.",
        ),
        key(
            "default_features",
            STRINGS,
            "Features of imported backends.",
        ),
        with_default(
            "default_transports",
            Ty::WordList {
                words: TRANSPORTS,
                min_items: 0,
            },
            Value::Strs(&["http"]),
            "Transports of imported backends.",
        ),
    ],
};

/// `[llm.router_grpc_filter_stream]`.
pub static ROUTER: Table = Table {
    id: "router",
    heading: "[llm.router_grpc_filter_stream]",
    doc: "Spear's external routing filter.",
    keys: &[
        with_default(
            "enabled",
            Ty::Bool,
            Value::Bool(false),
            "Whether the filter runs.",
        ),
        with_default(
            "addr",
            Ty::Str(Text::matching(HOST_PORT)),
            Value::Str(""),
            "host:port, or empty for the SMS address.",
        ),
        with_default(
            "decision_timeout_ms",
            COUNT,
            Value::Int(5),
            "Decision timeout budget.",
        ),
        with_default(
            "fail_open",
            Ty::Bool,
            Value::Bool(true),
            "Route without the filter when it fails.",
        ),
        with_default(
            "max_candidates_sent",
            COUNT,
            Value::Int(64),
            "Max candidates sent.",
        ),
        with_default("max_debug_kv", COUNT, Value::Int(32), "Max debug entries."),
        with_default(
            "max_inflight_total",
            COUNT,
            Value::Int(4096),
            "Max in-flight requests in total.",
        ),
        with_default(
            "per_agent_max_inflight",
            COUNT,
            Value::Int(512),
            "Max in-flight requests per agent.",
        ),
        with_default(
            "content_fetch_enabled",
            Ty::Bool,
            Value::Bool(false),
            "Whether payloads are forwarded.",
        ),
        with_default(
            "content_fetch_max_bytes",
            COUNT,
            Value::Int(65536),
            "Max payload bytes forwarded.",
        ),
    ],
};
