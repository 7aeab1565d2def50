//! The key lookup chain: the env var first (non-empty), then the credential kind's source
//! (linked secret, file, command), else a [`Reason`] naming the variable and the fixes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::env::{Env, EnvValue, read_var};
use crate::error::{Reason, SecretSourceError};
use crate::key::{ApiKey, KeySource};
use crate::source::{CachedKey, CommandOutput, CommandSpec, KeyFreshness, SourceError};
use crate::store::SecretMap;
use crate::{Credential, CredentialKind};

/// Where keys come from when the env var is unset: the secret store, key files and key
/// commands. The default, `StoreSecrets`, reads the embedded store and uses [`crate::source`]
/// for files and commands; tests and embedders substitute their own.
pub trait SecretSource: Send + Sync {
    /// Reads secret `name`; `Ok(None)` when it does not exist. The error must never contain a
    /// secret value.
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError>;

    /// Reads a key file (`kind = "file"`).
    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        crate::source::read_key_file(path)
    }

    /// Runs a key command (`kind = "command"`), argv without a shell.
    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        crate::source::run_key_command(argv, crate::source::DEFAULT_COMMAND_TIMEOUT)
    }

    /// The key of a command credential as its `ttl` and `output` describe it. The default runs
    /// the command each time: one-line output through [`SecretSource::run_command`] (so a
    /// source that overrides only that still serves it), JSON output through
    /// [`crate::source::fetch_command_key`]. [`crate::StoreSecrets`] caches it.
    fn command_key(&self, spec: &CommandSpec<'_>) -> Result<CachedKey, SourceError> {
        match spec.output_mode() {
            CommandOutput::Json => {
                crate::source::fetch_command_key(spec).map(|fetched| CachedKey::fresh(fetched.key))
            }
            _ => self.run_command(spec.argv()).map(CachedKey::fresh),
        }
    }

    /// Reads the OS credential store's entry (`kind = "keyring"`); see
    /// [`crate::source::read_keyring`] for which store.
    fn read_keyring(&self, service: &str, account: &str) -> Result<SecretString, SourceError> {
        crate::source::read_keyring(service, account)
    }
}

impl SecretSource for BTreeMap<String, SecretMap> {
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        Ok(self.get(name).cloned())
    }
}

impl<S: SecretSource + ?Sized> SecretSource for Arc<S> {
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        (**self).secret(name)
    }
    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        (**self).read_file(path)
    }
    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        (**self).run_command(argv)
    }
    fn command_key(&self, spec: &CommandSpec<'_>) -> Result<CachedKey, SourceError> {
        (**self).command_key(spec)
    }
    fn read_keyring(&self, service: &str, account: &str) -> Result<SecretString, SourceError> {
        (**self).read_keyring(service, account)
    }
}

/// What a candidate needs for its key.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeySpec<'a> {
    /// A no-auth backend.
    None,
    /// `credential_ref` names no credential.
    Unknown(&'a str),
    /// A configured credential, at `index` in the config; `standard_var` is the provider's
    /// variable, used when the credential names none; `turn` is the key pool's turn (0 for a
    /// single variable).
    Credential {
        credential: &'a Credential,
        index: usize,
        standard_var: Option<&'static str>,
        turn: usize,
    },
    /// A built-in provider endpoint reading the provider's standard variable.
    Builtin {
        var: &'static str,
        provider: &'static str,
    },
}

/// A key and where it was found.
#[derive(Clone, Debug)]
pub(crate) struct Found<'a> {
    pub(crate) key: ApiKey,
    pub(crate) source: KeySource<'a>,
    /// Set when a cached command key is served after its refresh failed.
    pub(crate) stale: Option<KeyFreshness>,
}

impl<'a> Found<'a> {
    fn new(key: impl Into<ApiKey>, source: KeySource<'a>) -> Self {
        Self {
            key: key.into(),
            source,
            stale: None,
        }
    }
}

