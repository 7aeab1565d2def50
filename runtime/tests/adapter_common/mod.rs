//! Shared by the adapter tests: configs of one backend kind per `wiremock` server, a resolver
//! with a canary key, an executor on a manual clock, and a `tracing` layer capturing spans.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use llmcfg::call::{CallOverrides, Executor, ManualClock, StaticPlan};
use llmcfg::{Config, Resolver};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The key every backend uses; it must never show up in any output.
pub const CANARY: &str = "sk-canary-adapter-4b8d2e";

/// A backend: name, kind, base URL, `provider/model` it serves, priority tier.
pub struct B<'a>(pub &'a str, pub &'a str, pub &'a str, pub &'a str, pub i32);

/// One alias per distinct model, named by the model's position: `a0`, `a1`, …; backends in
/// the `priority` policy, so the pick and the failover order are the priority order.
pub fn config(backends: &[B<'_>]) -> &'static Config {
    let mut toml = String::from(
        "[llm]\ndefault_policy = \"priority\"\n\n[[llm.credentials]]\nname = \"k\"\napi_key_env = \"TEST_KEY\"\n",
    );
    let mut models: Vec<&str> = Vec::new();
    for B(name, kind, url, model, priority) in backends {
        let credential = if *kind == "ollama_chat" {
            String::new()
        } else {
            "credential_ref = \"k\"\n".to_string()
        };
        let ops = if *kind == "anthropic_messages" {
            "[\"chat_completions\"]"
        } else {
            "[\"chat_completions\", \"embeddings\"]"
        };
        toml.push_str(&format!(
            "\n[[llm.backends]]\nname = \"{name}\"\nkind = \"{kind}\"\nbase_url = \"{url}\"\n{credential}model = \"{model}\"\nops = {ops}\npriority = {priority}\n"
        ));
        if !models.contains(model) {
            models.push(model);
        }
    }
    toml.push_str("\n[llm.aliases]\n");
    for (i, model) in models.iter().enumerate() {
        toml.push_str(&format!("a{i} = \"{model}\"\n"));
    }
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e:?}\n{toml}"),
    }
}

pub fn resolver(config: &'static Config) -> &'static Resolver<'static> {
    let env = BTreeMap::from([("TEST_KEY".to_string(), CANARY.to_string())]);
    let r = Resolver::builder(config)
        .env(env)
        .seed(1)
        .build()
        .expect("resolver");
    Box::leak(Box::new(r))
}

/// No retries unless a test asks: each failure is one attempt.
pub fn no_retries() -> StaticPlan {
    StaticPlan::builder()
        .calls(CallOverrides {
            max_retries: Some(0),
            ..CallOverrides::NONE
        })
        .build()
}

pub fn executor(config: &'static Config, plan: StaticPlan) -> (Executor<'static>, ManualClock) {
    let clock = ManualClock::new();
    let e = Executor::builder(resolver(config))
        .plan(plan)
        .clock(clock.clone())
        .seed(7)
        .build();
    (e, clock)
}

/// The header of a received request, as text.
pub fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The JSON body of a received request.
pub fn body(request: &wiremock::Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

#[derive(Clone, Debug, Default)]
pub struct Captured {
    pub name: &'static str,
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<(u64, Captured)>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut c = Captured {
            name: attrs.metadata().name(),
            ..Captured::default()
        };
        attrs.record(&mut Fields(&mut c.fields));
        self.0.lock().expect("lock").push((id.into_u64(), c));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().expect("lock");
        if let Some((_, c)) = spans.iter_mut().rev().find(|(i, _)| *i == id.into_u64()) {
            values.record(&mut Fields(&mut c.fields));
        }
    }
}

impl Capture {
    /// The fields of every span named `name`, in creation order.
    pub fn spans(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let spans = self.0.lock().expect("lock");
        spans
            .iter()
            .filter(|(_, c)| c.name == name)
            .map(|(_, c)| c.fields.clone())
            .collect()
    }
    /// Every span's fields as one text, to search for a leaked key.
    pub fn all_text(&self) -> String {
        let spans = self.0.lock().expect("lock");
        format!("{:?}", spans.iter().map(|(_, c)| c).collect::<Vec<_>>())
    }
}

thread_local! {
    /// The capture of the test running on this thread, if any.
    static ACTIVE: std::cell::RefCell<Option<Capture>> = const { std::cell::RefCell::new(None) };
}

/// The one global subscriber's layer: hands each span to the capture of the test running on
/// the thread that made it. A global subscriber (rather than `with_default` per test) keeps
/// every callsite's interest "always": with scoped subscribers, a callsite first reached by a
/// test without one can cache "never" and hide the spans another test asserts.
struct Router;

impl<S: tracing::Subscriber> Layer<S> for Router {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        ACTIVE.with(|a| {
            if let Some(c) = a.borrow().as_ref() {
                c.on_new_span(attrs, id, ctx);
            }
        });
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        ACTIVE.with(|a| {
            if let Some(c) = a.borrow().as_ref() {
                c.on_record(id, values, ctx);
            }
        });
    }
}

/// Runs `f` on a fresh current-thread runtime, capturing the spans it makes.
pub fn captured<F: std::future::Future<Output = ()>>(f: F) -> Capture {
    static GLOBAL: std::sync::Once = std::sync::Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(Router);
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
    });
    let capture = Capture::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    ACTIVE.with(|a| *a.borrow_mut() = Some(capture.clone()));
    rt.block_on(f);
    ACTIVE.with(|a| *a.borrow_mut() = None);
    capture
}

/// A span's field.
pub fn field<'a>(span: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    span.get(name).map(String::as_str)
}
