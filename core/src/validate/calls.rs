//! The call-settings rules across entries: timeouts against the deadline they run under, and
//! each alias's fallbacks (unknown, itself, twice, in a cycle, serving none of its ops).

use std::collections::HashMap;
use std::time::Duration;

use super::alias_serves;
use crate::diagnostic::Span;
use crate::diags::{self, DeadlineFrom, Edge, Sink};
use crate::index::Index;
use crate::keys;
use crate::model::{Alias, CallSettings, LlmConfig, Spanned};
use crate::schema::calls::declared_duration;
use crate::suggest;

/// Runs the rules of this file.
pub(super) fn validate(config: &LlmConfig, index: &Index<'_>, sink: &mut Sink) {
    deadlines(config, sink);
    let by_name: HashMap<&str, usize> = config
        .aliases
        .iter()
        .enumerate()
        .rev() // the first alias of a repeated name wins, as everywhere
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    for alias in &config.aliases {
        fallbacks(config, index, (alias, &by_name), sink);
    }
    cycles(config, &by_name, sink);
}

/// The deadline a layer's timeouts run under: its own, else `[llm.calls]`'s, else the
/// built-in one.
fn deadline_of<'a>(
    own: Option<(&'a Spanned<Duration>, &'a str)>,
    calls: &'a CallSettings,
) -> (Duration, DeadlineFrom<'a>) {
    let written = own.or(calls.deadline.as_ref().map(|d| (d, "`[llm.calls]`")));
    match written {
        Some((d, place)) => (
            d.value,
            DeadlineFrom::Written {
                span: d.span,
                place,
            },
        ),
        None => (
            declared_duration(&keys::CALLS, "deadline").unwrap_or(Duration::MAX),
            DeadlineFrom::Default,
        ),
    }
}

