//! The one place that knows llmcfg's rules: the schema of an llm config, a span-accurate parser,
//! every validation rule, and the diagnostics they produce.

pub mod vocab;
