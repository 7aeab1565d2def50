//! Printing check reports: rustc's layout (human), one line each (short), JSON lines,
//! GitHub workflow commands and SARIF 2.1.0 ([`crate::sarif`]). Text formats escape control
//! characters, so a config cannot write terminal escape sequences into a log.

use std::fmt::Write as _;

use llmcfg_core::{Diagnostic, Report, Severity, render};

use crate::output::{Format, color};
// `schema` prints through here.
pub(crate) use crate::output::print_json;
use crate::sanitize::sanitized;
use crate::text::{escape_controls, escape_line, plural};

/// Counts over all reports.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Totals {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) files_with_findings: usize,
    pub(crate) configs: usize,
    /// Configs that could not be read (reported on stderr).
    pub(crate) unreadable: usize,
}

impl Totals {
    pub(crate) fn of(reports: &[Report]) -> Self {
        let mut t = Totals {
            configs: reports.len(),
            ..Totals::default()
        };
        for r in reports {
            let e = r.diagnostics.iter().filter(|d| d.is_error()).count();
            t.errors += e;
            t.warnings += r.diagnostics.len() - e;
            if !r.diagnostics.is_empty() {
                t.files_with_findings += 1;
            }
        }
        t
    }
}

/// `error: 3 errors, 1 warning in 2 files` / `ok: 2 configs checked`; never `ok` when a
/// config could not be read.
pub(crate) fn summary(t: &Totals, deny_warnings: bool) -> String {
    let unreadable = plural(t.unreadable, "config", "configs");
    if t.errors == 0 && t.warnings == 0 {
        if t.unreadable > 0 {
            return format!("error: {unreadable} could not be read");
        }
        return format!("ok: {} checked", plural(t.configs, "config", "configs"));
    }
    let mut parts = Vec::new();
    if t.errors > 0 {
        parts.push(plural(t.errors, "error", "errors"));
    }
    if t.warnings > 0 {
        parts.push(plural(t.warnings, "warning", "warnings"));
    }
    let head = if t.errors > 0 || deny_warnings {
        "error"
    } else {
        "warning"
    };
    let denied = if t.errors == 0 && deny_warnings {
        " (denied by --deny-warnings)"
    } else {
        ""
    };
    let unread = if t.unreadable > 0 {
        format!("; {unreadable} could not be read")
    } else {
        String::new()
    };
    let head = if t.unreadable > 0 { "error" } else { head };
    format!(
        "{head}: {} in {}{denied}{unread}",
        parts.join(", "),
        plural(t.files_with_findings, "file", "files")
    )
}

/// The whole output of `check` in `format` for `reports`; `unreadable` configs failed to read.
pub(crate) fn render(
    format: Format,
    reports: &[Report],
    deny_warnings: bool,
    unreadable: usize,
) -> String {
    let totals = Totals {
        unreadable,
        ..Totals::of(reports)
    };
    let mut out = String::new();
    match format {
        Format::Human => {
            let color = color();
            for r in reports {
                let r = sanitized(r);
                for text in render::plain_all(&r.source, &r.diagnostics) {
                    if color {
                        out.push_str(&paint(&text));
                    } else {
                        out.push_str(&text);
                    }
                    out.push_str("\n\n");
                }
            }
            out.push_str(&summary(&totals, deny_warnings));
            out.push('\n');
        }
        Format::Short => {
            for r in reports {
                for d in &r.diagnostics {
                    out.push_str(&escape_line(&render::short(&r.source, d)));
                    out.push('\n');
                }
            }
            out.push_str(&summary(&totals, deny_warnings));
            out.push('\n');
        }
        Format::Json => {
            for r in reports {
                for d in &r.diagnostics {
                    let j = render::json(&r.source, d);
                    out.push_str(&serde_json::to_string(&j).unwrap_or_default());
                    out.push('\n');
                }
            }
        }
        Format::Github => {
            for r in reports {
                for d in &r.diagnostics {
                    out.push_str(&github(r, d));
                    out.push('\n');
                }
            }
        }
        Format::Sarif | Format::Dotenv => {
            out.push_str(&crate::sarif::render(reports));
            out.push('\n');
        }
    }
    out
}

