//! The literal of each entry: `__credential(__CredentialParts { … })` and its kin, written
//! with only the fields that differ from the runtime's `*Parts::DEFAULT` (the rest come from
//! `..__D`, each module's copy of it). At 10,000 entries the omitted fields are most of the
//! expansion, and every token is read, resolved and type-checked by the compiler.
//!
//! The defaults compared with here are those of `runtime/src/config.rs`; nothing but a test
//! holds the two together (`runtime/tests/generated_matches_load.rs` builds a config setting
//! every field, and one leaving every field out, both ways and compares them).

use std::time::Duration;

use crate::lower::{CallLayer, LoweredAlias, LoweredBackend};
use crate::model::Credential;
use crate::vocab::{BackendKind, CredentialKind, Hosting, KeyOutput, RetryClass, Transport};

use super::tokens::W;

/// The fields of each `*Parts` struct (and of `CallOverrides`, below): when a literal writes
/// them all, it must not add `..__D`, an update clippy reports in the user's crate.
const CREDENTIAL_FIELDS: usize = 10;
const BACKEND_FIELDS: usize = 16;
const ALIAS_FIELDS: usize = 8;

/// The fields of a struct literal being written, counted.
struct Fields<'w> {
    w: &'w mut W,
    written: usize,
}

impl Fields<'_> {
    /// `name: value,` unless `is_default`: the base `..__D` holds the same value.
    fn set(&mut self, is_default: bool, name: &str, value: impl FnOnce(&mut W)) {
        if !is_default {
            self.w.field(name, value);
            self.written += 1;
        }
    }
}

