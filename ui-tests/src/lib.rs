//! trybuild cases for `include_llm_config!`; see `tests/ui.rs`.
