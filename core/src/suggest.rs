//! "Did you mean …?" for misspelled keys, kinds, ops and references, and how sure a fix is.

use crate::diagnostic::Applicability;

/// The candidate closest to `word` and how sure the guess is, when one is close enough to be
/// what was meant. [`Applicability::MachineApplicable`] when the guess is a case or separator
/// slip, or one or two typed characters away (an insertion, deletion, substitution or swap)
/// with no other close candidate as few away; [`Applicability::MaybeIncorrect`] otherwise
/// (`openai_` is as close to `openai_a` as to `openai_b`).
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, Applicability)> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    let mut close: Vec<(&'a str, bool)> = Vec::new();
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let slip =
            candidate.eq_ignore_ascii_case(word) || normalize(candidate) == normalize(&lower);
        // Case or separator slips (`Chat-Completions`) are always what was meant.
        let score = if slip {
            2.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_ascii_lowercase())
        };
        if score < 0.82 {
            continue;
        }
        if !close.iter().any(|(c, _)| *c == candidate) {
            close.push((candidate, slip));
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    let (_, found) = best?;
    let typos = |c: &str| strsim::osa_distance(&lower, &c.to_ascii_lowercase());
    let slips = close.iter().filter(|(_, slip)| *slip).count();
    let sure = match close.iter().find(|(c, _)| *c == found) {
        Some((_, true)) => slips == 1,
        _ => {
            let d = typos(found);
            d <= 2 && close.iter().all(|(c, _)| *c == found || typos(c) > d)
        }
    };
    let applicability = if sure {
        Applicability::MachineApplicable
    } else {
        Applicability::MaybeIncorrect
    };
    Some((found, applicability))
}

/// The candidate closest to `word`, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(word, candidates).map(|(c, _)| c)
}

/// `"word"` as a TOML basic string, for a replacement; `None` when it would need escapes (a
/// fix is only offered for text that can be written back as it reads).
pub fn quoted(word: &str) -> Option<String> {
    let plain = !word
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control());
    plain.then(|| format!("\"{word}\""))
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `a`, `b` or `c` — for "expected one of" lists.
pub(crate) fn one_of<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let words: Vec<String> = words.into_iter().map(|w| format!("`{w}`")).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let ops = ["chat_completions", "embeddings", "speech_to_text"];
        assert_eq!(
            did_you_mean("chat_completion", ops),
            Some("chat_completions")
        );
        assert_eq!(
            did_you_mean("Chat-Completions", ops),
            Some("chat_completions")
        );
        assert_eq!(did_you_mean("embedings", ops), Some("embeddings"));
        assert_eq!(did_you_mean("xyz", ops), None);
        assert_eq!(
            did_you_mean("credential_rf", ["credential_ref", "name"]),
            Some("credential_ref")
        );
    }

    #[test]
    fn only_a_single_close_candidate_is_certain() {
        let sure = Some(("credential_ref", Applicability::MachineApplicable));
        assert_eq!(closest("credential_rf", ["credential_ref", "name"]), sure);
        // Two names as close as each other: a guess, not a fix to apply unasked.
        let guess = closest("openai_", ["openai_a", "openai_b"]).map(|(_, a)| a);
        assert_eq!(guess, Some(Applicability::MaybeIncorrect));
        // A case slip is certain even when other words are close.
        assert_eq!(
            closest("Embedding", ["embedding", "embeddings"]),
            Some(("embedding", Applicability::MachineApplicable))
        );
        assert_eq!(closest("xyz", ["abc"]), None);
        // `default_policy` is close too, but `default_alias` is one swap away.
        assert_eq!(
            closest("defualt_alias", ["default_alias", "default_policy"]),
            Some(("default_alias", Applicability::MachineApplicable))
        );
        // Close in spelling but three edits away: a guess.
        let far = closest("crdentail_rf", ["credential_ref"]).map(|(_, a)| a);
        assert_eq!(far, Some(Applicability::MaybeIncorrect));
    }

    #[test]
    fn replacements_are_plain_toml_strings() {
        assert_eq!(quoted("openai").as_deref(), Some("\"openai\""));
        assert_eq!(quoted("a\"b"), None);
        assert_eq!(quoted("a\\b"), None);
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(one_of(["a"]), "`a`");
        assert_eq!(one_of(["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
