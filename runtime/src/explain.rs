//! `explain()`: what the resolver would do with a request and why each candidate backend is
//! usable or filtered out. Names and reasons only, never a key.

use std::fmt;

use crate::error::Reason;
use crate::key::{KeySource, KeySourceKind};
use crate::request::Selection;
use crate::source::KeyFreshness;
use crate::{Op, Policy};

/// What the resolver would do with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// How the model was chosen.
    pub selection: Selection,
    /// The alias, when the model is one.
    pub alias: Option<String>,
    /// The `provider/model` string.
    pub model: String,
    /// The policy that picks among usable candidates.
    pub policy: Policy,
    /// The op required, if any.
    pub op: Option<Op>,
    /// Every candidate, in failover order.
    pub candidates: Vec<Candidate>,
}

/// One candidate backend of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Candidate {
    /// The backend's name (the provider's for a built-in endpoint).
    pub backend: String,
    /// Its base URL, with any userinfo (`user:password@`) redacted.
    pub base_url: String,
    /// Whether it is a provider's built-in endpoint.
    pub builtin: bool,
    /// Its priority tier.
    pub priority: i32,
    /// Its weight.
    pub weight: u32,
    /// Whether it can be used, and why not.
    pub status: Status,
    /// For a credential with a key pool: each key's state, by variable name, in the order
    /// written. Empty otherwise.
    pub keys: Vec<PoolKey>,
    /// Set when the key is a cached command key served after its refresh failed: why, and
    /// how much longer it is served.
    pub stale: Option<KeyFreshness>,
}

/// One key of a key pool (`api_key_env = ["A", "B"]`), named by its variable, never by value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolKey {
    /// The variable's name.
    pub var: String,
    /// Whether its key can be used now.
    pub state: KeyState,
}

/// Whether a key of a pool can be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyState {
    /// Found, there.
    Ready(KeyOrigin),
    /// Not found: why.
    Unavailable(Reason),
    /// Found, but the executor rests it after a rate limit or an authentication failure
    /// ([`Executor::explain`](crate::call::Executor::explain) reports it).
    CoolingDown {
        /// Where it was found.
        origin: KeyOrigin,
        /// How long it still rests.
        remaining: std::time::Duration,
    },
}

impl fmt::Display for PoolKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            KeyState::Ready(origin) => write!(f, "{}: ready ({origin})", self.var),
            KeyState::Unavailable(reason) => write!(f, "{}: unavailable: {reason}", self.var),
            KeyState::CoolingDown { origin, remaining } => write!(
                f,
                "{}: cooling down for {} ({origin})",
                self.var,
                humantime_secs(*remaining)
            ),
        }
    }
}

/// `12s`, `1m 30s`: whole seconds, rounded up, so a rest about to end never shows as `0s`.
fn humantime_secs(d: std::time::Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    humantime::format_duration(std::time::Duration::from_secs(secs)).to_string()
}

/// Whether a candidate can be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Usable; `key` says where its key comes from (`None`: no key needed).
    Usable {
        /// The key's source; displays as e.g. `env OPENAI_API_KEY`.
        key: Option<KeyOrigin>,
    },
    /// Filtered out.
    Filtered(Reason),
}

/// Where a usable candidate's key comes from: the owned form of [`KeySource`], names only.
/// `Display` (and its JSON form, a string) reads like [`KeySource`]'s: `env OPENAI_API_KEY`,
/// ``secret `openai-creds` key OPENAI_API_KEY``, `file /run/secrets/key`, ``command `vault` ``.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyOrigin {
    /// The environment variable of that name.
    Env {
        /// The variable's name.
        var: String,
    },
    /// The secret-store entry `secret`, under `key`.
    Secret {
        /// The secret's name.
        secret: String,
        /// The key inside the secret.
        key: String,
    },
    /// A key file.
    File {
        /// The file's path.
        path: String,
    },
    /// A key command.
    Command {
        /// The program run (argv\[0\]), never its arguments.
        program: String,
    },
    /// The OS credential store.
    Keyring {
        /// The entry's service.
        service: String,
        /// The entry's account.
        account: String,
    },
}

impl KeyOrigin {
    /// The kind of place.
    pub fn kind(&self) -> KeySourceKind {
        self.as_source().kind()
    }

    /// The borrowed form.
    pub fn as_source(&self) -> KeySource<'_> {
        match self {
            KeyOrigin::Env { var } => KeySource::Env { var },
            KeyOrigin::Secret { secret, key } => KeySource::Secret { secret, key },
            KeyOrigin::File { path } => KeySource::File { path },
            KeyOrigin::Command { program } => KeySource::Command { program },
            KeyOrigin::Keyring { service, account } => KeySource::Keyring { service, account },
        }
    }
}

impl From<KeySource<'_>> for KeyOrigin {
    fn from(source: KeySource<'_>) -> Self {
        match source {
            KeySource::Env { var } => KeyOrigin::Env { var: var.into() },
            KeySource::Secret { secret, key } => KeyOrigin::Secret {
                secret: secret.into(),
                key: key.into(),
            },
            KeySource::File { path } => KeyOrigin::File { path: path.into() },
            KeySource::Command { program } => KeyOrigin::Command {
                program: program.into(),
            },
            KeySource::Keyring { service, account } => KeyOrigin::Keyring {
                service: service.into(),
                account: account.into(),
            },
        }
    }
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_source().fmt(f)
    }
}

impl Explanation {
    /// The usable candidates, in failover order.
    pub fn usable(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates
            .iter()
            .filter(|c| matches!(c.status, Status::Usable { .. }))
    }

    /// The filtered candidates with their reasons.
    pub fn filtered(&self) -> impl Iterator<Item = (&Candidate, &Reason)> {
        self.candidates.iter().filter_map(|c| match &c.status {
            Status::Filtered(r) => Some((c, r)),
            Status::Usable { .. } => None,
        })
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model {}", self.model)?;
        match &self.alias {
            Some(alias) => write!(f, " (alias `{alias}`, {})", self.selection)?,
            None => write!(f, " ({})", self.selection)?,
        }
        write!(f, ", policy {}", self.policy)?;
        if let Some(op) = self.op {
            write!(f, ", op {op}")?;
        }
        if self.candidates.is_empty() {
            return f.write_str("\n  no candidate backend");
        }
        for c in &self.candidates {
            let name = if c.builtin {
                format!("built-in {}", c.backend)
            } else {
                c.backend.clone()
            };
            match &c.status {
                Status::Usable { key: Some(key) } => {
                    write!(f, "\n  usable    {name} {} (key from {key})", c.base_url)?
                }
                Status::Usable { key: None } => {
                    write!(f, "\n  usable    {name} {} (no key)", c.base_url)?
                }
                Status::Filtered(reason) => write!(f, "\n  filtered  {name}: {reason}")?,
            }
            if let Some(stale) = &c.stale {
                write!(f, "\n            key: {stale}")?;
            }
            for key in &c.keys {
                write!(f, "\n            key {key}")?;
            }
        }
        Ok(())
    }
}
