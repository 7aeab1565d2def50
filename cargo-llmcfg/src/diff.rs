//! The unified diff `migrate` prints. Myers (similar's default) costs O(N·D) and migrate changes
//! one line per legacy backend, so D grows with N: 32,000 backends took 125 s. Patience anchors
//! on lines that occur once on each side — every backend's `name = "…"` — and runs Myers only
//! between neighbouring anchors, a few lines apart, so the whole diff is near-linear. A deadline
//! bounds the odd file without unique lines: past it, similar finishes with a coarser (still
//! correct) diff.

use std::time::{Duration, Instant};

use similar::{Algorithm, TextDiff};

/// How long the diff may search for the smallest edit before settling for a correct one.
const DEADLINE: Duration = Duration::from_secs(2);

/// A unified diff of `old` → `new` with `a/NAME` / `b/NAME` headers and 3 lines of context.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .deadline(Instant::now() + DEADLINE)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a unified diff's `+`/`-`/` ` lines to nothing but themselves: the old side and
    /// the new side it describes.
    fn sides(diff: &str) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        for line in diff.split_inclusive('\n').skip(2) {
            match line.split_at(1) {
                ("-", rest) => old.push_str(rest),
                ("+", rest) => new.push_str(rest),
                (" ", rest) => {
                    old.push_str(rest);
                    new.push_str(rest);
                }
                _ => {}
            }
        }
        (old, new)
    }

    #[test]
    fn a_migrate_shaped_edit_is_a_small_exact_diff() {
        let mut old = String::from("[llm]\n");
        let mut new = String::from("[llm]\n\n[[llm.credentials]]\nname = \"k\"\n");
        for i in 0..200 {
            let backend = format!("\n[[llm.backends]]\nname = \"b{i}\"\nkind = \"x\"\n");
            old.push_str(&backend);
            old.push_str("api_key_env = \"K\"\n");
            new.push_str(&backend);
            new.push_str("credential_ref = \"k\"\n");
        }
        let diff = unified_diff("llm.toml", &old, &new);
        let changed = diff
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .count();
        // One line out and one in per backend, three lines in for the credential.
        assert_eq!(changed, 200 * 2 + 3, "{diff}");
        // Every hunk is whole: with full context the sides are the two texts.
        let full = TextDiff::configure()
            .algorithm(Algorithm::Patience)
            .diff_lines(&old, &new)
            .unified_diff()
            .context_radius(usize::MAX / 4)
            .header("a", "b")
            .to_string();
        assert_eq!(sides(&full), (old, new));
    }
}
