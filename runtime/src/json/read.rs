//! A strict pull reader of JSON text (RFC 8259): the caller asks for the value it expects
//! (an object, a string, a number, `null`) or skips one, so a form is read in one pass with no
//! tree and no copy of a string that holds no escape.

use zeroize::Zeroizing;

use super::{Error, Key, Problem};

/// The deepest nesting read or skipped (serde_json's limit): deeper input is refused, not
/// recursed into.
pub(crate) const MAX_DEPTH: usize = 128;

/// What a value is, by its first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// The kind in an error: "expected a string, found a number".
    pub(crate) fn described(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// A position in a JSON document and the values read from it so far.
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    /// The input when it is known to be UTF-8 (read from a `&str`): its strings are sliced
    /// from it rather than validated again.
    text: Option<&'a str>,
    pos: usize,
    depth: usize,
}

impl<'a> From<&'a [u8]> for Reader<'a> {
    fn from(input: &'a [u8]) -> Self {
        Reader {
            input,
            text: None,
            pos: 0,
            depth: 0,
        }
    }
}

impl<'a> From<&'a str> for Reader<'a> {
    fn from(text: &'a str) -> Self {
        Reader {
            text: Some(text),
            ..Reader::from(text.as_bytes())
        }
    }
}

impl<'a> Reader<'a> {
    /// `problem` at the current position.
    pub(crate) fn error(&self, problem: Problem) -> Error {
        let before = &self.input[..self.pos.min(self.input.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            problem,
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            // Characters, not bytes: a UTF-8 continuation byte starts no character.
            column: 1 + before[line_start..]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count(),
        }
    }

    /// `Truncated` at the end of the input, else a syntax error naming what was `expected`.
    fn unexpected(&self, expected: &'static str) -> Error {
        if self.pos >= self.input.len() {
            self.error(Problem::Truncated)
        } else {
            self.error(Problem::Syntax(expected))
        }
    }

    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.input.get(self.pos) {
            self.pos += 1;
        }
        self.input.get(self.pos).copied()
    }

