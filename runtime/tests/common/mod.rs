//! Builds runtime configs for tests and benchmarks the way generated code does (through
//! `llmcfg::__private`), with owned data, and in-memory environments and secret sources.
#![allow(dead_code, unreachable_pub)]

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use llmcfg::__private as p;
use llmcfg::source::SourceError;
use llmcfg::{
    Backend, BackendKind, Config, Credential, CredentialKind, Hosting, Op, Policy, SecretMap,
    SecretSource, SecretSourceError, SecretString, Transport,
};
use llmcfg_core::vocab::{backend_serves_model, provider_of_backend, split_model};

fn s(v: &str) -> Cow<'static, str> {
    Cow::Owned(v.to_string())
}

fn os(v: Option<&str>) -> Option<Cow<'static, str>> {
    v.map(s)
}

/// A credential under construction.
#[derive(Clone, Debug)]
pub struct Cred {
    pub name: String,
    pub kind: CredentialKind,
    pub env: Option<String>,
    pub secret: Option<String>,
    pub path: Option<String>,
    pub command: Vec<String>,
}

pub fn cred(name: &str, env: &str) -> Cred {
    Cred {
        name: name.into(),
        kind: CredentialKind::Env,
        env: Some(env.into()),
        secret: None,
        path: None,
        command: Vec::new(),
    }
}

impl Cred {
    pub fn secret(mut self, secret: &str) -> Self {
        self.secret = Some(secret.into());
        self
    }
    pub fn file(mut self, path: &str) -> Self {
        self.kind = CredentialKind::File;
        self.path = Some(path.into());
        self
    }
    pub fn command(mut self, argv: &[&str]) -> Self {
        self.kind = CredentialKind::Command;
        self.command = argv.iter().map(|a| a.to_string()).collect();
        self
    }
    pub fn no_env(mut self) -> Self {
        self.env = None;
        self
    }
}

/// A backend under construction.
#[derive(Clone, Debug)]
pub struct Back {
    pub name: String,
    pub kind: BackendKind,
    pub url: String,
    pub cred: Option<String>,
    pub model: Option<String>,
    pub ops: Vec<Op>,
    pub features: Vec<String>,
    pub transports: Vec<Transport>,
    pub weight: u32,
    pub priority: i32,
    pub timeout: Option<std::time::Duration>,
}

pub fn back(name: &str, url: &str) -> Back {
    Back {
        name: name.into(),
        kind: BackendKind::OpenaiChatCompletion,
        url: url.into(),
        cred: None,
        model: None,
        ops: vec![Op::ChatCompletions],
        features: Vec::new(),
        transports: vec![Transport::Http],
        weight: 100,
        priority: 0,
        timeout: None,
    }
}

/// An OpenAI backend (`provider = openai`), optionally with a credential.
pub fn openai(name: &str) -> Back {
    back(name, "https://api.openai.com/v1")
}

impl Back {
    pub fn cred(mut self, c: &str) -> Self {
        self.cred = Some(c.into());
        self
    }
    pub fn model(mut self, m: &str) -> Self {
        self.model = Some(m.into());
        self
    }
    pub fn kind(mut self, k: BackendKind) -> Self {
        self.kind = k;
        self
    }
    pub fn ops(mut self, ops: &[Op]) -> Self {
        self.ops = ops.to_vec();
        self
    }
    pub fn features(mut self, f: &[&str]) -> Self {
        self.features = f.iter().map(|x| x.to_string()).collect();
        self
    }
    pub fn transports(mut self, t: &[Transport]) -> Self {
        self.transports = t.to_vec();
        self
    }
    pub fn weight(mut self, w: u32) -> Self {
        self.weight = w;
        self
    }
    pub fn priority(mut self, p: i32) -> Self {
        self.priority = p;
        self
    }
    pub fn timeout(mut self, t: std::time::Duration) -> Self {
        self.timeout = Some(t);
        self
    }
}

/// An alias under construction.
#[derive(Clone, Debug)]
pub struct Al {
    pub name: String,
    pub model: String,
    pub secret: Option<String>,
    pub backend: Option<String>,
}

pub fn alias(name: &str, model: &str) -> Al {
    Al {
        name: name.into(),
        model: model.into(),
        secret: None,
        backend: None,
    }
}

impl Al {
    pub fn secret(mut self, s: &str) -> Self {
        self.secret = Some(s.into());
        self
    }
    pub fn backend(mut self, b: &str) -> Self {
        self.backend = Some(b.into());
        self
    }
}

/// A whole config.
#[derive(Clone, Debug, Default)]
pub struct Cfg {
    pub policy: Policy,
    pub default_alias: Option<String>,
    pub creds: Vec<Cred>,
    pub backends: Vec<Back>,
    pub aliases: Vec<Al>,
}

impl Cfg {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn policy(mut self, p: Policy) -> Self {
        self.policy = p;
        self
    }
    pub fn default_alias(mut self, a: &str) -> Self {
        self.default_alias = Some(a.into());
        self
    }
    pub fn cred(mut self, c: Cred) -> Self {
        self.creds.push(c);
        self
    }
    pub fn back(mut self, b: Back) -> Self {
        self.backends.push(b);
        self
    }
    pub fn alias(mut self, a: Al) -> Self {
        self.aliases.push(a);
        self
    }

