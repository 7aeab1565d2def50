//! The one failure type of every command: the exit code, a stable code for JSON output and a
//! message for people. Messages name things, never a secret value.

use std::fmt;

use llmcfg::store::StoreError;

/// A command that could not do what was asked.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The process exit code: [`crate::exit::USAGE`] or [`crate::exit::FAILURE`].
    pub(crate) exit: u8,
    /// A short stable kebab-case code (`not-found`, `invalid-key`, …).
    pub(crate) code: &'static str,
    /// What went wrong and what to do instead.
    pub(crate) message: String,
}

impl Failure {
    /// Bad usage or unreadable input: exit 2.
    pub(crate) fn usage(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            exit: crate::exit::USAGE,
            code,
            message: message.into(),
        }
    }

    /// An operation that failed: exit 1.
    pub(crate) fn failed(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            exit: crate::exit::FAILURE,
            code,
            message: message.into(),
        }
    }

    /// Prints `error: …` on stderr and gives the exit code.
    pub(crate) fn report(self) -> u8 {
        eprintln!("error: {}", self.message);
        self.exit
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<StoreError> for Failure {
    /// The error with its chain of causes (`cannot read …: permission denied`); exit 1.
    fn from(err: StoreError) -> Self {
        Self::failed(err.code(), chain(&err))
    }
}

/// `err` followed by each of its sources, `: `-separated.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
