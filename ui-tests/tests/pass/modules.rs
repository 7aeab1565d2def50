// Several configs in one crate, each in its own module; the items are `pub`, so other
// modules reach them by path.
mod app {
    llmcfg::include_llm_config!("tests/pass/basic.toml");
}

pub mod spear {
    llmcfg::include_llm_config!("tests/pass/spear.toml", table = "spearlet.llm");
}

static PICKED: &llmcfg::Alias = app::aliases::SMART;

fn main() {
    assert_eq!(PICKED.model(), "anthropic/claude-sonnet-4");
    assert_eq!(app::CONFIG.aliases().len(), 3);
    assert_eq!(spear::CONFIG.aliases().len(), 0);
}
