//! Errors of model selection and resolution, the reasons a backend is filtered out, and errors
//! of the registry and of secret reads. Every message says what to do; none carries a key.
//!
//! The errors' `Debug` writes their `Display` text (then the causes), as `anyhow` does: a
//! `fn main() -> Result<(), Box<dyn Error>>` prints a failure with `{:?}`, and a newcomer's
//! first failure must read as the message with its fixes, not as a struct dump. The fields stay
//! public for code that wants them.

use std::fmt;
use std::sync::Arc;

use crate::source::SourceError;
use crate::{Op, Transport};

/// Why a candidate backend cannot be used. Names only, never a key value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The alias is pinned to a backend the config does not define.
    MissingBackend {
        /// The backend name the alias names.
        backend: String,
    },
    /// The backend's `credential_ref` names no credential.
    UnknownCredential {
        /// The name in `credential_ref`.
        credential: String,
    },
    /// The backend does not serve the requested op.
    OpNotServed {
        /// The op requested.
        op: Op,
    },
    /// The backend does not declare a required feature.
    FeatureMissing {
        /// The feature required.
        feature: String,
    },
    /// The backend cannot be reached over a required transport.
    TransportMissing {
        /// The transport required.
        transport: Transport,
    },
    /// The credential names no env var and has no other source.
    NoKeySource {
        /// The credential's name.
        credential: String,
    },
    /// The env var is unset (or blank) and no secret is linked.
    EnvUnset {
        /// The variable.
        var: String,
        /// A secret name to store the key under (then link it with `secret = …`).
        suggested_secret: String,
    },
    /// The env var is set but not valid UTF-8.
    EnvNotUnicode {
        /// The variable.
        var: String,
    },
    /// The env var is unset and the linked secret does not exist.
    SecretMissing {
        /// The variable (and key inside the secret).
        var: String,
        /// The linked secret.
        secret: String,
    },
    /// The env var is unset and the linked secret has no such key.
    SecretLacksKey {
        /// The variable (and key inside the secret).
        var: String,
        /// The linked secret.
        secret: String,
    },
    /// The env var is unset and the secret store could not be read.
    SecretStoreFailed {
        /// The variable (and key inside the secret).
        var: String,
        /// The linked secret.
        secret: String,
        /// What went wrong.
        error: SecretSourceError,
    },
    /// `kind = "file"`: the file cannot be read (and the env var, if any, is unset).
    FileUnreadable {
        /// The variable tried first, if the credential names one.
        var: Option<String>,
        /// The file.
        path: String,
        /// What went wrong; names the file.
        error: SourceError,
    },
    /// `kind = "command"`: the command failed (and the env var, if any, is unset).
    CommandFailed {
        /// The variable tried first, if the credential names one.
        var: Option<String>,
        /// argv\[0\].
        program: String,
        /// What went wrong; names the command, carries at most its stderr's first line.
        error: SourceError,
    },
    /// `kind = "keyring"`: the OS credential store gave no key (and the env var, if any, is
    /// unset).
    KeyringFailed {
        /// The variable tried first, if the credential names one.
        var: Option<String>,
        /// What went wrong; names the entry's service and account.
        error: SourceError,
    },
    /// Every key of the credential's key pool is cooling down after a rate limit or an
    /// authentication failure (only the [executor](crate::call) cools keys).
    PoolCoolingDown {
        /// The credential's name.
        credential: String,
        /// The pool's variables.
        vars: Vec<String>,
    },
}

impl Reason {
    /// Whether the reason is about the key (the backend could serve the request otherwise).
    pub fn is_credential(&self) -> bool {
        !matches!(
            self,
            Reason::MissingBackend { .. }
                | Reason::OpNotServed { .. }
                | Reason::FeatureMissing { .. }
                | Reason::TransportMissing { .. }
        )
    }
}

fn export_or_set(f: &mut fmt::Formatter<'_>, var: &str, secret: &str) -> fmt::Result {
    write!(
        f,
        "run `export {var}=…` or `cargo llmcfg secrets set {secret} --{var}=…`"
    )
}

/// The variable is unset and its linked secret cannot give the key (`what` says why), then
/// both fixes.
fn secret_failed(
    f: &mut fmt::Formatter<'_>,
    var: &str,
    secret: &str,
    what: fmt::Arguments<'_>,
) -> fmt::Result {
    write!(f, "{var} is not set and secret `{secret}` {what}: ")?;
    export_or_set(f, var, secret)
}

