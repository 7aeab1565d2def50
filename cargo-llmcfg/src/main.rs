//! `cargo llmcfg`: the llmcfg command line.
fn main() {}
