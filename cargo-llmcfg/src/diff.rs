//! The unified diff `migrate` prints, in time linear in the file.
//!
//! Myers (similar's default) costs O(N·D), and migrate changes a line per legacy backend, so D
//! grows with N: 32,000 backends took 125 s. Patience does not save it either: each legacy
//! `api_key_env = "X"` line reappears once in the new credentials block, so the unique-line
//! anchors cross. This diff uses what migrate does instead: it only replaces lines in place and
//! inserts blocks, never moves one. One pass over both texts — equal lines match; a line
//! followed by equal lines is a replacement; otherwise the shorter skip to the next occurrence
//! (an inserted or a deleted block) — gives a correct diff of any two texts, and the smallest
//! one for migrate's edits. Hunks are grouped and printed exactly as similar prints them.

use std::collections::HashMap;
use std::fmt::Write as _;

use similar::udiff::UnifiedHunkHeader;
use similar::{DiffOp, group_diff_ops};

/// A unified diff of `old` → `new` with `a/NAME` / `b/NAME` headers and 3 lines of context.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let hunks = group_diff_ops(ops(&old_lines, &new_lines), 3);
    let mut out = String::new();
    for (i, hunk) in hunks.iter().filter(|h| !h.is_empty()).enumerate() {
        if i == 0 {
            let _ = writeln!(out, "--- a/{name}\n+++ b/{name}");
        }
        let _ = writeln!(out, "{}", UnifiedHunkHeader::new(hunk));
        for op in hunk {
            let (tag, lines) = match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    (' ', &old_lines[old_index..old_index + len])
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => ('-', &old_lines[old_index..old_index + old_len]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => ('+', &new_lines[new_index..new_index + new_len]),
                DiffOp::Replace { .. } => continue,
            };
            for line in lines {
                out.push(tag);
                out.push_str(line);
                if !line.ends_with('\n') {
                    // similar marks a last line without a line break so.
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// Where each line occurs, ascending, with a cursor that only moves forward: the next
/// occurrence at or after a position that itself only moves forward costs O(1) amortized.
struct Occurrences<'t> {
    at: HashMap<&'t str, (Vec<usize>, usize)>,
}

impl<'t> Occurrences<'t> {
    fn of(lines: &[&'t str]) -> Self {
        let mut at: HashMap<&str, (Vec<usize>, usize)> = HashMap::new();
        for (i, line) in lines.iter().enumerate() {
            at.entry(line).or_default().0.push(i);
        }
        Self { at }
    }

    /// The first occurrence of `line` at or after `from`.
    fn next(&mut self, line: &str, from: usize) -> Option<usize> {
        let (positions, cursor) = self.at.get_mut(line)?;
        while positions.get(*cursor).is_some_and(|&p| p < from) {
            *cursor += 1;
        }
        positions.get(*cursor).copied()
    }
}

/// The edit from `old` to `new` as similar's ops (equal, delete, insert), in one pass.
fn ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let (mut in_old, mut in_new) = (Occurrences::of(old), Occurrences::of(new));
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        let same = old[i..]
            .iter()
            .zip(&new[j..])
            .take_while(|(a, b)| a == b)
            .count();
        if same > 0 {
            ops.push(DiffOp::Equal {
                old_index: i,
                new_index: j,
                len: same,
            });
            (i, j) = (i + same, j + same);
            continue;
        }
        let replaced = old
            .get(i + 1)
            .is_some_and(|next| new.get(j + 1) == Some(next));
        let inserted = in_new.next(old[i], j).map(|k| k - j);
        let deleted = in_old.next(new[j], i).map(|k| k - i);
        let (del, ins) = match (replaced, inserted, deleted) {
            (true, _, _) | (false, None, None) => (1, 1),
            (false, Some(a), Some(b)) if a <= b => (0, a),
            (false, Some(a), None) => (0, a),
            (false, _, Some(b)) => (b, 0),
        };
        if del > 0 {
            ops.push(DiffOp::Delete {
                old_index: i,
                old_len: del,
                new_index: j,
            });
        }
        if ins > 0 {
            ops.push(DiffOp::Insert {
                old_index: i + del,
                new_index: j,
                new_len: ins,
            });
        }
        (i, j) = (i + del, j + ins);
    }
    if i < old.len() {
        ops.push(DiffOp::Delete {
            old_index: i,
            old_len: old.len() - i,
            new_index: j,
        });
    }
    if j < new.len() {
        ops.push(DiffOp::Insert {
            old_index: old.len(),
            new_index: j,
            new_len: new.len() - j,
        });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legacy(n: usize) -> (String, String) {
        let mut old = String::from("[llm]\n");
        let mut new = String::from("[llm]\n");
        for i in 0..n {
            new.push_str(&format!(
                "\n[[llm.credentials]]\nname = \"k{i}\"\napi_key_env = \"K{i}\"\n"
            ));
        }
        for i in 0..n {
            let backend = format!("\n[[llm.backends]]\nname = \"b{i}\"\nkind = \"x\"\n");
            old.push_str(&backend);
            old.push_str(&format!("api_key_env = \"K{i}\"\nops = []\n"));
            new.push_str(&backend);
            new.push_str(&format!("credential_ref = \"k{i}\"\nops = []\n"));
        }
        (old, new)
    }

    #[test]
    fn a_migrate_edit_is_the_smallest_diff() {
        let (old, new) = legacy(200);
        let diff = unified_diff("llm.toml", &old, &new);
        let changed = diff
            .lines()
            .filter(|l| !l.starts_with("+++") && !l.starts_with("---"))
            .filter(|l| l.starts_with('+') || l.starts_with('-'))
            .count();
        // Four lines in per credential; one line out and one in per backend.
        assert_eq!(changed, 200 * 4 + 200 * 2, "{diff}");
    }

    #[test]
    fn hunks_are_printed_as_similar_prints_them() {
        let cases = [
            ("a\nb\nc\n", "a\nx\nc\n"),
            ("", "x\n"),
            ("x\n", ""),
            ("a\nb", "a\nc"),
            ("a\n", "a\nb"),
            ("a\nb", "a\nc\n"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                "1\n2\nX\n4\n5\n6\n7\n8\n9\nY\n10\n",
            ),
        ];
        for (old, new) in cases {
            let similar = similar::TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(3)
                .header("a/f", "b/f")
                .to_string();
            assert_eq!(unified_diff("f", old, new), similar, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn the_diff_reproduces_both_texts() {
        let (old, new) = legacy(50);
        let lines = |t: &str| {
            t.split_inclusive('\n')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let (o, n) = (lines(&old), lines(&new));
        let (mut rebuilt_old, mut rebuilt_new) = (String::new(), String::new());
        let o_ref: Vec<&str> = o.iter().map(String::as_str).collect();
        let n_ref: Vec<&str> = n.iter().map(String::as_str).collect();
        for op in ops(&o_ref, &n_ref) {
            for r in op.old_range() {
                rebuilt_old.push_str(&o[r]);
            }
            for r in op.new_range() {
                rebuilt_new.push_str(&n[r]);
            }
        }
        assert_eq!((rebuilt_old, rebuilt_new), (old, new));
    }
}