    /// The kind of the next value, not consumed.
    pub(crate) fn kind(&mut self) -> Result<Kind, Error> {
        match self.peek() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// The next value's kind, if it is `want`; else an error saying the form `expected` it.
    fn expect(&mut self, want: Kind, expected: &'static str) -> Result<(), Error> {
        match self.kind()? {
            found if found == want => Ok(()),
            found => Err(self.error(Problem::WrongType { expected, found })),
        }
    }

    /// Only whitespace is left.
    pub(crate) fn end(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(Problem::Syntax("the end of the input"))),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        if self.depth == MAX_DEPTH {
            return Err(self.error(Problem::TooDeep));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Reads an object (what the form `expected`): `member` is handed each key and reads or
    /// skips its value.
    pub(crate) fn object(
        &mut self,
        expected: &'static str,
        mut member: impl FnMut(&mut Self, Key<'a>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.expect(Kind::Object, expected)?;
        self.elements(b'}', "`,` or `}`", |r| {
            if r.peek() != Some(b'"') {
                return Err(r.unexpected("a string key"));
            }
            let key = r.string_token()?;
            if r.peek() != Some(b':') {
                return Err(r.unexpected("`:`"));
            }
            r.pos += 1;
            member(r, key)
        })
    }

    /// The elements of the array or object opening at the position, each read by `element`,
    /// separated by commas, up to `close`; `after` is what may follow an element.
    fn elements(
        &mut self,
        close: u8,
        after: &'static str,
        mut element: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.enter()?;
        if self.peek() != Some(close) {
            loop {
                element(self)?;
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(next) if next == close => break,
                    _ => return Err(self.unexpected(after)),
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// Skips one value of any kind (checking it is JSON), and says which kind it was.
    pub(crate) fn skip(&mut self) -> Result<Kind, Error> {
        let kind = self.kind()?;
        match kind {
            Kind::Object => self.object("", |r, _| r.skip().map(drop))?,
            Kind::Array => self.elements(b']', "`,` or `]`", |r| r.skip().map(drop))?,
            Kind::String => drop(self.string_token()?),
            Kind::Number => drop(self.number_token()?),
            Kind::Bool if self.input[self.pos] == b't' => self.literal(b"true")?,
            Kind::Bool => self.literal(b"false")?,
            Kind::Null => self.literal(b"null")?,
        }
        Ok(kind)
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), Error> {
        let rest = &self.input[self.pos..];
        if rest.starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else if word.starts_with(rest) {
            self.pos = self.input.len();
            Err(self.error(Problem::Truncated))
        } else {
            Err(self.error(Problem::Syntax("a value")))
        }
    }

    /// `None` for `null` (consumed), else the value `read` reads.
    pub(crate) fn optional<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        if self.kind()? == Kind::Null {
            self.literal(b"null")?;
            return Ok(None);
        }
        read(self).map(Some)
    }

    /// A string (what the form `expected`).
    pub(crate) fn string(&mut self, expected: &'static str) -> Result<Key<'a>, Error> {
        self.expect(Kind::String, expected)?;
        self.string_token()
    }

    /// A string that is one of `words` (what the form `expected`): its index in `words`.
    pub(crate) fn one_of(
        &mut self,
        expected: &'static str,
        words: &[&str],
    ) -> Result<usize, Error> {
        self.expect(Kind::String, expected)?;
        let start = self.pos;
        let word = self.string_token()?;
        words
            .iter()
            .position(|w| *w == word.as_str())
            .ok_or_else(|| {
                self.pos = start;
                self.error(Problem::OtherString { expected })
            })
    }

    /// A number that is a non-negative integer within `u64` (what the form `expected`).
    pub(crate) fn u64(&mut self, expected: &'static str) -> Result<u64, Error> {
        self.expect(Kind::Number, expected)?;
        let start = self.pos;
        let digits = self.number_token()?;
        // JSON's grammar has no `+`, so `parse` refuses exactly a sign, fraction, exponent or
        // overflow.
        match std::str::from_utf8(digits).map(str::parse::<u64>) {
            Ok(Ok(n)) => Ok(n),
            _ => {
                self.pos = start;
                Err(self.error(Problem::WrongType {
                    expected,
                    found: Kind::Number,
                }))
            }
        }
    }

    /// The text of a number (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`), past it.
    fn number_token(&mut self) -> Result<&'a [u8], Error> {
        let start = self.pos;
        self.eat(b'-');
        match self.input.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.eat(b'.') {
            self.some_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _sign = self.eat(b'+') || self.eat(b'-');
            self.some_digits()?;
        }
        Ok(&self.input[start..self.pos])
    }

    fn eat(&mut self, byte: u8) -> bool {
        let here = self.input.get(self.pos) == Some(&byte);
        self.pos += usize::from(here);
        here
    }

    fn digits(&mut self) {
        while self.input.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), Error> {
        if !self.input.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Err(self.unexpected("a digit"));
        }
        self.digits();
        Ok(())
    }

    /// The string whose opening quote is at the position, past its closing quote.
    fn string_token(&mut self) -> Result<Key<'a>, Error> {
        let start = self.pos + 1;
        let mut end = start;
        let mut escaped = false;
        loop {
            // One tight scan to the next byte that is not plain text.
            let stop = self.input.get(end..).and_then(|rest| {
                rest.iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            });
            let Some(offset) = stop else {
                self.pos = self.input.len();
                return Err(self.error(Problem::Truncated));
            };
            end += offset;
            match self.input[end] {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    end += 2;
                }
                _ => {
                    self.pos = end;
                    return Err(self.error(Problem::Syntax("`\\u` for a control character")));
                }
            }
        }
        let raw = &self.input[start..end];
        let key = if escaped {
            self.decode(start, raw)?
        } else {
            Key::borrowed(self.utf8(start, raw)?)
        };
        self.pos = end + 1;
        Ok(key)
    }

    fn utf8(&mut self, at: usize, raw: &'a [u8]) -> Result<&'a str, Error> {
        // `raw` starts and ends at ASCII (a quote or a backslash): a boundary in valid text.
        if let Some(text) = self.text.and_then(|t| t.get(at..at + raw.len())) {
            return Ok(text);
        }
        std::str::from_utf8(raw).map_err(|e| {
            self.pos = at + e.valid_up_to();
            self.error(Problem::Syntax("UTF-8 text"))
        })
    }

    /// `raw` (a string's content starting at `at`) with its escapes decoded into a buffer that
    /// never grows (an escape is longer than what it stands for) and is zeroized when dropped.
    fn decode(&mut self, at: usize, raw: &'a [u8]) -> Result<Key<'a>, Error> {
        let mut buf = Zeroizing::new(String::with_capacity(raw.len()));
        let mut i = 0;
        while i < raw.len() {
            let run = raw[i..]
                .iter()
                .position(|&b| b == b'\\')
                .unwrap_or(raw.len() - i);
            buf.push_str(self.utf8(at + i, &raw[i..i + run])?);
            i += run;
            if i == raw.len() {
                break;
            }
            let (ch, len) = escape(&raw[i..]).map_err(|problem| {
                self.pos = at + i;
                self.error(problem)
            })?;
            buf.push(ch);
            i += len;
        }
        // Moves the buffer (no copy) into the key, which zeroizes it in turn.
        Ok(Key::owned(std::mem::take(&mut *buf)))
    }
}

/// The character an escape (`\n`, `\u00e9`, a `\ud83d\ude00` pair) at the start of `raw`
/// stands for, and the escape's length.
fn escape(raw: &[u8]) -> Result<(char, usize), Problem> {
    let simple = match raw.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return unicode_escape(raw),
        _ => return Err(Problem::Syntax("an escape (`\\n`, `\\\"`, `\\u0041`, …)")),
    };
    Ok((simple, 2))
}

fn unicode_escape(raw: &[u8]) -> Result<(char, usize), Problem> {
    let unit = hex4(raw.get(2..6))?;
    let (code, len) = match unit {
        0xD800..=0xDBFF => {
            if raw.get(6..8) != Some(b"\\u") {
                return Err(Problem::Syntax("a low surrogate after a high one"));
            }
            let low = hex4(raw.get(8..12))?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(Problem::Syntax("a low surrogate after a high one"));
            }
            (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
        }
        0xDC00..=0xDFFF => return Err(Problem::Syntax("a high surrogate before a low one")),
        _ => (unit, 6),
    };
    char::from_u32(code)
        .map(|ch| (ch, len))
        .ok_or(Problem::Syntax("a Unicode scalar value"))
}

fn hex4(digits: Option<&[u8]>) -> Result<u32, Problem> {
    let digits = digits.ok_or(Problem::Syntax("four hex digits after `\\u`"))?;
    std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .ok_or(Problem::Syntax("four hex digits after `\\u`"))
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