    /// Builds the runtime config as the macro would: credential indices, provider of each
    /// backend, alias candidates (pinned backend, else every backend serving the model), aliases
    /// sorted with their positions, env vars sorted and deduplicated.
    pub fn build(&self) -> Config {
        let credentials: Vec<_> = self.creds.iter().map(Cred::build).collect();
        let providers: Vec<Option<&'static str>> = self
            .backends
            .iter()
            .map(|b| provider_of_backend(b.kind, &b.url).map(|p| p.name))
            .collect();
        let backends: Vec<_> = self
            .backends
            .iter()
            .zip(&providers)
            .map(|(b, provider)| self.backend(b, *provider))
            .collect();
        let mut aliases: Vec<_> = self
            .aliases
            .iter()
            .map(|a| self.alias_parts(a, &providers))
            .collect();
        aliases.sort_by(|a, b| a.name.cmp(&b.name));
        let aliases = (0u32..)
            .zip(aliases)
            .map(|(position, parts)| p::alias(p::AliasParts { position, ..parts }))
            .collect();
        let mut env_vars: Vec<String> = self.creds.iter().filter_map(|c| c.env.clone()).collect();
        env_vars.sort();
        env_vars.dedup();
        p::config(p::ConfigParts {
            default_policy: self.policy,
            default_alias: os(self.default_alias.as_deref()),
            credentials: Cow::Owned(credentials),
            backends: Cow::Owned(backends),
            aliases: Cow::Owned(aliases),
            env_vars: Cow::Owned(env_vars.into_iter().map(Cow::Owned).collect()),
            calls: p::CallOverrides::NONE,
        })
    }

    fn backend(&self, b: &Back, provider: Option<&'static str>) -> Backend {
        let credential = b
            .cred
            .as_ref()
            .and_then(|r| self.creds.iter().position(|c| &c.name == r))
            .map(|i| i as u32);
        p::backend(p::BackendParts {
            name: s(&b.name),
            kind: b.kind,
            base_url: s(&b.url),
            credential_ref: os(b.cred.as_deref()),
            credential,
            hosting: Hosting::Remote,
            model: os(b.model.as_deref()),
            provider: provider.map(Cow::Borrowed),
            ops: Cow::Owned(b.ops.clone()),
            features: Cow::Owned(b.features.iter().map(|f| s(f)).collect()),
            transports: Cow::Owned(b.transports.clone()),
            weight: b.weight,
            priority: b.priority,
            auth_header: None,
            headers: Cow::Borrowed(&[]),
            calls: p::CallOverrides {
                timeout: b.timeout,
                ..p::CallOverrides::NONE
            },
        })
    }

    /// An alias's fields; its position is set once the aliases are sorted.
    fn alias_parts(&self, a: &Al, providers: &[Option<&'static str>]) -> p::AliasParts {
        let candidates: Vec<u32> = match &a.backend {
            Some(pinned) => self
                .backends
                .iter()
                .position(|b| &b.name == pinned)
                .map(|i| i as u32)
                .into_iter()
                .collect(),
            None => {
                let (pv, m) = split_model(&a.model).unwrap_or(("", &a.model));
                (0u32..)
                    .zip(self.backends.iter().zip(providers))
                    .filter(|(_, (b, prov))| {
                        backend_serves_model(b.model.as_deref(), **prov, pv, m)
                    })
                    .map(|(i, _)| i)
                    .collect()
            }
        };
        p::AliasParts {
            name: s(&a.name.to_ascii_lowercase()),
            model: s(&a.model),
            secret: os(a.secret.as_deref()),
            backend: os(a.backend.as_deref()),
            candidates: Cow::Owned(candidates),
            position: 0,
            fallbacks: Cow::Borrowed(&[]),
            calls: p::CallOverrides::NONE,
        }
    }
}

impl Cred {
    fn build(&self) -> Credential {
        p::credential(p::CredentialParts {
            name: s(&self.name),
            kind: self.kind,
            api_key_env: Cow::Owned(self.env.iter().map(|v| s(v)).collect()),
            secret: os(self.secret.as_deref()),
            path: os(self.path.as_deref()),
            command: Cow::Owned(self.command.iter().map(|a| s(a)).collect()),
            ttl: None,
            output: llmcfg::KeyOutput::Line,
            service: None,
            account: None,
        })
    }
}

/// An environment map.
pub fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// An in-memory secret source: secrets, key files and key commands.
#[derive(Clone, Debug, Default)]
pub struct FakeSecrets {
    pub secrets: BTreeMap<String, SecretMap>,
    pub files: BTreeMap<String, String>,
    pub commands: BTreeMap<String, String>,
    pub broken: bool,
}

impl FakeSecrets {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn secret(mut self, name: &str, pairs: &[(&str, &str)]) -> Self {
        let mut m = SecretMap::new();
        for (k, v) in pairs {
            m = m.with(*k, *v);
        }
        self.secrets.insert(name.into(), m);
        self
    }
    pub fn file(mut self, path: &str, value: &str) -> Self {
        self.files.insert(path.into(), value.into());
        self
    }
    pub fn command(mut self, program: &str, value: &str) -> Self {
        self.commands.insert(program.into(), value.into());
        self
    }
    pub fn broken(mut self) -> Self {
        self.broken = true;
        self
    }
}

impl SecretSource for FakeSecrets {
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        if self.broken {
            return Err(SecretSourceError::new(std::io::Error::other(
                "the store directory is world-writable",
            )));
        }
        Ok(self.secrets.get(name).cloned())
    }
    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        let key = path.to_string_lossy();
        self.files
            .get(key.as_ref())
            .map(|v| SecretString::from(v.clone()))
            .ok_or_else(|| SourceError::FileMissing {
                path: path.to_path_buf(),
            })
    }
    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        let program = argv.first().copied().unwrap_or("");
        self.commands
            .get(program)
            .map(|v| SecretString::from(v.clone()))
            .ok_or_else(|| SourceError::CommandFailed {
                program: argv.first().copied().unwrap_or("").to_string(),
                status: "exit status 1".to_string(),
                stderr: String::new(),
            })
    }
}