/// A key source (file, command, keyring) failed: its error, then the fixes — the variable
/// tried first, when there is one, or the source's own fix (`fixes`: with a variable, without).
fn source_failed(
    f: &mut fmt::Formatter<'_>,
    error: &SourceError,
    var: Option<&str>,
    (with_var, alone): (&str, &str),
) -> fmt::Result {
    write!(f, "{error}")?;
    match var {
        Some(var) => write!(
            f,
            " and {var} is not set: run `export {var}=…` or {with_var}"
        ),
        None => write!(f, ": {alone}"),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::MissingBackend { backend } => write!(
                f,
                "the alias is pinned to backend `{backend}`, which the config does not define: \
                 add a [[llm.backends]] block named `{backend}` or change the alias's `backend`"
            ),
            Reason::UnknownCredential { credential } => write!(
                f,
                "credential_ref `{credential}` names no credential: add a [[llm.credentials]] \
                 block with name = \"{credential}\""
            ),
            Reason::OpNotServed { op } => write!(f, "does not serve op `{op}`"),
            Reason::FeatureMissing { feature } => {
                write!(f, "does not declare feature `{feature}`")
            }
            Reason::TransportMissing { transport } => {
                write!(f, "cannot be reached over `{transport}`")
            }
            Reason::NoKeySource { credential } => write!(
                f,
                "credential `{credential}` names no env var and no other key source: set \
                 `api_key_env` on it"
            ),
            Reason::EnvUnset {
                var,
                suggested_secret,
            } => {
                write!(f, "{var} is not set: ")?;
                export_or_set(f, var, suggested_secret)?;
                write!(f, " and link it with `secret = \"{suggested_secret}\"`")
            }
            Reason::EnvNotUnicode { var } => write!(
                f,
                "{var} is set but not valid UTF-8: run `export {var}=…` with the key"
            ),
            Reason::SecretMissing { var, secret } => {
                secret_failed(f, var, secret, format_args!("does not exist"))
            }
            Reason::SecretLacksKey { var, secret } => {
                secret_failed(f, var, secret, format_args!("has no key {var}"))
            }
            Reason::SecretStoreFailed { var, secret, error } => {
                secret_failed(f, var, secret, format_args!("cannot be read ({error})"))
            }
            Reason::FileUnreadable { var, error, .. } => source_failed(
                f,
                error,
                var.as_deref(),
                ("fix the file", "fix the file or its mount"),
            ),
            Reason::CommandFailed { var, error, .. } => source_failed(
                f,
                error,
                var.as_deref(),
                (
                    "fix the command",
                    "fix the command or log in to the secret manager",
                ),
            ),
            Reason::KeyringFailed { var, error } => source_failed(
                f,
                error,
                var.as_deref(),
                (
                    "store the key in the OS keyring",
                    "store the key in the OS keyring under that entry",
                ),
            ),
            Reason::PoolCoolingDown { credential, vars } => write!(
                f,
                "every key of credential `{credential}`'s pool ({}) is cooling down after a rate limit or an \
                 authentication failure: wait, or add a key to the pool",
                vars.join(", ")
            ),
        }
    }
}

/// A candidate backend that was filtered out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filtered {
    /// The backend's name, or `built-in PROVIDER` for a provider's built-in endpoint.
    pub backend: String,
    /// Why it cannot be used.
    pub reason: Reason,
}

impl fmt::Display for Filtered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.backend, self.reason)
    }
}

