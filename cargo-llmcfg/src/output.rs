//! The one output-format enum of every command, each flag accepting the formats its command
//! prints; JSON printing; and whether human output is coloured.

use std::fmt;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// Every format any command prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Text for people.
    Human,
    /// One line per diagnostic.
    Short,
    /// JSON: one document, or one object a line for `check`.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// One SARIF 2.1.0 log.
    Sarif,
    /// A `.env` template.
    Dotenv,
}

/// A format a flag accepts, with the help line `--help` shows for it there.
pub(crate) type Choice = (Format, &'static str);

/// `-o` of the commands that print either text or one JSON document.
pub(crate) const HUMAN_OR_JSON: &[Choice] = &[
    (Format::Human, "Text for people"),
    (Format::Json, "One JSON document on stdout"),
];

impl Format {
    const ALL: [Format; 6] = [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Dotenv,
    ];

    /// The name on the command line.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Dotenv => "dotenv",
        }
    }

    /// The format named `name`, if any.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A clap parser accepting exactly `choices`, listed in `--help` in that order.
    pub(crate) fn parser(choices: &'static [Choice]) -> impl TypedValueParser<Value = Format> {
        PossibleValuesParser::new(
            choices
                .iter()
                .map(|(format, help)| PossibleValue::new(format.name()).help(*help)),
        )
        // The parser only lets the names above through.
        .map(|name| Format::from_name(&name).unwrap_or(Format::Human))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `-o` flag of the commands that print text or JSON.
#[derive(Debug, Clone, Copy, clap::Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_parser = Format::parser(HUMAN_OR_JSON),
        default_value = "human"
    )]
    pub(crate) output: Format,
}

impl OutputArgs {
    /// Whether JSON was asked for.
    pub(crate) fn json(&self) -> bool {
        self.output == Format::Json
    }
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name("xml"), None);
    }
}