/// Looks the key up. `alias_secret` is the secret linked on the alias, the fallback for
/// `kind = "env"` credentials that link none themselves.
pub(crate) fn lookup<'a>(
    spec: KeySpec<'a>,
    alias_secret: Option<&'a str>,
    env: &dyn Env,
    secrets: &dyn SecretSource,
) -> Result<Option<Found<'a>>, Reason> {
    match spec {
        KeySpec::None => Ok(None),
        KeySpec::Unknown(name) => Err(Reason::UnknownCredential {
            credential: name.to_string(),
        }),
        KeySpec::Builtin { var, provider } => {
            let key = env_then_secret(var, alias_secret, env, secrets, || {
                format!("{provider}-creds")
            })?;
            Ok(Some(key))
        }
        KeySpec::Credential {
            credential,
            index,
            standard_var,
            turn,
        } => {
            if let Some(pool) = Pool::of(index, credential, alias_secret) {
                return pool.key(turn, env, secrets, &|_| true).map(Some);
            }
            let var = credential.api_key_env().or(standard_var);
            let no_source = || Reason::NoKeySource {
                credential: credential.name().to_string(),
            };
            match credential.kind() {
                CredentialKind::Env => {
                    let var = var.ok_or_else(no_source)?;
                    let vars = Pool::new(index, credential, alias_secret);
                    vars.lookup(var, env, secrets).map(Some)
                }
                CredentialKind::File => match from_env(var, env)? {
                    Some(found) => Ok(Some(found)),
                    None => {
                        let path = credential.path().ok_or_else(no_source)?;
                        file_key(path, var, secrets).map(Some)
                    }
                },
                CredentialKind::Command => match from_env(var, env)? {
                    Some(found) => Ok(Some(found)),
                    None => match credential.command().first() {
                        Some(program) => command_key(program, credential, var, secrets).map(Some),
                        None => Err(no_source()),
                    },
                },
                CredentialKind::Keyring => match from_env(var, env)? {
                    Some(found) => Ok(Some(found)),
                    None => match (credential.service(), credential.account()) {
                        (Some(service), Some(account)) => {
                            keyring_key((service, account), var, secrets).map(Some)
                        }
                        _ => Err(no_source()),
                    },
                },
            }
        }
    }
}

/// The variables of a `kind = "env"` credential, each looked up the same way (the env var,
/// then the linked secret): one variable, or a key pool (`api_key_env = ["A", "B"]`) whose
/// variables are tried in turn.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pool<'a> {
    pub(crate) credential: &'a Credential,
    /// Where the config holds the credential: its pool's turn counter.
    pub(crate) index: usize,
    secret: Option<&'a str>,
}

impl<'a> Pool<'a> {
    /// The variables of `credential` (at `index` in the config), falling back to
    /// `alias_secret` when it links no secret.
    fn new(index: usize, credential: &'a Credential, alias_secret: Option<&'a str>) -> Self {
        Pool {
            credential,
            index,
            secret: credential.secret().or(alias_secret),
        }
    }

    /// The key pool of `credential`, when it has one: more than one variable on a
    /// `kind = "env"` credential.
    pub(crate) fn of(
        index: usize,
        credential: &'a Credential,
        alias_secret: Option<&'a str>,
    ) -> Option<Self> {
        (credential.is_pool() && credential.kind() == CredentialKind::Env)
            .then(|| Pool::new(index, credential, alias_secret))
    }

    /// The variables, in the order written.
    pub(crate) fn vars(&self) -> impl Iterator<Item = &'a str> {
        self.credential.api_key_envs().iter().map(|v| &**v)
    }

    /// One variable's key, or why it has none.
    pub(crate) fn lookup(
        &self,
        var: &'a str,
        env: &dyn Env,
        secrets: &dyn SecretSource,
    ) -> Result<Found<'a>, Reason> {
        env_then_secret(var, self.secret, env, secrets, || {
            self.credential.name().replace('_', "-")
        })
    }

    /// The first key found from the variable at `turn` on, skipping the variables `usable`
    /// refuses (keys cooling down). When none is found: why the first variable tried has none,
    /// or, when every variable was refused, [`Reason::PoolCoolingDown`].
    pub(crate) fn key(
        &self,
        turn: usize,
        env: &dyn Env,
        secrets: &dyn SecretSource,
        usable: &dyn Fn(&str) -> bool,
    ) -> Result<Found<'a>, Reason> {
        let vars = self.credential.api_key_envs();
        let mut first_error = None;
        for i in 0..vars.len() {
            let var = &*vars[(turn + i) % vars.len()];
            if !usable(var) {
                continue;
            }
            match self.lookup(var, env, secrets) {
                Ok(found) => return Ok(found),
                Err(reason) => {
                    first_error.get_or_insert(reason);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Reason::PoolCoolingDown {
            credential: self.credential.name().to_string(),
            vars: vars.iter().map(|v| v.to_string()).collect(),
        }))
    }
}