/// Why a model or backend could not be resolved.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// No model was requested and no default is configured.
    NoModel {
        /// How many aliases are visible.
        aliases: usize,
    },
    /// `LLMCFG_DEFAULT_MODEL` is set but empty or blank.
    BlankDefaultModel,
    /// `LLMCFG_DEFAULT_MODEL` is set but not valid UTF-8.
    DefaultModelNotUnicode,
    /// The requested string is neither an alias nor `provider/model`.
    MissingProvider {
        /// What was requested.
        model: String,
        /// The visible alias names, sorted.
        known: Vec<String>,
    },
    /// The requested model is empty or blank.
    BlankModel {
        /// The visible alias names, sorted.
        known: Vec<String>,
    },
    /// The requested `provider/model` has an empty model part.
    EmptyModel {
        /// What was requested.
        model: String,
        /// The provider part.
        provider: String,
    },
    /// The provider is neither built in nor served by a configured backend.
    UnknownProvider {
        /// The provider part.
        provider: String,
        /// What was requested.
        model: String,
        /// The built-in providers.
        known: Vec<&'static str>,
    },
    /// Every candidate backend was filtered out.
    NoBackend {
        /// The `provider/model` string.
        model: String,
        /// The alias, when one was requested.
        alias: Option<String>,
        /// Each candidate and why it was filtered.
        filtered: Vec<Filtered>,
    },
    /// `LLMCFG_MODEL_REGISTRY` is invalid.
    Registry(RegistryError),
}

// The error impls of this crate are written by hand rather than derived with thiserror: an
// application using llmcfg then builds no syn at all (issue 12).
impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NoModel { aliases } => write!(
                f,
                "no model requested and no default set ({aliases} aliases configured): pass an alias or \
                 `provider/model`, run `export LLMCFG_DEFAULT_MODEL=ALIAS`, set `default_alias = \"ALIAS\"` \
                 under [llm], or run `cargo llmcfg model default ALIAS`"
            ),
            ResolveError::BlankDefaultModel => f.write_str(
                "LLMCFG_DEFAULT_MODEL is set but blank: run `export LLMCFG_DEFAULT_MODEL=ALIAS` (or \
                 `provider/model`), or `unset LLMCFG_DEFAULT_MODEL`",
            ),
            ResolveError::DefaultModelNotUnicode => f.write_str(
                "LLMCFG_DEFAULT_MODEL is not valid UTF-8: set it to an alias or `provider/model`",
            ),
            ResolveError::MissingProvider { model, known } => write!(
                f,
                "`{model}` is not an alias and has no provider prefix: write `provider/{model}` (for \
                 example `openai/{model}`) or use an alias ({})",
                alias_list(known)
            ),
            ResolveError::BlankModel { known } => write!(
                f,
                "the requested model is empty: pass an alias ({}) or `provider/model`, or pass none \
                 to use the default",
                alias_list(known)
            ),
            ResolveError::EmptyModel { model, provider } => {
                write!(f, "`{model}` has an empty model part: write `{provider}/MODEL`")
            }
            ResolveError::UnknownProvider { provider, model, known } => write!(
                f,
                "unknown provider `{provider}` in `{model}`: use one of {}, or add a backend with \
                 `model = \"{model}\"`",
                known.join(", ")
            ),
            ResolveError::NoBackend { model, alias, filtered } => write!(
                f,
                "no backend can serve `{model}`{}:{}",
                alias_suffix(alias),
                list(filtered)
            ),
            ResolveError::Registry(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for ResolveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the registry's error stands in for this one.
            ResolveError::Registry(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<RegistryError> for ResolveError {
    fn from(e: RegistryError) -> Self {
        ResolveError::Registry(e)
    }
}

fn alias_list(names: &[String]) -> String {
    if names.is_empty() {
        "none configured".to_string()
    } else {
        names.join(", ")
    }
}

fn alias_suffix(alias: &Option<String>) -> String {
    alias
        .as_ref()
        .map(|a| format!(" (alias `{a}`)"))
        .unwrap_or_default()
}

fn list(filtered: &[Filtered]) -> String {
    if filtered.is_empty() {
        return " no candidate backend".to_string();
    }
    let mut out = String::new();
    for item in filtered {
        out.push_str("\n  - ");
        out.push_str(&item.to_string());
    }
    out
}

/// Writes `error` as its `Display` text followed by its causes, the way `anyhow` shows an error
/// with `{:?}`. A cause whose text the message already contains is not repeated.
pub(crate) fn debug_as_display(
    error: &(dyn std::error::Error + 'static),
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let message = error.to_string();
    f.write_str(&message)?;
    let mut causes = std::iter::successors(error.source(), |e| e.source())
        .map(|cause| cause.to_string())
        .filter(|cause| !message.contains(cause.as_str()))
        .peekable();
    if causes.peek().is_some() {
        f.write_str("\n\nCaused by:")?;
        for cause in causes {
            write!(f, "\n    {cause}")?;
        }
    }
    Ok(())
}

macro_rules! debug_is_display {
    ($($ty:ty),* $(,)?) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_as_display(self, f)
            }
        }
    )*};
}

