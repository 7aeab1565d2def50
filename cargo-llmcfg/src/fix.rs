//! `cargo llmcfg check --fix`: applies every machine-applicable suggestion of a config to its
//! file (byte-range edits, back to front, so comments and formatting stay as written), checks
//! again until nothing more applies, and writes the result atomically.

use std::path::Path;

use llmcfg_core::{Diagnostic, Edit, Span};

use crate::discover::{self, Target};
use crate::edit;
use crate::failure::Failure;

/// Rounds of fix-then-check: a fix can uncover another (a renamed key's value is read only
/// once the key is known), but never more than a few.
const MAX_ROUNDS: usize = 4;

/// What `--fix` did to one file.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Fixed {
    /// The text after the fixes.
    pub(crate) text: String,
    /// How many suggestions were applied.
    pub(crate) applied: usize,
}

/// `text` with the machine-applicable suggestions of its diagnostics applied, round after
/// round, as the config would be checked with `target`'s options.
pub(crate) fn fix_text(name: &str, text: &str, options: &llmcfg_core::Options) -> Fixed {
    let mut fixed = Fixed {
        text: text.to_string(),
        applied: 0,
    };
    for _ in 0..MAX_ROUNDS {
        let report = llmcfg_core::check(name, &fixed.text, options);
        let (next, applied) = apply(&fixed.text, &report.diagnostics);
        // A round that would leave a file that parsed no longer parsing is not taken: the
        // fixes are meant to be certain, and a broken file is worse than a reported one.
        let syntax = |r: &llmcfg_core::Report| {
            r.diagnostics
                .iter()
                .any(|d| d.code == llmcfg_core::Code::TomlSyntax)
        };
        if applied == 0 || (!syntax(&report) && syntax(&llmcfg_core::check(name, &next, options))) {
            break;
        }
        fixed.text = next;
        fixed.applied += applied;
    }
    fixed
}

/// Whether `a` and `b` touch the same bytes. Two insertions at one place do not: both go in,
/// in order.
fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// `text` with the machine-applicable suggestions of `diags` applied, and how many were. A
/// suggestion applies whole or not at all: one whose edit overlaps an edit already taken is
/// left (its diagnostic stays for the re-check to report). An edit equal to one already taken
/// is applied once, so two legacy backends reading one variable declare one credential. A
/// replacement that masking would change (anything key-shaped) is never written.
pub(crate) fn apply(text: &str, diags: &[Diagnostic]) -> (String, usize) {
    let mut taken: Vec<Edit> = Vec::new();
    let mut applied = 0;
    for suggestion in diags.iter().flat_map(Diagnostic::machine_fixes) {
        let new: Vec<&Edit> = suggestion
            .edits
            .iter()
            .filter(|e| !taken.contains(e))
            .collect();
        let safe = new.iter().all(|e| {
            llmcfg_core::render::mask_keys(&e.replacement) == e.replacement
                && text.is_char_boundary(e.span.start)
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.end)
                && e.span.start <= e.span.end
        });
        let clash = new
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(e.span, t.span)));
        if !safe || clash {
            continue;
        }
        taken.extend(new.into_iter().cloned());
        applied += 1;
    }
    // Stable: insertions at one place keep the order they were taken in.
    let mut order: Vec<usize> = (0..taken.len()).collect();
    order.sort_by_key(|&i| (taken[i].span.start, taken[i].span.end, i));
    let mut out = text.to_string();
    for &i in order.iter().rev() {
        let edit = &taken[i];
        out.replace_range(edit.span.range(), &edit.replacement);
    }
    (out, applied)
}

/// A config `--fix` cannot edit in place: standard input or anything but a regular file.
fn not_a_file(path: &Path) -> Option<Failure> {
    let name = discover::display(path);
    let why = if path.as_os_str() == "-" {
        "standard input cannot be fixed in place; write the config to a file and pass its path"
            .to_string()
    } else {
        match std::fs::symlink_metadata(edit::canonical(path)) {
            Ok(meta) if meta.is_file() => return None,
            Ok(_) => format!("{name} is not a regular file, so it cannot be fixed in place"),
            // Not found or unreadable: the check that follows reports it as usual.
            Err(_) => return None,
        }
    };
    Some(Failure::usage(
        "fix-input",
        format!("--fix edits files: {why}"),
    ))
}

/// Fixes `target`'s file in place under the edit lock, saying on stderr what it did.
pub(crate) fn fix_target(target: &Target) -> Result<(), Failure> {
    if let Some(refused) = not_a_file(&target.path) {
        return Err(refused);
    }
    let name = discover::display(&target.path);
    let _lock = edit::lock(&target.path)
        .map_err(|e| Failure::failed("lock", format!("cannot lock {name} for editing: {e}")))?;
    let Ok((name, text)) = target.read() else {
        // Unreadable or not UTF-8: `check` reports it as it does without `--fix`.
        return Ok(());
    };
    let fixed = fix_text(&name, &text, &target.options());
    if fixed.text == text {
        eprintln!("{}: nothing to fix", crate::text::escape_line(&name));
        return Ok(());
    }
    edit::write_config(&target.path, &text, &fixed.text)
        .map_err(|e| Failure::usage("write", format!("cannot write {name}: {e}")))?;
    eprintln!(
        "{}: applied {}",
        crate::text::escape_line(&name),
        crate::text::plural(fixed.applied, "fix", "fixes")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcfg_core::{Applicability, Code};

    fn fix(span: Span, replacement: &str) -> Diagnostic {
        Diagnostic::new(Code::UnknownField, span, "x").with_fix(
            "rename",
            (span, replacement.to_string()),
            Applicability::MachineApplicable,
        )
    }

    #[test]
    fn edits_apply_back_to_front_and_overlaps_are_left() {
        let text = "abc def ghi";
        let diags = [
            fix(Span::new(0, 3), "ABC"),
            fix(Span::new(8, 11), "GHI"),
            fix(Span::new(1, 2), "x"),
        ];
        assert_eq!(apply(text, &diags), ("ABC def GHI".to_string(), 2));
    }

    #[test]
    fn equal_edits_apply_once_and_guesses_never() {
        let text = "a b";
        let guess = Diagnostic::new(Code::UnknownField, Span::new(2, 3), "x").with_fix(
            "maybe",
            (Span::new(2, 3), "B".to_string()),
            Applicability::MaybeIncorrect,
        );
        let diags = [
            fix(Span::new(0, 0), "# x\n"),
            fix(Span::new(0, 0), "# x\n"),
            guess,
        ];
        assert_eq!(apply(text, &diags), ("# x\na b".to_string(), 2));
    }

    #[test]
    fn key_shaped_replacements_are_never_written() {
        let diags = [fix(Span::new(0, 1), "sk-proj-Canary0123456789abcdefXYZ")];
        assert_eq!(apply("a", &diags), ("a".to_string(), 0));
    }

    #[test]
    fn standard_input_is_refused() {
        assert!(not_a_file(Path::new("-")).is_some());
    }
}
