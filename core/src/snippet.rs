//! What a report may print of the file: text with key-shaped tokens masked and control
//! characters escaped, and one source line cut to a window around the span it shows.
//!
//! Every renderer goes through here, so a key pasted where TOML does not expect it (and so
//! never seen by the validator), a terminal escape sequence or a 100,000-character line reaches
//! no output, whatever the format.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use crate::diagnostic::SourceFile;

/// The most characters of one source line a snippet shows; longer lines are cut around the span.
pub(crate) const MAX_LINE_CHARS: usize = 120;

/// Marks a cut end of a line.
const CUT: char = '…';

/// The byte order mark, which editors do not show and columns do not count.
const BOM: char = '\u{feff}';

/// Whether `c` is a control character to escape: C0 controls except tab and line feed, DEL and
/// the C1 controls (U+0080–U+009F, which some terminals read as escape sequences).
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Writes `c` as a report shows it: controls as `\u{1b}`, everything else as is.
fn push_shown(out: &mut String, c: char) {
    if is_hostile(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// `text` with every control character but tab and line feed written as `\u{1b}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    text.chars().for_each(|c| push_shown(&mut out, c));
    Cow::Owned(out)
}

/// Whether a token (a run of letters, digits, `-` and `_`) is shaped like a key: a provider's
/// key prefix with enough after it, or a long run of mixed-case letters and digits.
fn is_key_token(token: &str) -> bool {
    if crate::parse::has_key_prefix(token) {
        return true;
    }
    let (mut lower, mut upper, mut digit) = (false, false, false);
    for c in token.chars() {
        lower |= c.is_ascii_lowercase();
        upper |= c.is_ascii_uppercase();
        digit |= c.is_ascii_digit();
    }
    token.len() >= 32 && lower && upper && digit
}

/// The byte ranges of the key-shaped tokens in `text`.
pub(crate) fn key_tokens(text: &str) -> Vec<Range<usize>> {
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_part(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_part(bytes[i]) {
            i += 1;
        }
        // Tokens are ASCII, so the range is on char boundaries.
        if is_key_token(&text[start..i]) {
            found.push(start..i);
        }
    }
    found
}

/// `text` with every key-shaped token replaced by as many `*`: a key pasted unquoted, inside an
/// argument or in a URL is masked wherever the text is shown. Byte offsets are kept.
pub fn mask_keys(text: &str) -> Cow<'_, str> {
    let tokens = key_tokens(text);
    if tokens.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for token in tokens {
        out.push_str(&text[at..token.start]);
        out.extend(std::iter::repeat_n('*', token.len()));
        at = token.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// A message, label or name as reports print it: keys masked, controls escaped.
pub fn clean(text: &str) -> String {
    escape_controls(&mask_keys(text)).into_owned()
}

/// One source line as a snippet prints it: keys masked, tabs as one space, controls escaped,
/// the leading byte order mark dropped, and cut to [`MAX_LINE_CHARS`] characters around a
/// focus with `…` at each cut end. Columns here are characters of [`LineView::text`].
#[derive(Debug)]
pub(crate) struct LineView {
    /// What is printed.
    pub(crate) text: String,
    /// The file offset of the line's first byte (after a byte order mark).
    line_start: usize,
    /// The shown part of the line, as byte offsets into the line text.
    window: Range<usize>,
    /// The masked line text, from `line_start`.
    masked: String,
    /// Whether the line is cut before the window.
    cut_before: bool,
}

impl LineView {
    /// Line `line` (1-based) of `source`, cut around file offset `focus` when it is too long.
    pub(crate) fn new(source: &SourceFile, line: usize, focus: Option<usize>) -> Self {
        let mut line_start = source.line_start(line);
        let mut raw = source.line_text(line);
        if line_start == 0
            && let Some(rest) = raw.strip_prefix(BOM)
        {
            line_start = BOM.len_utf8();
            raw = rest;
        }
        let masked = mask_keys(raw).into_owned();
        let chars = masked.chars().count();
        let focus_char = focus.map_or(0, |f| {
            let f = f.saturating_sub(line_start).min(masked.len());
            masked.char_indices().take_while(|(i, _)| *i < f).count()
        });
        let (from, to) = if chars <= MAX_LINE_CHARS {
            (0, chars)
        } else {
            // A third of the window before the span, the rest for the span and what follows.
            let from = focus_char
                .saturating_sub(MAX_LINE_CHARS / 3)
                .min(chars - MAX_LINE_CHARS);
            (from, from + MAX_LINE_CHARS)
        };
        let byte_at = |n: usize| {
            masked
                .char_indices()
                .nth(n)
                .map_or(masked.len(), |(i, _)| i)
        };
        let window = byte_at(from)..byte_at(to);
        let mut text = String::new();
        if from > 0 {
            text.push(CUT);
        }
        for c in masked[window.clone()].chars() {
            match c {
                '\t' => text.push(' '),
                c => push_shown(&mut text, c),
            }
        }
        if to < chars {
            text.push(CUT);
        }
        LineView {
            text,
            line_start,
            window,
            masked,
            cut_before: from > 0,
        }
    }

    /// Where file offset `offset` falls in [`LineView::text`]: its 0-based character column and
    /// byte offset. Offsets before the window map to its start, after it past the closing `…`.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let in_line = offset
            .saturating_sub(self.line_start)
            .min(self.masked.len());
        let in_window = in_line.clamp(self.window.start, self.window.end);
        let (mut column, mut byte) = if self.cut_before {
            (1, CUT.len_utf8())
        } else {
            (0, 0)
        };
        let mut scratch = String::new();
        for (i, c) in self.masked[self.window.clone()].char_indices() {
            if self.window.start + i >= in_window {
                break;
            }
            scratch.clear();
            match c {
                '\t' => scratch.push(' '),
                c => push_shown(&mut scratch, c),
            }
            column += scratch.chars().count();
            byte += scratch.len();
        }
        if in_line > self.window.end && self.window.end < self.masked.len() {
            // Past the cut: after the `…` that stands for the rest, so the marks cover it.
            column += 1;
            byte += CUT.len_utf8();
        }
        (column, byte)
    }

    /// The character width of [`LineView::text`].
    pub(crate) fn width(&self) -> usize {
        self.text.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_wherever_they_stand() {
        let key = "sk-proj-Canary0123456789abcdefXYZ";
        for text in [
            format!("api_key_env = {key}"),
            format!("command = [\"vault\", \"--token={key}\"]"),
            format!("base_url = \"https://user:{key}@host/v1?k={key}\""),
            format!("x = \"a8F3kLq92mZx7Pw4Rt6Yb1NcQw5Er8Ty\" # {key}"),
        ] {
            let masked = mask_keys(&text);
            assert!(!masked.contains(key), "{masked}");
            assert!(!masked.contains("a8F3kLq92mZx7Pw4Rt6Yb1Nc"), "{masked}");
            assert_eq!(masked.len(), text.len(), "offsets are kept");
        }
        for plain in [
            "model = \"anthropic/claude-3-5-sonnet-20241022\"",
            "api_key_env = \"OPENAI_API_KEY\"",
            "name = \"sk-short\"",
        ] {
            assert!(matches!(mask_keys(plain), Cow::Borrowed(_)), "{plain}");
        }
    }

    #[test]
    fn controls_are_escaped_and_tabs_kept() {
        assert_eq!(escape_controls("a\u{1b}[2J\tb\r"), "a\\u{1b}[2J\tb\\u{d}");
        assert_eq!(clean("\u{9b}x"), "\\u{9b}x");
    }

    #[test]
    fn long_lines_are_cut_around_the_focus() {
        let line = format!("{}x = 1{}", "a".repeat(70_000), "b".repeat(500));
        let source = SourceFile::new("l.toml", line.as_str());
        let view = LineView::new(&source, 1, Some(70_000));
        assert!(view.width() <= MAX_LINE_CHARS + 2, "{}", view.width());
        assert!(view.text.starts_with(CUT) && view.text.ends_with(CUT));
        let (column, byte) = view.position(70_000);
        assert_eq!(view.text[byte..].chars().next(), Some('x'));
        assert_eq!(view.text.chars().nth(column), Some('x'));
        // Past the window: after the cut mark, so a span running on is marked up to its `…`.
        let (end, _) = view.position(line.len());
        assert_eq!(end, view.width());
    }

    #[test]
    fn a_bom_and_controls_shift_nothing() {
        let source = SourceFile::new("b.toml", "\u{feff}é\u{1b} = x");
        let view = LineView::new(&source, 1, None);
        assert_eq!(view.text, "é\\u{1b} = x");
        let x = source.text().find('x').unwrap_or_default();
        let (column, byte) = view.position(x);
        assert_eq!((column, &view.text[byte..]), (10, "x"));
    }
}