/// `kind = "file"`: the key in the file at `path`.
fn file_key<'a>(
    path: &'a str,
    var: Option<&str>,
    secrets: &dyn SecretSource,
) -> Result<Found<'a>, Reason> {
    let unreadable = |error| Reason::FileUnreadable {
        var: var.map(str::to_string),
        path: path.to_string(),
        error,
    };
    match secrets.read_file(Path::new(path)) {
        Ok(value) if !value.expose_secret().trim().is_empty() => {
            Ok(Found::new(value, KeySource::File { path }))
        }
        Ok(_) => Err(unreadable(SourceError::FileEmpty { path: path.into() })),
        Err(error) => Err(unreadable(error)),
    }
}

/// `kind = "command"`: the key the credential's command prints; `program` is its argv\[0\].
fn command_key<'a>(
    program: &'a str,
    credential: &Credential,
    var: Option<&str>,
    secrets: &dyn SecretSource,
) -> Result<Found<'a>, Reason> {
    let args: Vec<&str> = credential.command().iter().map(|a| &**a).collect();
    let failed = |error: SourceError| Reason::CommandFailed {
        var: var.map(str::to_string),
        program: program.to_string(),
        error,
    };
    let output = match credential.output() {
        crate::KeyOutput::Json => CommandOutput::Json,
        crate::KeyOutput::Line => CommandOutput::Line,
    };
    let spec = CommandSpec::new(&args).ttl(credential.ttl()).output(output);
    match secrets.command_key(&spec) {
        Ok(cached) if !cached.key.expose_secret().trim().is_empty() => {
            let mut found = Found::new(cached.key, KeySource::Command { program });
            if matches!(cached.freshness, KeyFreshness::Stale { .. }) {
                found.stale = Some(cached.freshness);
            }
            Ok(found)
        }
        Ok(_) => Err(failed(SourceError::CommandEmptyOutput {
            program: program.to_string(),
            stderr: String::new(),
        })),
        Err(error) => Err(failed(error)),
    }
}

/// `kind = "keyring"`: the key the OS credential store holds for `service` and `account`.
fn keyring_key<'a>(
    (service, account): (&'a str, &'a str),
    var: Option<&str>,
    secrets: &dyn SecretSource,
) -> Result<Found<'a>, Reason> {
    match secrets.read_keyring(service, account) {
        Ok(value) => Ok(Found::new(value, KeySource::Keyring { service, account })),
        Err(error) => Err(Reason::KeyringFailed {
            var: var.map(str::to_string),
            error,
        }),
    }
}

/// The env var, when it names one and it is set.
fn from_env<'a>(var: Option<&'a str>, env: &dyn Env) -> Result<Option<Found<'a>>, Reason> {
    let Some(var) = var else { return Ok(None) };
    match read_var(env, var) {
        EnvValue::Set(value) => Ok(Some(Found::new(value, KeySource::Env { var }))),
        EnvValue::Unset => Ok(None),
        EnvValue::NotUnicode => Err(Reason::EnvNotUnicode {
            var: var.to_string(),
        }),
    }
}

fn env_then_secret<'a>(
    var: &'a str,
    secret: Option<&'a str>,
    env: &dyn Env,
    secrets: &dyn SecretSource,
    suggest: impl FnOnce() -> String,
) -> Result<Found<'a>, Reason> {
    if let Some(found) = from_env(Some(var), env)? {
        return Ok(found);
    }
    let Some(secret) = secret else {
        return Err(Reason::EnvUnset {
            var: var.to_string(),
            suggested_secret: suggest(),
        });
    };
    match secrets.secret(secret) {
        Err(error) => Err(Reason::SecretStoreFailed {
            var: var.to_string(),
            secret: secret.to_string(),
            error,
        }),
        Ok(None) => Err(Reason::SecretMissing {
            var: var.to_string(),
            secret: secret.to_string(),
        }),
        Ok(Some(map)) => match map.get(var) {
            Some(value) if !value.expose_secret().trim().is_empty() => Ok(Found::new(
                value.clone(),
                KeySource::Secret { secret, key: var },
            )),
            _ => Err(Reason::SecretLacksKey {
                var: var.to_string(),
                secret: secret.to_string(),
            }),
        },
    }
}
