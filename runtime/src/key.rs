//! API keys as `secrecy` values whose `Debug` and `Display` never show them, and where a key
//! came from (named by variable, secret, file or program, never by value).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// An API key. `Debug` and `Display` print `[REDACTED]`; the value is reached only through
/// [`ApiKey::expose_secret`]. The memory is zeroed when the key is dropped.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a secret value.
    pub fn new(value: SecretString) -> Self {
        Self(value)
    }

    /// The key itself, to put in an `Authorization` header. Do not log it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The key as a [`SecretString`].
    pub fn as_secret(&self) -> &SecretString {
        &self.0
    }

    /// Unwraps the [`SecretString`].
    pub fn into_secret(self) -> SecretString {
        self.0
    }
}

impl From<SecretString> for ApiKey {
    fn from(value: SecretString) -> Self {
        Self(value)
    }
}

impl From<String> for ApiKey {
    fn from(value: String) -> Self {
        Self(SecretString::from(value))
    }
}

impl ExposeSecret<str> for ApiKey {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Where a resolved key was found. Names only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource<'a> {
    /// The environment variable of that name.
    Env {
        /// The variable's name.
        var: &'a str,
    },
    /// The secret-store entry `secret`, under `key`.
    Secret {
        /// The secret's name.
        secret: &'a str,
        /// The key inside the secret (the env-var name).
        key: &'a str,
    },
    /// A file (`kind = "file"`).
    File {
        /// The file's path.
        path: &'a str,
    },
    /// A secret manager's CLI (`kind = "command"`).
    Command {
        /// The program run (argv\[0\]).
        program: &'a str,
    },
    /// The OS credential store (`kind = "keyring"`).
    Keyring {
        /// The entry's service.
        service: &'a str,
        /// The entry's account.
        account: &'a str,
    },
}

/// What kind of place a key comes from, for machine-readable output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySourceKind {
    /// An environment variable.
    Env,
    /// The secret store.
    Secret,
    /// A key file.
    File,
    /// A key command.
    Command,
    /// The OS credential store.
    Keyring,
}

impl KeySourceKind {
    /// `"env"`, `"secret"`, `"file"` or `"command"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Env => "env",
            Self::Secret => "secret",
            Self::File => "file",
            Self::Command => "command",
            Self::Keyring => "keyring",
        }
    }
}

impl fmt::Display for KeySourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl KeySource<'_> {
    /// The kind of place.
    pub fn kind(&self) -> KeySourceKind {
        match self {
            KeySource::Env { .. } => KeySourceKind::Env,
            KeySource::Secret { .. } => KeySourceKind::Secret,
            KeySource::File { .. } => KeySourceKind::File,
            KeySource::Command { .. } => KeySourceKind::Command,
            KeySource::Keyring { .. } => KeySourceKind::Keyring,
        }
    }
}

impl fmt::Display for KeySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Env { var } => write!(f, "env {var}"),
            KeySource::Secret { secret, key } => write!(f, "secret `{secret}` key {key}"),
            KeySource::File { path } => write!(f, "file {path}"),
            KeySource::Command { program } => write!(f, "command `{program}`"),
            KeySource::Keyring { service, account } => {
                write!(f, "keyring service `{service}` account `{account}`")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_redacted() {
        let key = ApiKey::from("sk-canary-123".to_string());
        assert_eq!(format!("{key}"), "[REDACTED]");
        assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
        assert_eq!(
            format!("{:?}", Some(key.clone())),
            "Some(ApiKey([REDACTED]))"
        );
        assert_eq!(key.expose_secret(), "sk-canary-123");
        assert_eq!(key.into_secret().expose_secret(), "sk-canary-123");
    }

    #[test]
    fn sources_show_names() {
        let s = KeySource::Secret {
            secret: "openai-creds",
            key: "OPENAI_API_KEY",
        };
        assert_eq!(s.to_string(), "secret `openai-creds` key OPENAI_API_KEY");
        assert_eq!(KeySource::Env { var: "X" }.to_string(), "env X");
        assert_eq!(s.kind(), KeySourceKind::Secret);
        assert_eq!(KeySource::File { path: "/k" }.kind().as_str(), "file");
    }
}
