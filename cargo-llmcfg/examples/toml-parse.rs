//! The benchmark baseline of `scripts/bench-cli.sh`: a bare TOML parse of a file (process start
//! plus `toml::from_str`), to compare `cargo llmcfg check` on the same file against.

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: toml-parse FILE");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => {
            println!("{} top-level keys", table.len());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(1)
        }
    }
}