debug_is_display!(ResolveError, RegistryError, SecretError, SecretSourceError);

/// `LLMCFG_MODEL_REGISTRY` could not be read.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// The value is not a registry.
    Invalid {
        /// What is wrong: a class and a position, or the alias concerned; never a value.
        detail: String,
    },
    /// The value is larger than any registry.
    TooLarge {
        /// Its size in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Invalid { detail } => write!(
                f,
                "LLMCFG_MODEL_REGISTRY is invalid ({detail}): expected \
                 {{\"aliases\":{{\"NAME\":{{\"model\":\"provider/model\",\"secret\":\"SECRET\",\"backend\":\"BACKEND\"}}}},\"default\":\"NAME\"}}; \
                 fix or `unset LLMCFG_MODEL_REGISTRY`"
            ),
            RegistryError::TooLarge { len, max } => write!(
                f,
                "LLMCFG_MODEL_REGISTRY is {len} bytes, more than the {max} accepted: send fewer \
                 aliases or `unset LLMCFG_MODEL_REGISTRY`"
            ),
        }
    }
}

impl std::error::Error for RegistryError {}

/// A secret could not be read by `get_secret` / `secret_environment`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The name cannot be a secret name.
    InvalidName {
        /// The name.
        name: String,
    },
    /// No such secret.
    NotFound {
        /// The name.
        name: String,
    },
    /// A key of the secret cannot be an env var name.
    InvalidKey {
        /// The secret.
        name: String,
        /// The key.
        key: String,
    },
    /// The store failed.
    Store {
        /// The secret.
        name: String,
        /// What went wrong.
        error: SecretSourceError,
    },
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::InvalidName { name } => write!(
                f,
                "`{name}` is not a valid secret name: use 1-128 characters of [A-Za-z0-9_.-], not starting with `.`"
            ),
            SecretError::NotFound { name } => write!(
                f,
                "secret `{name}` does not exist: run `cargo llmcfg secrets set {name} --KEY=…`"
            ),
            SecretError::InvalidKey { name, key } => write!(
                f,
                "secret `{name}` has key `{key}`, which is not an env var name: run \
                 `cargo llmcfg secrets set {name} --KEY=…` with a [A-Za-z_][A-Za-z0-9_]* key"
            ),
            SecretError::Store { name, error } => {
                write!(f, "secret `{name}` cannot be read: {error}")
            }
        }
    }
}

// `Store`'s error is part of the message, not a `source()`: a cause is not shown twice.
impl std::error::Error for SecretError {}

/// Why a [`SecretSource`](crate::SecretSource) could not read a secret: the source's own typed error (a
/// `StoreError` of [`crate::store`] for `StoreSecrets`), kept as the `source()` and reachable
/// with [`SecretSourceError::downcast_ref`]. Like every error here it never carries a value.
#[derive(Clone)]
pub struct SecretSourceError(Arc<dyn std::error::Error + Send + Sync + 'static>);

/// Transparent: the source's error stands in for this one.
impl fmt::Display for SecretSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for SecretSourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl SecretSourceError {
    /// Wraps a source's error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// The source's error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }

    /// The source's error as `E`, when it is one.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }
}

/// Errors compare by what they say: the wrapped error need not be comparable.
impl PartialEq for SecretSourceError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for SecretSourceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Locked(std::io::Error);

    impl fmt::Display for Locked {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the store is locked")
        }
    }

    impl std::error::Error for Locked {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[derive(Debug)]
    struct Failed(std::io::Error);

    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the store failed: {}", self.0)
        }
    }

    impl std::error::Error for Failed {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    fn busy() -> std::io::Error {
        std::io::Error::other("resource busy")
    }

    #[test]
    fn debug_is_the_message_then_its_causes() {
        let err = SecretSourceError::new(Locked(busy()));
        assert_eq!(
            format!("{err:?}"),
            "the store is locked\n\nCaused by:\n    resource busy"
        );
    }

    #[test]
    fn debug_does_not_repeat_a_cause_the_message_already_says() {
        let err = SecretSourceError::new(Failed(busy()));
        assert_eq!(format!("{err:?}"), "the store failed: resource busy");
    }
}