/// `text` (one report of [`render::plain`]) coloured as rustc colours it: the header bold red
/// (error) or yellow (warning), the gutter and `-->` bold blue, `help`/`note` bold. The text was
/// escaped before, so the only escapes in the result are these.
fn paint(text: &str) -> String {
    const BLUE: &str = "\u{1b}[1;34m";
    const BOLD: &str = "\u{1b}[1m";
    const RESET: &str = "\u{1b}[0m";
    let mut out = String::with_capacity(text.len() + 64);
    let gutter = text.lines().nth(1).and_then(|l| l.find("-->")).unwrap_or(0);
    let colour = if text.starts_with("warning") {
        "\u{1b}[1;33m"
    } else {
        "\u{1b}[1;31m"
    };
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == 0 {
            let (head, rest) = line.split_once(": ").unwrap_or((line, ""));
            let _ = write!(out, "{colour}{head}{RESET}{BOLD}: {rest}{RESET}");
            continue;
        }
        // The gutter is as wide as the indent of `-->` on the second line; lines of a help
        // text continued below `= help:` have none.
        let g = gutter;
        let cut = if line.get(g..).is_some_and(|l| l.starts_with("-->")) {
            g + 3
        } else if line.get(g + 1..g + 2).is_some_and(|c| c == "|" || c == "=") {
            g + 2
        } else {
            0
        };
        let (gutter_text, rest) = line.split_at(cut.min(line.len()));
        if !gutter_text.is_empty() {
            let _ = write!(out, "{BLUE}{gutter_text}{RESET}");
        }
        // The marks under a span (and their label), in the severity's colour; a source line
        // has its number in the gutter, a line of marks none.
        let marks = !gutter_text.contains(|c: char| c.is_ascii_digit())
            && rest.trim_start().starts_with('^');
        if marks {
            let _ = write!(out, "{colour}{rest}{RESET}");
            continue;
        }
        match rest
            .strip_prefix(" help:")
            .or_else(|| rest.strip_prefix(" note:"))
        {
            Some(tail) => {
                let word = &rest[..rest.len() - tail.len()];
                let _ = write!(out, "{BOLD}{word}{RESET}{tail}");
            }
            None => out.push_str(rest),
        }
    }
    out
}

/// Escapes the message of a workflow command: its own `%`/CR/LF encoding, then every other
/// control character.
fn escape_data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape_controls(&encoded).into_owned()
}

/// Escapes a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
pub(crate) fn github(report: &Report, diag: &Diagnostic) -> String {
    let j = render::json(&report.source, diag);
    let level = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // `json` has the message and help as every format prints them: keys masked.
    let mut message = j.message.clone();
    if !j.help.is_empty() {
        let _ = write!(message, "\n\nhelp: {}", j.help);
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&crate::discover::github_path(&j.file)),
        j.line,
        j.column,
        j.end_line,
        j.end_column,
        escape_property(&format!("llmcfg({})", diag.code)),
        escape_data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_escape_data_and_properties() {
        assert_eq!(escape_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(escape_property("a:b,c\n"), "a%3Ab%2Cc%0A");
    }

    #[test]
    fn summary_lines() {
        let t = Totals {
            errors: 3,
            warnings: 1,
            files_with_findings: 2,
            configs: 3,
            unreadable: 0,
        };
        assert_eq!(summary(&t, false), "error: 3 errors, 1 warning in 2 files");
        let unread = Totals { unreadable: 1, ..t };
        assert_eq!(
            summary(&unread, false),
            "error: 3 errors, 1 warning in 2 files; 1 config could not be read"
        );
        let none = Totals {
            unreadable: 1,
            ..Totals::default()
        };
        assert_eq!(summary(&none, false), "error: 1 config could not be read");
        let ok = Totals {
            configs: 2,
            ..Totals::default()
        };
        assert_eq!(summary(&ok, false), "ok: 2 configs checked");
        let warn = Totals {
            warnings: 1,
            files_with_findings: 1,
            configs: 1,
            ..Totals::default()
        };
        assert_eq!(summary(&warn, false), "warning: 1 warning in 1 file");
        assert_eq!(
            summary(&warn, true),
            "error: 1 warning in 1 file (denied by --deny-warnings)"
        );
    }

    #[test]
    fn colour_marks_header_gutter_and_help_only() {
        let text = "error[llmcfg::x]: bad\n --> a.toml:1:1\n  |\n1 | a = 1\n  | ^\n  |\n  = help: write\n          b = 2";
        let painted = paint(text);
        let plain: String = painted
            .split('\u{1b}')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or(part, |(_, t)| t)
                }
            })
            .collect();
        assert_eq!(plain, text);
        assert!(
            painted.contains("\u{1b}[1;31merror[llmcfg::x]"),
            "{painted}"
        );
        assert!(painted.ends_with("          b = 2"), "{painted}");
    }

    #[test]
    fn workflow_messages_escape_terminal_controls() {
        assert_eq!(escape_data("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