fn check_timeouts(layer: &CallSettings, deadline: (Duration, DeadlineFrom<'_>), sink: &mut Sink) {
    let timeouts = [
        ("timeout", &layer.timeout),
        ("connect_timeout", &layer.connect_timeout),
    ];
    for (key, value) in timeouts {
        if let Some(t) = value
            && t.value > deadline.0
        {
            sink.push(diags::timeout_exceeds_deadline(
                t.span,
                (key, t.value),
                deadline,
            ));
        }
    }
}

fn deadlines(config: &LlmConfig, sink: &mut Sink) {
    let calls = &config.calls;
    check_timeouts(calls, deadline_of(None, calls), sink);
    for backend in &config.backends {
        check_timeouts(&backend.calls, deadline_of(None, calls), sink);
    }
    let places: Vec<String> = config
        .aliases
        .iter()
        .map(|a| format!("alias `{}`", a.name.value))
        .collect();
    for (alias, place) in config.aliases.iter().zip(&places) {
        let own = alias.calls.deadline.as_ref().map(|d| (d, place.as_str()));
        check_timeouts(&alias.calls, deadline_of(own, calls), sink);
    }
}

fn fallbacks(
    config: &LlmConfig,
    index: &Index<'_>,
    (alias, by_name): (&Alias, &HashMap<&str, usize>),
    sink: &mut Sink,
) {
    let name = alias.name.as_str();
    let mut seen: HashMap<&str, Span> = HashMap::with_capacity(alias.fallbacks.len());
    for fallback in &alias.fallbacks {
        let target = fallback.as_str();
        if let Some(first) = seen.get(target) {
            sink.push(diags::duplicate_fallback(
                fallback.span,
                *first,
                name,
                target,
            ));
            continue;
        }
        seen.insert(target, fallback.span);
        if target == name {
            sink.push(diags::fallback_self(fallback.span, name));
            continue;
        }
        let Some(&i) = by_name.get(target) else {
            let names = config.aliases.iter().map(|a| a.name.as_str());
            let near = suggest::closest(target, names);
            sink.push(diags::unknown_fallback(fallback.span, name, target, near));
            continue;
        };
        let other = &config.aliases[i];
        let ops: Vec<&str> = alias.ops.iter().map(|o| o.value.as_str()).collect();
        if !ops.is_empty()
            && !alias
                .ops
                .iter()
                .any(|o| alias_serves(index, other, o.value))
        {
            sink.push(diags::fallback_ops_unserved(
                fallback.span,
                name,
                target,
                &ops,
            ));
        }
    }
}

/// One alias on the walk's path: its edges (fallback alias, span of the fallback), the next
/// edge to follow, and the span of the edge that led here.
struct Step {
    alias: usize,
    out: Vec<(usize, Span)>,
    next: usize,
    via: Span,
}

/// Every cycle of the fallback graph (self-edges are `fallback-self`), found by one
/// depth-first walk with an explicit stack so a long chain cannot overflow the thread's; each
/// cycle is reported once, at the edge that closes it, with every edge shown.
fn cycles(config: &LlmConfig, by_name: &HashMap<&str, usize>, sink: &mut Sink) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let aliases = &config.aliases;
    let edges = |i: usize| -> Vec<(usize, Span)> {
        aliases[i]
            .fallbacks
            .iter()
            .filter_map(|f| by_name.get(f.as_str()).map(|&j| (j, f.span)))
            .filter(|&(j, _)| j != i)
            .collect()
    };
    let mut mark = vec![Mark::New; aliases.len()];
    for root in 0..aliases.len() {
        if mark[root] != Mark::New {
            continue;
        }
        let mut path: Vec<Step> = Vec::new();
        mark[root] = Mark::OnPath;
        path.push(Step {
            alias: root,
            out: edges(root),
            next: 0,
            via: Span::default(),
        });
        while let Some(step) = path.last_mut() {
            let Some(&(to, span)) = step.out.get(step.next) else {
                mark[step.alias] = Mark::Done;
                path.pop();
                continue;
            };
            step.next += 1;
            match mark[to] {
                Mark::New => {
                    mark[to] = Mark::OnPath;
                    path.push(Step {
                        alias: to,
                        out: edges(to),
                        next: 0,
                        via: span,
                    });
                }
                Mark::OnPath => report_cycle(config, &path, (to, span), sink),
                Mark::Done => {}
            }
        }
    }
}

/// The cycle from `to` along `path` back to `to`, closed by the edge at `closing`.
fn report_cycle(config: &LlmConfig, path: &[Step], (to, closing): (usize, Span), sink: &mut Sink) {
    let Some(start) = path.iter().position(|s| s.alias == to) else {
        return;
    };
    let name = |i: usize| config.aliases[i].name.as_str();
    let on_path = &path[start..];
    let mut edges: Vec<Edge<'_>> = on_path
        .windows(2)
        .map(|w| Edge {
            span: w[1].via,
            from: name(w[0].alias),
            to: name(w[1].alias),
        })
        .collect();
    let last = on_path.last().map_or(to, |s| s.alias);
    edges.push(Edge {
        span: closing,
        from: name(last),
        to: name(to),
    });
    // Start at the edge written first in the file, so the report does not depend on which
    // alias the walk began at.
    if let Some(first) = (0..edges.len()).min_by_key(|&i| edges[i].span.start) {
        edges.rotate_left(first);
    }
    sink.push(diags::fallback_cycle(&edges));
}

#[cfg(test)]
mod tests {
    use crate::{Code, Diagnostic, Options, check};

    fn diags(aliases: &str) -> Vec<Diagnostic> {
        let text = format!("[llm.aliases]\n{aliases}");
        check("t.toml", &text, &Options::default()).diagnostics
    }

    fn codes(aliases: &str) -> Vec<Code> {
        diags(aliases).iter().map(|d| d.code).collect()
    }

    #[test]
    fn fallbacks_to_known_aliases_are_clean() {
        let text = "smart = { model = \"anthropic/claude-sonnet-4\", fallbacks = [\"fast\", \"local\"] }\n\
                    fast = \"openai/gpt-5-nano\"\nlocal = \"ollama/llama3\"\n";
        assert!(codes(text).is_empty(), "{:#?}", diags(text));
    }

