//! A backend's `timeout` reaches the runtime the same way from both consumers of the lowered
//! config: the macro's compiled-in constants and `Config::load`.

use std::time::Duration;

use llmcfg::Config;

mod llm {
    llmcfg::include_llm_config!("../tests/corpus/valid/backend-timeout.toml");
}

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/corpus/valid/backend-timeout.toml"
);

#[test]
fn the_macro_emits_each_backends_timeout() {
    assert_eq!(
        llm::backends::OPENAI_CHAT.timeout(),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        llm::backends::LOCAL.timeout(),
        Some(Duration::from_secs(90))
    );
}

#[test]
fn config_load_reads_the_same_timeouts_as_the_macro() {
    let loaded = Config::load(FILE).expect("the corpus file is valid");
    for compiled in llm::CONFIG.backends() {
        let read = loaded.backend(compiled.name()).expect("same backends");
        assert_eq!(read.timeout(), compiled.timeout(), "{}", compiled.name());
        assert_eq!(read.call_overrides(), compiled.call_overrides());
    }
}

#[test]
fn a_backend_without_timeout_sets_no_call_setting() {
    let cfg = Config::from_toml_str(
        "[[llm.backends]]\nname = \"local\"\nkind = \"ollama_chat\"\n\
         base_url = \"http://127.0.0.1:11434\"\nops = [\"chat_completions\"]\n",
    )
    .expect("valid");
    let backend = cfg.backend("local").expect("declared");
    assert_eq!(backend.timeout(), None);
    assert_eq!(*backend.call_overrides(), llmcfg::call::CallOverrides::NONE);
}
