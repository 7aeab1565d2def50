//! What each `secrets` subcommand does to the store, and what it reports: text for people and a
//! JSON body, names only unless `show --show-values`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use llmcfg::store::{
    ExposeSecret, SECRETS_DIR_VAR, Secret, SecretStore, SecretString, SetOutcome, Visibility,
};
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::text::{escape_line, plural};

/// What a finished command prints. `problems` are secrets it could not read: reported on
/// stderr (human) or in the JSON body, and they make the command exit 1.
pub(super) struct Report {
    pub(super) human: String,
    pub(super) json: Value,
    pub(super) problems: Vec<Failure>,
}

impl Report {
    fn of(human: String, json: Value) -> Self {
        Self {
            human,
            json,
            problems: Vec::new(),
        }
    }
}

fn lock_notice(lock: &Path, timeout: Duration) {
    eprintln!(
        "note: waiting for the secret store's lock ({}), held by another process; giving up after \
         {} s",
        lock.display(),
        timeout.as_secs_f32()
    );
}

/// The default store, saying when it waits for another writer, with its warnings printed.
fn open_store() -> Result<SecretStore, Failure> {
    let store = SecretStore::open_default()?.on_lock_wait(lock_notice);
    for warning in store.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(store)
}

pub(super) fn set(
    name: &str,
    private: bool,
    assignments: Vec<(String, SecretString)>,
) -> Result<Report, Failure> {
    let store = open_store()?;
    let visibility = if private {
        Visibility::Private
    } else {
        Visibility::Public
    };
    let outcome = store.set(name, assignments, visibility)?;
    let file = store.secret_path(name)?;
    let human = format!("{}{}\n", set_text(&outcome), written_to(&file));
    let SetOutcome {
        secret,
        created,
        made_private,
        added,
        overwritten,
        ..
    } = outcome;
    let json = json!({
        "created": created,
        "made_private": made_private,
        "added": added,
        "overwritten": overwritten,
        "item": item_json(&secret, false),
        "store": store.dir(),
        "file": file,
    });
    Ok(Report::of(human, json))
}

/// `Wrote FILE (the secret store at $LLMCFG_SECRETS_DIR).`: which store a secret went to, since
/// the variable silently picks another one than the platform default.
fn written_to(file: &Path) -> String {
    let from_env = std::env::var_os(SECRETS_DIR_VAR).is_some_and(|d| !d.is_empty());
    let which = if from_env {
        format!("the secret store at ${SECRETS_DIR_VAR}")
    } else {
        format!("the default secret store; ${SECRETS_DIR_VAR} chooses another")
    };
    format!(
        "Wrote {} ({which}).",
        escape_line(&file.display().to_string())
    )
}

/// `Created public secret `s` with 2 keys: A, B.` / `Updated …: added A; overwrote B; kept C.`
fn set_text(outcome: &SetOutcome) -> String {
    let secret = &outcome.secret;
    if outcome.created {
        return format!(
            "Created {} secret `{}` with {}: {}.\n",
            secret.visibility(),
            secret.name(),
            plural(secret.values().len(), "key", "keys"),
            join(secret.values().keys())
        );
    }
    let (added, overwritten) = (&outcome.added, &outcome.overwritten);
    let kept: Vec<&str> = secret
        .values()
        .keys()
        .filter(|k| !added.iter().chain(overwritten).any(|g| g == k))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", join(added.iter().map(String::as_str))));
    }
    if !overwritten.is_empty() {
        parts.push(format!(
            "overwrote {}",
            join(overwritten.iter().map(String::as_str))
        ));
    }
    if !kept.is_empty() {
        parts.push(format!("kept {}", join(kept.iter().copied())));
    }
    if outcome.made_private {
        parts.push("made it private (0600)".to_owned());
    }
    format!(
        "Updated {} secret `{}`: {}.\n",
        secret.visibility(),
        secret.name(),
        parts.join("; ")
    )
}

pub(super) fn show(name: &str, show_values: bool) -> Result<Report, Failure> {
    let store = open_store()?;
    let secret = store.get(name)?.ok_or_else(|| not_found(name, &store))?;
    let mut human = String::new();
    let _ = writeln!(human, "name:       {}", secret.name());
    let _ = writeln!(human, "visibility: {}", secret.visibility());
    let _ = writeln!(human, "created:    {}", format_time(secret.created()));
    let _ = writeln!(human, "updated:    {}", format_time(secret.updated()));
    let _ = writeln!(human, "keys:");
    for (key, value) in secret.values().iter() {
        if show_values {
            let _ = writeln!(human, "  {key}={}", value.expose_secret());
        } else {
            let _ = writeln!(human, "  {key}");
        }
    }
    if !show_values {
        let _ = writeln!(human, "(values hidden; pass --show-values to print them)");
    }
    let json = json!({ "item": item_json(&secret, show_values) });
    Ok(Report::of(human, json))
}

pub(super) fn list() -> Result<Report, Failure> {
    let store = open_store()?;
    let listing = store.list()?;
    let secrets = &listing.secrets;
    let mut human = String::new();
    if secrets.is_empty() && listing.problems.is_empty() {
        let _ = writeln!(human, "No secrets in {}.", store.dir().display());
    } else if !secrets.is_empty() {
        let width = secrets
            .iter()
            .map(|s| s.name().len())
            .max()
            .unwrap_or(0)
            .max("NAME".len());
        let _ = writeln!(human, "{:<width$}  {:<10}  KEYS", "NAME", "VISIBILITY");
        for secret in secrets {
            let _ = writeln!(
                human,
                "{:<width$}  {:<10}  {}",
                secret.name(),
                secret.visibility().as_str(),
                join(secret.values().keys())
            );
        }
    }
    let items: Vec<Value> = secrets.iter().map(|s| item_json(s, false)).collect();
    let problems: Vec<Failure> = listing.problems.into_iter().map(Failure::from).collect();
    let mut json = json!({ "items": items, "count": secrets.len() });
    if !problems.is_empty()
        && let Value::Object(map) = &mut json
    {
        let listed: Vec<Value> = problems
            .iter()
            .map(|p| json!({ "code": p.code, "message": p.message }))
            .collect();
        map.insert("problems".to_owned(), Value::Array(listed));
    }
    Ok(Report {
        human,
        json,
        problems,
    })
}

pub(super) fn delete(name: &str) -> Result<Report, Failure> {
    let store = open_store()?;
    if !store.delete(name)? {
        return Err(not_found(name, &store));
    }
    Ok(Report::of(
        format!("Deleted secret `{name}`.\n"),
        json!({ "item": { "name": name, "deleted": true } }),
    ))
}

fn not_found(name: &str, store: &SecretStore) -> Failure {
    Failure::failed(
        "not-found",
        format!(
            "no secret named `{name}` in {}; create it with `cargo llmcfg secrets set {name} --KEY=VALUE`",
            store.dir().display()
        ),
    )
}

fn item_json(secret: &Secret, with_values: bool) -> Value {
    let mut item = json!({
        "name": secret.name(),
        "visibility": secret.visibility().as_str(),
        "keys": secret.values().keys().collect::<Vec<_>>(),
        "created_at": secret.created(),
        "updated_at": secret.updated(),
    });
    if with_values && let Value::Object(map) = &mut item {
        let values: serde_json::Map<String, Value> = secret
            .values()
            .iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.expose_secret().to_owned())))
            .collect();
        map.insert("values".to_owned(), Value::Object(values));
    }
    item
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
fn format_time(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00:00 UTC");
    }
}
