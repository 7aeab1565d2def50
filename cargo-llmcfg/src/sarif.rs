//! `check --message-format sarif`: one SARIF 2.1.0 log, built from typed structs.
//!
//! The fields of every struct are declared in byte order of their JSON names: the log used to be
//! a `serde_json::Value` tree, whose maps print sorted, and the output stays byte-identical.

use std::fmt::Write as _;

use llmcfg_core::{Code, Diagnostic, Report, Severity, SourceFile, Span, render};
use serde::Serialize;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    artifacts: Vec<Artifact>,
    column_kind: &'static str,
    original_uri_base_ids: UriBaseIds,
    results: Vec<SarifResult>,
    tool: Tool,
}

#[derive(Serialize)]
struct UriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: BaseId,
}

#[derive(Serialize)]
struct BaseId {
    description: Text,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: DefaultConfiguration,
    full_description: Text,
    help: Help,
    id: &'static str,
    name: String,
    properties: Properties,
    short_description: Text,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    locations: [Location; 1],
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    rule_id: &'static str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    message: Text,
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

const SRC_ROOT: &str = "%SRCROOT%";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The SARIF rule object of a code.
fn rule(code: Code) -> Rule {
    Rule {
        default_configuration: DefaultConfiguration {
            level: level(code.severity()),
        },
        full_description: Text::new(code.explanation()),
        help: Help {
            markdown: format!(
                "{}\n\nRun `cargo llmcfg explain {}` for details.",
                code.explanation(),
                code.as_str()
            ),
            text: code.explanation(),
        },
        id: code.as_str(),
        name: pascal(code.as_str()),
        properties: Properties {
            tags: ["llmcfg", "configuration"],
        },
        short_description: Text::new(code.summary()),
    }
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

fn artifact(uri: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri.to_owned(),
        uri_base_id: SRC_ROOT,
    }
}

fn related_location(
    source: &SourceFile,
    uri: &str,
    id: usize,
    span: Span,
    message: &str,
) -> RelatedLocation {
    let start = source.location(span.start);
    let end = source.location(span.end.max(span.start));
    RelatedLocation {
        id,
        message: Text::new(message),
        physical_location: PhysicalLocation {
            artifact_location: artifact(uri),
            region: Region {
                end_column: end.column.max(1),
                end_line: end.line,
                start_column: start.column,
                start_line: start.line,
            },
        },
    }
}

fn result(report: &Report, uri: &str, d: &Diagnostic) -> SarifResult {
    let j = render::json(&report.source, d);
    // `json` has the message and help as every format prints them: keys masked.
    let mut text = j.message.clone();
    if !j.help.is_empty() {
        let _ = write!(text, "\nhelp: {}", j.help);
    }
    SarifResult {
        level: j.severity,
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(uri),
                region: Region {
                    end_column: j.end_column.max(1),
                    end_line: j.end_line,
                    start_column: j.column,
                    start_line: j.line,
                },
            },
        }],
        message: Text::new(text),
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let message = render::clean(&rel.message);
                related_location(&report.source, uri, i, rel.span, &message)
            })
            .collect(),
        rule_id: d.code.as_str(),
        rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
    }
}

fn log(reports: &[Report]) -> Log {
    let mut results = Vec::new();
    let mut artifacts: Vec<String> = Vec::new();
    for r in reports {
        let name = uri(r.source.name());
        if !artifacts.contains(&name) {
            artifacts.push(name.clone());
        }
        results.extend(r.diagnostics.iter().map(|d| result(r, &name, d)));
    }
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            artifacts: artifacts
                .iter()
                .map(|a| Artifact {
                    location: artifact(a),
                })
                .collect(),
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: UriBaseIds {
                src_root: BaseId {
                    description: Text::new("The directory cargo llmcfg ran in."),
                },
            },
            results,
            tool: Tool {
                driver: Driver {
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    name: "cargo-llmcfg",
                    rules: Code::ALL.iter().map(|c| rule(*c)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    }
}

/// The SARIF log of `reports`, pretty-printed.
pub(crate) fn render(reports: &[Report]) -> String {
    serde_json::to_string_pretty(&log(reports)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("legacy-api-key-env"), "LegacyApiKeyEnv");
    }
}
