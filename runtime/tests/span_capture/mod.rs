//! Shared by the tests that assert spans (`call_telemetry`, `adapter_*`): one global
//! subscriber whose layer hands each span to the capture of the test running on that thread.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

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
