//! The declaration of every key of the llm table, once: its name, TOML type, default, example
//! and a doc line. The readers take their keys from here (a key no declaration names is
//! reported as unknown, with "did you mean" over the declared ones), `cargo llmcfg schema`
//! builds its properties from here, and `docs/keys.md` is rendered from here and checked
//! against it, so adding a key is one declaration plus the field it fills.

mod tables;

pub use tables::{
    ALIAS, BACKEND, BACKOFF_TABLE, CALLS, CREDENTIAL, DISCOVERY, LLM, OLLAMA, ROUTER, TABLES,
};

/// `[A-Za-z_][A-Za-z0-9_]*`: an env-var name.
pub const ENV_NAME: &str = "^[A-Za-z_][A-Za-z0-9_]*$";
/// A credential or backend name.
pub const ENTRY_NAME: &str = "^[A-Za-z0-9][A-Za-z0-9_./-]*$";
/// An alias name.
pub const ALIAS_NAME: &str = "^[a-z0-9][a-z0-9_-]*$";
/// A secret-store entry name.
pub const SECRET_NAME: &str = "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$";
/// `provider/model`.
pub const MODEL: &str = "^[^/]+/.+$";
/// An absolute URL's scheme.
pub const URL: &str = "^[A-Za-z][A-Za-z0-9+.-]*://";
/// `host:port`, or empty.
pub const HOST_PORT: &str = "^(|.+:[0-9]+)$";
/// An HTTP header name: an RFC 9110 token.
pub const HEADER_NAME: &str = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
/// One or more `<number><unit>` parts (zero is refused by the reader, not by the pattern).
pub const DURATION: &str = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$";

/// One table of the config and the keys it accepts.
#[derive(Debug)]
pub struct Table {
    /// Its name in the JSON Schema's `definitions` and in docs anchors.
    pub id: &'static str,
    /// How the table is written under the default `[llm]` table.
    pub heading: &'static str,
    /// One line saying what the table is for.
    pub doc: &'static str,
    /// Its keys, in the order docs list them.
    pub keys: &'static [Key],
}

impl Table {
    /// The key declared as `name`.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Every declared name, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.keys.iter().map(|k| k.name)
    }
}

/// One key.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// The key as written.
    pub name: &'static str,
    /// What it holds.
    pub ty: Ty,
    /// One line for docs and the JSON Schema's `description`.
    pub doc: &'static str,
    /// The value used when the key is absent; `None` when absence means "not set".
    pub default: Option<Value>,
    /// Whether every entry must have it.
    pub required: bool,
}

/// A value a declaration names (a default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(&'static str),
    /// An array of strings.
    Strs(&'static [&'static str]),
}

impl Value {
    /// The value as TOML source (`100`, `"env"`, `["http"]`).
    pub fn to_toml(self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Str(s) => format!("{s:?}"),
            Value::Strs(items) => {
                let items: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// What a key holds.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A string.
    Str(Text),
    /// One word of a closed set.
    Word(Words),
    /// `true` or `false`.
    Bool,
    /// An integer in `min..=max`.
    Int {
        /// The least accepted value.
        min: i64,
        /// The greatest accepted value.
        max: i64,
    },
    /// A positive duration string (`"30s"`), read by [`crate::duration::parse`].
    Duration,
    /// An array of strings, each of `item`.
    Strs {
        /// What each element is.
        item: Text,
        /// The fewest elements accepted.
        min_items: u32,
    },
    /// A string, or an array of such strings (`api_key_env`: one variable, or a key pool).
    StrOrStrs {
        /// What each string is.
        item: Text,
    },
    /// An array of words of a closed set.
    WordList {
        /// The set.
        words: Words,
        /// The fewest elements accepted.
        min_items: u32,
    },
    /// A table with keys of its own.
    Table(&'static Table),
    /// An array of tables (`[[llm.backends]]`).
    Tables(&'static Table),
    /// A table of named entries, each the table or a `"provider/model"` string (`[llm.aliases]`).
    Entries(&'static Table),
    /// A table of strings by name (`headers = { "OpenAI-Organization" = "org-…" }`).
    StrMap {
        /// What each name is.
        key: Text,
        /// What each value is.
        value: Text,
    },
}

/// The shape of a string.
#[derive(Clone, Copy, Debug, Default)]
pub struct Text {
    /// A regex (JSON Schema dialect) the string matches, one of this module's constants.
    pub pattern: Option<&'static str>,
    /// Whether the empty string is refused.
    pub non_empty: bool,
}

impl Text {
    /// Any string.
    pub const ANY: Text = Text {
        pattern: None,
        non_empty: false,
    };

    /// A string matching `pattern`.
    pub const fn matching(pattern: &'static str) -> Text {
        Text {
            pattern: Some(pattern),
            non_empty: false,
        }
    }

    /// A string that is not empty.
    pub const NON_EMPTY: Text = Text {
        pattern: None,
        non_empty: true,
    };
}

/// A closed set of words.
#[derive(Clone, Copy, Debug)]
pub struct Words {
    /// The accepted words, in the order messages list them.
    pub list: fn() -> Vec<&'static str>,
}

impl Ty {
    /// How docs name the type.
    pub fn describe(self) -> String {
        let words = |w: Words| crate::suggest::one_of((w.list)());
        match self {
            Ty::Str(_) => "string".to_string(),
            Ty::Word(w) => format!("one of {}", words(w)),
            Ty::Bool => "boolean".to_string(),
            Ty::Int { min, max } => format!("integer, {min} to {max}"),
            Ty::Duration => "duration string (`\"30s\"`, `\"250ms\"`)".to_string(),
            Ty::Strs { .. } => "array of strings".to_string(),
            Ty::StrOrStrs { .. } => "string, or array of strings".to_string(),
            Ty::WordList { words: w, .. } => format!("array of {}", words(w)),
            Ty::Table(t) => format!("table `{}`", t.heading),
            Ty::Tables(t) => format!("array of tables `{}`", t.heading),
            Ty::Entries(t) => format!("table of entries `{}`", t.heading),
            Ty::StrMap { .. } => "table of strings".to_string(),
        }
    }
}

/// The reference of every table: one markdown section per table, a row per key. This is what
/// `docs/keys.md` holds; a test keeps the two equal.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Keys of the llm table\n\n\
         Generated from the key declarations in `core/src/keys/tables.rs`; a test keeps this file\n\
         equal to them (`LLMCFG_BLESS=1 cargo test -p llmcfg-core docs_keys` rewrites it).\n\n\
         To add a key: declare it there, read it into its field in the table's reader\n\
         (`core/src/schema.rs` and `core/src/schema/`) and the typed model (`core/src/model.rs`).\n\
         The reader then accepts it, `cargo llmcfg schema` lists it and this file shows it.\n",
    );
    for table in TABLES {
        out.push_str(&format!("\n## `{}`\n\n{}\n\n", table.heading, table.doc));
        out.push_str("| key | type | default | description |\n| --- | --- | --- | --- |\n");
        for key in table.keys {
            let default = match (key.default, key.required) {
                (Some(v), _) => format!("`{}`", v.to_toml()),
                (None, true) => "required".to_string(),
                (None, false) => "unset".to_string(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {default} | {} |\n",
                key.name,
                key.ty.describe().replace('|', "\\|"),
                key.doc.replace('|', "\\|"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
