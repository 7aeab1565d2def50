//! The call: run one request against the backends an alias resolves to, with timeouts,
//! retries, failover, fallbacks, a breaker per backend and telemetry, around whatever client
//! the application uses.
//!
//! An [`Executor`] takes the request (an alias or `provider/model`, and the op, as a
//! [`Request`](crate::Request)) and a closure performing one attempt against a [`Target`]:
//! the model name to send, the base URL, the key (an [`ApiKey`](crate::ApiKey), still
//! redacting), the [`AuthScheme`] of the backend's kind, this attempt's timeouts and its
//! number. It returns the closure's value with every [`Attempt`] ([`Called`]), or a
//! [`CallError`] listing each attempt with its reason. Neither holds a key.
//!
//! - [`Executor::call`] (feature `tokio`) is async and enforces each attempt's timeout.
//! - [`Executor::stream`] (feature `tokio`) opens a stream and commits to it at its first
//!   chunk.
//! - [`Executor::call_blocking`] needs no async runtime: it sleeps the calling thread.
//!
//! # Order of attempts
//!
//! The selection policy's pick, then the alias's other usable candidates in failover order
//! ([`Resolver::failover`](crate::Resolver::failover)), then each fallback alias of the
//! requested alias, in order (its pick, then its other candidates). Fallbacks of fallbacks
//! are not followed. Every attempt starts before the call's `deadline`; none starts after it,
//! and each attempt's timeout is cut to what is left of it.
//!
//! # What each failure does
//!
//! The closure's error is classified through [`Classify`] (implemented for HTTP statuses,
//! [`HttpStatus`], `std::io::Error` and, with feature `reqwest`, for `reqwest::Error` and
//! [`HttpError`]):
//!
//! - rate limited, server error, timeout, connect: retried on the same backend (when the
//!   class is in `retry_on`, up to `max_retries` times) after exponential backoff with full
//!   jitter, or after the backend's `Retry-After` (seconds or an HTTP date) when it sent one;
//!   a wait that would end after the deadline is not taken: the call fails over instead. A
//!   refused connection (nothing listens) fails over at once ([`Failure::fail_over`]);
//! - auth and other: fail over at once, without retrying;
//! - bad request: the call fails at once ([`CallErrorKind::BadRequest`]).
//!
//! # Backend health
//!
//! Shared by every clone of an executor and across threads. After `allowed_fails`
//! consecutive failures (bad requests and `other` failures do not count) a backend is skipped
//! for `cooldown`; then one attempt is let through as a probe (half-open): its success closes
//! the breaker, its failure opens it for another `cooldown`. A backend that has not yet
//! answered, or whose last attempt failed, takes at most `allowed_fails` attempts in flight at
//! once, so a burst of concurrent calls cannot all hit a dead backend; a call whose only
//! candidates left are such saturated backends waits for a slot (within its deadline).
//!
//! **When every candidate is cooling down**, the call does not wait for a cooldown to end: it
//! fails at once with [`CallErrorKind::CoolingDown`], whose message lists each backend with
//! the time left on its cooldown (or that another call is probing it). A call that tried some
//! backends and found the rest cooling down fails with [`CallErrorKind::Exhausted`].
//!
//! # Settings and their precedence
//!
//! Each setting of an attempt comes from the alias's layer if it sets it, else the
//! backend's, else `[llm.calls]`, else the built-in default ([`CallPolicy::layered`]). The
//! config file declares the layers (`[llm.calls]`; `timeout`, `connect_timeout`,
//! `first_chunk_timeout`, `idle_timeout`, `max_retries` on a backend; those and `deadline` on
//! an alias) and each alias's `fallbacks`. A [`CallPlan`] given to the executor (such as a
//! [`StaticPlan`]) sits above the file within each layer, and its fallbacks for an alias
//! replace the file's. An attempt on a fallback alias uses that alias's layer; `deadline` is
//! the requested alias's, else `[llm.calls]`'s.
//!
//! | setting | built-in default | meaning |
//! |---|---|---|
//! | `timeout` | 30 s | one attempt, from connect to last byte (a stream: until it is open) |
//! | `connect_timeout` | 5 s | handed to the closure for its client |
//! | `deadline` | 90 s | the whole call: retries, failover and fallbacks |
//! | `first_chunk_timeout` | 10 s | streaming: the wait for the first chunk |
//! | `idle_timeout` | 30 s | streaming: the longest gap between chunks |
//! | `max_retries` | 2 | retries per backend |
//! | `retry_on` | rate_limit, server_error, timeout, connect | the classes retried |
//! | `backoff` | 250 ms initial, 10 s max | full jitter: uniform in `0..=min(max, initial·2ⁿ)` |
//! | `allowed_fails` | 3 | consecutive failures before a cooldown (`0`: no breaker) |
//! | `cooldown` | 30 s | how long a failing backend is skipped |
//!
//! # Streaming
//!
//! Retries and failover happen only until the first chunk: a stream whose first chunk does
//! not come within `first_chunk_timeout` is a timeout failure like any other. After it, the
//! [`CallStream`] is the caller's: a gap longer than `idle_timeout`, the deadline or the
//! stream's own error ends it with a [`StreamError`] saying how many chunks were delivered.
//!
//! # Time
//!
//! Deadlines, cooldowns, latencies and the waits between attempts use the executor's
//! [`Clock`] ([`SystemClock`] by default). The timeouts of a running attempt are real timers
//! of the async runtime, since they bound real I/O. Tests use [`ManualClock`], whose sleeps
//! return at once and move its time forward, so a 2 s `Retry-After` takes no real time while
//! requests still go over real sockets (tokio's paused time would instead jump to the next
//! timer whenever the runtime waits on a socket, firing attempt timeouts that never happened).
//!
//! # Telemetry
//!
//! With feature `tracing`, a `llmcfg.call` span per call and a `llmcfg.attempt` span per
//! attempt, attributed per the OpenTelemetry GenAI semantic conventions:
//! `gen_ai.operation.name` (`chat` when the request names no op), `gen_ai.provider.name`,
//! `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.usage.input_tokens`,
//! `gen_ai.usage.output_tokens` (from the value's [`Usage`]), `server.address`,
//! `server.port`, `error.type`, plus `llmcfg.alias`, `llmcfg.backend`, `llmcfg.attempt`,
//! `llmcfg.fallback_from` and, for streams, `llmcfg.time_to_first_chunk_ms`. No key, prompt
//! or completion text is recorded.
//!
//! # Example
//!
//! ```
//! use llmcfg::call::{Executor, HttpStatus};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = llmcfg::Config::from_toml_str(r#"
//!     [[llm.backends]]
//!     name = "local"
//!     kind = "ollama_chat"
//!     base_url = "http://127.0.0.1:11434"
//!     ops = ["chat_completions"]
//!     [llm.aliases]
//!     fast = "ollama/llama3.2"
//! "#)?;
//! let resolver = llmcfg::Resolver::builder(&config).env(std::collections::BTreeMap::new()).build()?;
//! let executor = Executor::new(&resolver);
//! let called = executor.call_blocking("fast", |target| {
//!     // A real closure sends the request here, with `target.timeout()`.
//!     assert_eq!(target.model_name(), "llama3.2");
//!     Ok::<_, HttpStatus>(format!("sent to {}", target.base_url()))
//! })?;
//! assert_eq!(called.value, "sent to http://127.0.0.1:11434");
//! assert_eq!(called.backend(), Some("local"));
//! # Ok(())
//! # }
//! ```

mod blocking;
mod classify;
mod clock;
mod executor;
#[cfg(feature = "tokio")]
mod future;
mod health;
#[cfg(feature = "reqwest")]
mod http;
mod keys;
mod plan;
mod policy;
mod record;
mod run;
#[cfg(feature = "tokio")]
mod stream;
mod target;
mod telemetry;
mod usage;

pub use classify::{Classify, Failure, FailureClass, HttpStatus, parse_retry_after};
#[cfg(feature = "tokio")]
pub use clock::Sleep;
pub use clock::{Clock, ManualClock, SystemClock};
pub use executor::{Executor, ExecutorBuilder};
#[cfg(feature = "reqwest")]
pub use http::{HttpError, status_of};
pub use plan::{CallPlan, Defaults, StaticPlan, StaticPlanBuilder};
pub use policy::{Backoff, CallOverrides, CallPolicy, RetryOn};
pub use record::{Attempt, CallError, CallErrorKind, Called, Outcome};
#[cfg(feature = "tokio")]
pub use stream::{CallStream, StreamError, StreamErrorKind};
pub use target::{AuthScheme, Target};
pub use usage::Usage;
