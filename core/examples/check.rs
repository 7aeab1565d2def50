//! Prints the plain report of a config file: `cargo run -p llmcfg-core --example check -- FILE [TABLE]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: check FILE [TABLE]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let options = llmcfg_core::Options { table: args.next() };
    let report = llmcfg_core::check(&path, &text, &options);
    for d in &report.diagnostics {
        println!("{}\n", llmcfg_core::render::plain(&report.source, d));
    }
    println!("{} diagnostics", report.diagnostics.len());
}
