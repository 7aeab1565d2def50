//! "Did you mean …?" for misspelled keys, kinds, ops and references.

/// The candidate closest to `word`, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score =
            if candidate.eq_ignore_ascii_case(word) || normalize(candidate) == normalize(&lower) {
                // Case or separator slips (`Chat-Completions`) are always what was meant.
                2.0
            } else {
                strsim::jaro_winkler(&lower, &candidate.to_ascii_lowercase())
            };
        if score >= 0.82 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// ` (did you mean `x`?)`-style suffix, or nothing.
pub(crate) fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates).map_or_else(String::new, |c| format!("did you mean `{c}`?"))
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
    fn lists_read_naturally() {
        assert_eq!(one_of(["a"]), "`a`");
        assert_eq!(one_of(["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