/// `ctor(ty { fields… ..__D })`.
fn literal(w: &mut W, ctor: &str, ty: &str, total: usize, fields: impl FnOnce(&mut Fields<'_>)) {
    w.ident(ctor).paren(|w| {
        w.ident(ty).brace(|w| {
            let mut f = Fields { w, written: 0 };
            fields(&mut f);
            if f.written < total {
                w.op2('.').ident("__D");
            }
        });
    });
}

pub(super) fn credential(w: &mut W, c: &Credential) {
    let command: Vec<&str> = c
        .command
        .iter()
        .flat_map(|cmd| cmd.value.iter())
        .map(String::as_str)
        .collect();
    let output = c.output.map(|o| o.value).unwrap_or_default();
    literal(
        w,
        "__credential",
        "__CredentialParts",
        CREDENTIAL_FIELDS,
        |f| {
            f.set(c.name.value.is_empty(), "name", |w| {
                w.borrowed(&c.name.value);
            });
            f.set(c.kind == CredentialKind::Env, "kind", |w| {
                w.word("__CredentialKind", c.kind.ident());
            });
            f.set(c.api_key_env.is_empty(), "api_key_env", |w| {
                w.list(&c.api_key_env, |w, v| {
                    w.borrowed(v.as_str());
                });
            });
            opt_str(f, "secret", c.secret.as_ref().map(|s| s.as_str()));
            opt_str(f, "path", c.path.as_ref().map(|s| s.as_str()));
            f.set(command.is_empty(), "command", |w| {
                w.list(&command, |w, arg| {
                    w.borrowed(arg);
                });
            });
            f.set(c.ttl.is_none(), "ttl", |w| {
                if let Some(ttl) = c.ttl {
                    some_duration(w, ttl.value);
                }
            });
            f.set(output == KeyOutput::Line, "output", |w| {
                w.word("__KeyOutput", output.ident());
            });
            opt_str(f, "service", c.service.as_ref().map(|s| s.as_str()));
            opt_str(f, "account", c.account.as_ref().map(|s| s.as_str()));
        },
    );
}

/// An `Option<Str>` field, `None` by default.
fn opt_str(f: &mut Fields<'_>, name: &str, value: Option<&str>) {
    f.set(value.is_none(), name, |w| {
        w.opt_borrowed(value);
    });
}

pub(super) fn backend(w: &mut W, lb: &LoweredBackend<'_>) {
    let b = lb.backend;
    literal(w, "__backend", "__BackendParts", BACKEND_FIELDS, |f| {
        f.set(b.name.value.is_empty(), "name", |w| {
            w.borrowed(&b.name.value);
        });
        f.set(
            b.kind.value == BackendKind::OpenaiChatCompletion,
            "kind",
            |w| {
                w.word("__BackendKind", b.kind.value.ident());
            },
        );
        f.set(b.base_url.value.is_empty(), "base_url", |w| {
            w.borrowed(&b.base_url.value);
        });
        opt_str(
            f,
            "credential_ref",
            b.credential_ref.as_ref().map(|s| s.as_str()),
        );
        f.set(lb.credential.is_none(), "credential", |w| {
            if let Some(i) = lb.credential {
                w.ident("__some").paren(|w| {
                    w.num(i, "u32");
                });
            }
        });
        f.set(b.hosting == Hosting::Remote, "hosting", |w| {
            w.word("__Hosting", b.hosting.ident());
        });
        opt_str(f, "model", b.model.as_ref().map(|s| s.as_str()));
        opt_str(f, "provider", lb.provider);
        f.set(b.ops.is_empty(), "ops", |w| {
            w.list(&b.ops, |w, op| {
                w.word("__Op", op.value.ident());
            });
        });
        f.set(b.features.is_empty(), "features", |w| {
            w.list(&b.features, |w, feature| {
                w.borrowed(&feature.value);
            });
        });
        let http_only = b.transports.iter().map(|t| t.value).eq([Transport::Http]);
        f.set(http_only, "transports", |w| {
            w.list(&b.transports, |w, t| {
                w.word("__Transport", t.value.ident());
            });
        });
        f.set(b.weight == 100, "weight", |w| {
            w.num(b.weight, "u32");
        });
        f.set(b.priority == 0, "priority", |w| {
            w.num(b.priority, "i32");
        });
        opt_str(f, "auth_header", b.auth_header.as_ref().map(|s| s.as_str()));
        f.set(b.headers.is_empty(), "headers", |w| {
            w.list(&b.headers, |w, (name, value)| {
                w.paren(|w| {
                    w.borrowed(&name.value).punct(',').borrowed(&value.value);
                });
            });
        });
        f.set(lb.calls.is_empty(), "calls", |w| call_layer(w, &lb.calls));
    });
}

pub(super) fn alias(w: &mut W, la: &LoweredAlias<'_>) {
    let a = la.alias;
    literal(w, "__alias", "__AliasParts", ALIAS_FIELDS, |f| {
        f.set(a.name.value.is_empty(), "name", |w| {
            w.borrowed(&a.name.value);
        });
        f.set(a.model.value.is_empty(), "model", |w| {
            w.borrowed(&a.model.value);
        });
        opt_str(f, "secret", a.secret.as_ref().map(|s| s.as_str()));
        opt_str(f, "backend", a.backend.as_ref().map(|s| s.as_str()));
        f.set(la.candidates.is_empty(), "candidates", |w| {
            w.list(&la.candidates, |w, &i| {
                w.num(i, "u32");
            });
        });
        f.set(la.position == 0, "position", |w| {
            w.num(la.position, "u32");
        });
        f.set(la.fallbacks.is_empty(), "fallbacks", |w| {
            w.list(&la.fallbacks, |w, fallback| {
                w.borrowed(fallback);
            });
        });
        f.set(la.calls.is_empty(), "calls", |w| call_layer(w, &la.calls));
    });
}

/// `__some(__Duration::new(secs, nanos))`.
fn some_duration(w: &mut W, d: Duration) {
    w.ident("__some").paren(|w| {
        w.word("__Duration", "new").paren(|w| {
            w.num(d.as_secs(), "u64")
                .punct(',')
                .num(d.subsec_nanos(), "u32");
        });
    });
}

/// `__some(n)`.
fn some_count(w: &mut W, n: u32) {
    w.ident("__some").paren(|w| {
        w.num(n, "u32");
    });
}

/// `__some(__RetryOn::NONE.union(__RetryOn::of(__RetryClass::…))…)`.
fn some_classes(w: &mut W, classes: &[RetryClass]) {
    w.ident("__some").paren(|w| {
        w.word("__RetryOn", "NONE");
        for class in classes {
            w.punct('.').ident("union").paren(|w| {
                w.word("__RetryOn", "of").paren(|w| {
                    w.word("__RetryClass", class.ident());
                });
            });
        }
    });
}

macro_rules! setting {
    (duration, $w:expr, $value:expr) => {
        some_duration($w, *$value)
    };
    (count, $w:expr, $value:expr) => {
        some_count($w, *$value)
    };
    (classes, $w:expr, $value:expr) => {
        some_classes($w, $value)
    };
}

macro_rules! call_layer_writer {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// One layer of call settings: only the fields the file sets, the rest `NONE`.
        pub(super) fn call_layer(w: &mut W, layer: &CallLayer) {
            if layer.is_empty() {
                w.word("__CallOverrides", "NONE");
                return;
            }
            let count = [$(stringify!($field)),*].len();
            w.ident("__CallOverrides").brace(|w| {
                let mut set = 0;
                $(if let Some(value) = &layer.$field {
                    w.field(stringify!($field), |w| setting!($kind, w, value));
                    set += 1;
                })*
                // `..NONE` only when something is left to fill: with every field set it is a
                // needless update that clippy reports in the user's crate.
                if set < count {
                    w.op2('.').word("__CallOverrides", "NONE");
                }
            });
        }
    };
}
crate::call_settings!(call_layer_writer);
