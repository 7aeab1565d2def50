//! The fixes of each producer, seen through [`crate::check`]: where each edit goes, what it
//! writes, how sure it is; and the knock-on warnings an error already explains.

use crate::{Applicability, Code, Diagnostic, Options, check};

const BACKEND: &str = "[[llm.backends]]\nname = \"b\"\nkind = \"openai_chat_completion\"\n\
                       base_url = \"https://api.openai.com/v1\"\n";

/// The file with the machine-applicable fixes of its diagnostics applied (back to front).
fn fixed(text: &str) -> String {
    let report = check("x.toml", text, &Options::default());
    let mut edits: Vec<_> = report
        .diagnostics
        .iter()
        .flat_map(Diagnostic::machine_fixes)
        .flat_map(|s| s.edits.iter().cloned())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    edits.dedup();
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.range(), &e.replacement);
    }
    out
}

fn codes(text: &str) -> Vec<Code> {
    let report = check("x.toml", text, &Options::default());
    report.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_misspelled_key_is_renamed_in_place() {
    let text = format!("[llm]\n{BACKEND}opz = [\"chat_completions\"] # ops\n");
    assert_eq!(
        fixed(&text),
        text.replace("opz = ", "ops = "),
        "the comment stays"
    );
    let quoted = format!("[llm]\n{BACKEND}\"opz\" = [\"chat_completions\"]\n");
    assert!(fixed(&quoted).contains("\nops = [\"chat_completions\"]"));
}

#[test]
fn vocabulary_words_are_replaced_with_quotes() {
    let text = format!("[llm]\n{BACKEND}ops = [\"chat_completion\", \"embedings\"]\n");
    assert!(fixed(&text).contains("ops = [\"chat_completions\", \"embeddings\"]"));
    let kind =
        "[llm]\n[[llm.backends]]\nname = \"b\"\nkind = \"openai\"\nops = [\"chat_completions\"]\n";
    assert!(fixed(kind).contains("kind = \"openai_chat_completion\""));
    let policy = "[llm]\ndefault_policy = \"round-robin\"\n";
    assert!(fixed(policy).contains("\"round_robin\""));
}

#[test]
fn references_are_fixed_only_when_one_name_is_close() {
    let text = "[llm]\ndefault_alias = \"fsat\"\n[llm.aliases]\nfast = \"openai/gpt-5-nano\"\n\
                slow = { model = \"openai/gpt-5\", fallbacks = [\"fats\"] }\n";
    let out = fixed(text);
    assert!(out.contains("default_alias = \"fast\""), "{out}");
    assert!(out.contains("fallbacks = [\"fast\"]"), "{out}");
    // `openai_a` and `openai_b` are both close to `openai_`: a guess, not applied.
    let two = format!(
        "[llm]\n[[llm.credentials]]\nname = \"openai_a\"\napi_key_env = \"A\"\n\
         [[llm.credentials]]\nname = \"openai_b\"\napi_key_env = \"B\"\n\
         {BACKEND}credential_ref = \"openai_\"\nops = [\"chat_completions\"]\n"
    );
    let report = check("x.toml", &two, &Options::default());
    let unknown = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownCredentialRef);
    let applicability = unknown
        .and_then(|d| d.suggestions.first())
        .map(|s| s.applicability);
    assert_eq!(applicability, Some(Applicability::MaybeIncorrect));
    assert_eq!(fixed(&two), two);
}

#[test]
fn a_legacy_backend_gets_a_credential_once() {
    let text = "[llm]\n\n# first\n[[llm.backends]]\nname = \"a\"\nkind = \"openai_chat_completion\"\n\
                base_url = \"https://api.openai.com/v1\"\napi_key_env = \"OPENAI_API_KEY\" # old\nops = [\"chat_completions\"]\n\n\
                [[llm.backends]]\nname = \"b\"\nkind = \"openai_chat_completion\"\n\
                base_url = \"https://api.openai.com/v1\"\napi_key_env = \"OPENAI_API_KEY\"\nops = [\"embeddings\"]\n";
    let out = fixed(text);
    assert_eq!(out.matches("[[llm.credentials]]").count(), 1, "{out}");
    assert!(
        out.starts_with("[llm]\n\n[[llm.credentials]]\nname = \"openai\"\n"),
        "{out}"
    );
    assert!(out.contains("\n# first\n[[llm.backends]]"), "{out}");
    assert!(out.contains("credential_ref = \"openai\" # old"), "{out}");
    assert_eq!(codes(&out), Vec::<Code>::new(), "{out}");
}

#[test]
fn a_legacy_key_value_is_never_copied_into_a_fix() {
    let text = format!("[llm]\n{BACKEND}api_key_env = \"sk-proj-Canary0123456789abcdefXYZ\"\n");
    let report = check("x.toml", &text, &Options::default());
    assert!(report.diagnostics.iter().all(|d| d.suggestions.is_empty()));
}

#[test]
fn knock_on_warnings_are_dropped() {
    // A reference close to no credential: neither credential is reported unused.
    let far = format!(
        "[llm]\n[[llm.credentials]]\nname = \"openai\"\napi_key_env = \"A\"\n\
         {BACKEND}credential_ref = \"zzz\"\nops = [\"chat_completions\"]\n"
    );
    assert_eq!(codes(&far), [Code::UnknownCredentialRef]);
    // A legacy backend whose variable a credential reads: that credential is the fix.
    let legacy = format!(
        "[llm]\n[[llm.credentials]]\nname = \"openai\"\napi_key_env = \"OPENAI_API_KEY\"\n\
         {BACKEND}api_key_env = \"OPENAI_API_KEY\"\nops = [\"chat_completions\"]\n"
    );
    assert_eq!(codes(&legacy), [Code::LegacyApiKeyEnv]);
    // An alias pinned to an unknown backend: its ops are not also reported unserved.
    let pinned = format!(
        "[llm]\n{BACKEND}ops = [\"chat_completions\"]\n[llm.aliases]\n\
         fast = {{ model = \"openai/gpt-5-nano\", backend = \"c\", ops = [\"embeddings\"] }}\n"
    );
    assert_eq!(codes(&pinned), [Code::UnknownBackendRef]);
}

#[test]
fn a_repeated_list_item_goes_with_its_comma() {
    let text =
        format!("[llm]\n{BACKEND}ops = [\"embeddings\", \"chat_completions\", \"embeddings\"]\n");
    assert!(fixed(&text).contains("ops = [\"embeddings\", \"chat_completions\"]\n"));
    // A comment between: left for a person.
    let commented = format!("[llm]\n{BACKEND}ops = [\"embeddings\", # why\n  \"embeddings\"]\n");
    assert_eq!(fixed(&commented), commented);
    let comma_in_comment = commented.replace("# why", "# why,");
    assert_eq!(fixed(&comma_in_comment), comma_in_comment);
}

#[test]
fn guesses_are_offered_but_never_applied() {
    let text = "[llm]\n[llm.aliases]\nfast = \"gpt-5-nano\"\n";
    let report = check("x.toml", text, &Options::default());
    let fix = report.diagnostics[0].suggestions.first().map(|s| {
        let e = &s.edits[0];
        (
            &text[e.span.range()],
            e.replacement.as_str(),
            s.applicability,
        )
    });
    assert_eq!(
        fix,
        Some((
            "\"gpt-5-nano\"",
            "\"openai/gpt-5-nano\"",
            Applicability::MaybeIncorrect
        ))
    );
    assert_eq!(fixed(text), text);
}
