//! Printing check reports: miette graphical (human), one line each (short), JSON lines,
//! GitHub workflow commands and SARIF 2.1.0.

use std::fmt::Write as _;

use clap::ValueEnum;
use llmcfg_core::{Code, Diagnostic, Report, Severity, render};
use serde_json::{Value, json};

/// `--message-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum MessageFormat {
    /// miette's graphical report, coloured on a terminal unless `NO_COLOR` is set.
    #[default]
    Human,
    /// `file:line:col: severity[code]: message`, one line each.
    Short,
    /// One JSON object per diagnostic per line: code, severity, file, line, column, end_line,
    /// end_column, message, help.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), shown as annotations.
    Github,
    /// One SARIF 2.1.0 log (GitHub code scanning, IDEs).
    Sarif,
}

/// `-o human|json` of the commands that print results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
}

/// The `-o` flag.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t)]
    pub(crate) output: Output,
}

impl OutputArgs {
    /// Whether JSON was asked for.
    pub(crate) fn json(&self) -> bool {
        self.output == Output::Json
    }
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Whether human output should be coloured: stdout is a terminal and `NO_COLOR` is unset.
pub(crate) fn color() -> bool {
    use std::io::IsTerminal as _;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Counts over all reports.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Totals {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) files_with_findings: usize,
    pub(crate) configs: usize,
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `error: 3 errors, 1 warning in 2 files` / `ok: 2 configs checked`.
pub(crate) fn summary(t: &Totals, deny_warnings: bool) -> String {
    if t.errors == 0 && t.warnings == 0 {
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
    format!(
        "{head}: {} in {}{denied}",
        parts.join(", "),
        plural(t.files_with_findings, "file", "files")
    )
}

/// The whole output of `check` in `format` for `reports`.
pub(crate) fn render(format: MessageFormat, reports: &[Report], deny_warnings: bool) -> String {
    let mut out = String::new();
    match format {
        MessageFormat::Human => {
            let color = color();
            for r in reports {
                for d in &r.diagnostics {
                    out.push_str(render::graphical(&r.source, d, color).trim_end());
                    out.push_str("\n\n");
                }
            }
            out.push_str(&summary(&Totals::of(reports), deny_warnings));
            out.push('\n');
        }
        MessageFormat::Short => {
            for r in reports {
                for d in &r.diagnostics {
                    out.push_str(&render::short(&r.source, d));
                    out.push('\n');
                }
            }
            out.push_str(&summary(&Totals::of(reports), deny_warnings));
            out.push('\n');
        }
        MessageFormat::Json => {
            for r in reports {
                for d in &r.diagnostics {
                    let j = render::json(&r.source, d);
                    out.push_str(&serde_json::to_string(&j).unwrap_or_default());
                    out.push('\n');
                }
            }
        }
        MessageFormat::Github => {
            for r in reports {
                for d in &r.diagnostics {
                    out.push_str(&github(r, d));
                    out.push('\n');
                }
            }
        }
        MessageFormat::Sarif => {
            let log = sarif(reports);
            out.push_str(&serde_json::to_string_pretty(&log).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// Escapes the message of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
    let mut message = diag.message.clone();
    if !diag.help.is_empty() {
        let _ = write!(message, "\n\nhelp: {}", diag.help);
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&j.file),
        j.line,
        j.column,
        j.end_line,
        j.end_column,
        escape_property(&format!("llmcfg({})", diag.code)),
        escape_data(&message)
    )
}

/// The SARIF id of a code and its rule object.
fn rule(code: Code) -> Value {
    let level = match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    json!({
        "id": code.as_str(),
        "name": pascal(code.as_str()),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": code.explanation() },
        "help": {
            "text": code.explanation(),
            "markdown": format!("{}\n\nRun `cargo llmcfg explain {}` for details.", code.explanation(), code.as_str()),
        },
        "defaultConfiguration": { "level": level },
        "properties": { "tags": ["llmcfg", "configuration"] },
    })
}

fn pascal(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative file URI as SARIF wants it (forward slashes, spaces and `%` escaped).
fn uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for c in file.replace('\\', "/").chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// One SARIF 2.1.0 log with a run of `cargo-llmcfg` carrying every rule.
pub(crate) fn sarif(reports: &[Report]) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|c| rule(*c)).collect();
    let mut results = Vec::new();
    let mut artifacts: Vec<String> = Vec::new();
    for r in reports {
        let name = uri(r.source.name());
        if !artifacts.contains(&name) {
            artifacts.push(name.clone());
        }
        for d in &r.diagnostics {
            let j = render::json(&r.source, d);
            let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let mut text = d.message.clone();
            if !d.help.is_empty() {
                let _ = write!(text, "\nhelp: {}", d.help);
            }
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let start = r.source.location(rel.span.start);
                    let end = r.source.location(rel.span.end.max(rel.span.start));
                    json!({
                        "id": i,
                        "message": { "text": rel.message },
                        "physicalLocation": {
                            "artifactLocation": { "uri": name, "uriBaseId": "%SRCROOT%" },
                            "region": {
                                "startLine": start.line, "startColumn": start.column,
                                "endLine": end.line, "endColumn": end.column.max(1),
                            },
                        },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": index,
                "level": j.severity,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": name, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": j.line,
                            "startColumn": j.column,
                            "endLine": j.end_line,
                            "endColumn": j.end_column.max(1),
                        },
                    },
                }],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-llmcfg",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The directory cargo llmcfg ran in." } } },
            "artifacts": artifacts.iter().map(|a| json!({ "location": { "uri": a, "uriBaseId": "%SRCROOT%" } })).collect::<Vec<_>>(),
            "results": results,
        }],
    })
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
        };
        assert_eq!(summary(&t, false), "error: 3 errors, 1 warning in 2 files");
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
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("legacy-api-key-env"), "LegacyApiKeyEnv");
    }
}
