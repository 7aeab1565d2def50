//! The legacy backend `api_key_env` and its replacement: the credential name a migration
//! proposes, and the exact TOML the diagnostic and `cargo llmcfg migrate` write.

/// The credential name proposed for `env_var`: lowercased, without an `_api_key`/`_key`/`_token`
/// suffix (`OPENAI_CHAT_API_KEY` → `openai_chat`), made unique against `taken` with `_2`, `_3`, ….
pub fn credential_name_for_env(env_var: &str, taken: impl Fn(&str) -> bool) -> String {
    let lower = env_var.to_ascii_lowercase();
    let base = ["_api_key", "_apikey", "_key", "_token"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower)
        .trim_matches('_');
    let base = if base.is_empty() { "credential" } else { base };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// The `[[TABLE.credentials]]` block declaring `name` as reading `env_var`.
pub fn credential_block(table: &str, name: &str, env_var: &str) -> String {
    format!(
        "[[{table}.credentials]]\nname = \"{name}\"\nkind = \"env\"\napi_key_env = \"{env_var}\"\n"
    )
}

/// The help of the `legacy-api-key-env` diagnostic. `existing` is a credential that already
/// reads `env_var`, which the backend should reference instead of declaring a new one.
pub(crate) fn help(table: &str, env_var: &str, existing: Option<&str>, proposed: &str) -> String {
    let tail = "`cargo llmcfg migrate --write` rewrites every legacy backend of the file this way, keeping comments";
    match existing {
        Some(name) => format!(
            "credential `{name}` already reads `{env_var}`; in this backend replace the line with:\n\n\
             credential_ref = \"{name}\"\n\n{tail}"
        ),
        None => format!(
            "declare the credential once and reference it from the backend:\n\n{}\n\
             and in this backend replace the line with:\n\ncredential_ref = \"{proposed}\"\n\n{tail}",
            credential_block(table, proposed, env_var)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_env_vars() {
        assert_eq!(
            credential_name_for_env("OPENAI_CHAT_API_KEY", |_| false),
            "openai_chat"
        );
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |_| false),
            "openai"
        );
        assert_eq!(credential_name_for_env("HF_TOKEN", |_| false), "hf");
        assert_eq!(credential_name_for_env("API_KEY", |_| false), "api");
        assert_eq!(credential_name_for_env("_KEY", |_| false), "credential");
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |n| n == "openai"),
            "openai_2"
        );
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |n| n == "openai" || n == "openai_2"),
            "openai_3"
        );
    }
}