    #[test]
    fn unknown_self_and_duplicate_fallbacks_have_their_own_codes() {
        let unknown =
            diags("a = { model = \"openai/m\", fallbacks = [\"fsat\"] }\nfast = \"openai/n\"\n");
        assert_eq!(unknown.len(), 1, "{unknown:#?}");
        assert_eq!(unknown[0].code, Code::UnknownFallback);
        assert_eq!(unknown[0].label, "did you mean `fast`?");
        assert_eq!(
            codes("a = { model = \"openai/m\", fallbacks = [\"a\"] }\n"),
            [Code::FallbackSelf]
        );
        let twice = "a = { model = \"openai/m\", fallbacks = [\"b\", \"b\"] }\nb = \"openai/n\"\n";
        assert_eq!(codes(twice), [Code::DuplicateFallback]);
    }

    #[test]
    fn a_cycle_is_reported_once_with_every_edge() {
        let text = "a = { model = \"openai/m\", fallbacks = [\"b\"] }\n\
                    b = { model = \"openai/n\", fallbacks = [\"c\"] }\n\
                    c = { model = \"openai/o\", fallbacks = [\"a\"] }\n";
        let found = diags(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        let d = &found[0];
        assert_eq!(d.code, Code::FallbackCycle);
        assert_eq!(d.message, "fallback cycle: a → b → c → a");
        assert_eq!(d.label, "`a` falls back to `b`");
        let related: Vec<&str> = d.related.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(related, ["`b` falls back to `c`", "`c` falls back to `a`"]);
        let full = format!("[llm.aliases]\n{text}");
        assert_eq!(&full[d.span.range()], "\"b\"");
    }

    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        let n = 20_000;
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "a{i} = {{ model = \"openai/m\", fallbacks = [\"a{}\"] }}\n",
                (i + 1) % n
            ));
        }
        let found = codes(&text);
        assert_eq!(found, [Code::FallbackCycle]);
    }

    #[test]
    fn a_fallback_serving_none_of_the_ops_is_a_warning() {
        let text = "emb = { model = \"anthropic/claude\", ops = [\"embeddings\"], fallbacks = [\"chat\"] }\n\
                    chat = \"anthropic/claude-haiku\"\n";
        // Anthropic serves chat only: the alias's own op is unserved too (op-unserved).
        let found = codes(text);
        assert!(found.contains(&Code::FallbackOpsUnserved), "{found:?}");
        let fine = "emb = { model = \"openai/e\", ops = [\"embeddings\"], fallbacks = [\"other\"] }\n\
                    other = \"openai/e2\"\n";
        assert!(codes(fine).is_empty(), "{:#?}", diags(fine));
    }

    #[test]
    fn timeouts_longer_than_their_deadline_are_warnings() {
        let text = "[llm.calls]\ndeadline = \"60s\"\ntimeout = \"90s\"\n\
                    [llm.aliases]\nsmart = { model = \"openai/m\", timeout = \"120s\" }\n\
                    long = { model = \"openai/m\", timeout = \"120s\", deadline = \"5m\" }\n";
        let report = check("t.toml", text, &Options::default());
        let found: Vec<(Code, &str)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code, &text[d.span.range()]))
            .collect();
        assert_eq!(
            found,
            [
                (Code::TimeoutExceedsDeadline, "\"90s\""),
                (Code::TimeoutExceedsDeadline, "\"120s\"")
            ]
        );
        let d = &report.diagnostics[1];
        assert_eq!(d.related[0].message, "the deadline of `[llm.calls]`");
        // Against the built-in 90 s deadline when none is written.
        let text = "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\n\
                    connect_timeout = \"2m\"\n";
        let report = check("t.toml", text, &Options::default());
        let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::TimeoutExceedsDeadline]);
    }
}
