//! Cross-crate integration tests and the config corpus; the tests live in `tests/`.
