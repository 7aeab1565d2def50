#!/usr/bin/env bash
# Wall-time benchmark of the `cargo llmcfg` binary (release build), recorded in BENCHMARKS.md
# under "## CLI". Uses hyperfine when installed (`apt-get install -y hyperfine`), else a loop.
#
#   scripts/bench-cli.sh            # builds, generates the 10,000-backend config, measures
#   RUNS=50 scripts/bench-cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}

cargo build --release -q -p cargo-llmcfg --bin cargo-llmcfg --example toml-parse
BIN=$PWD/target/release/cargo-llmcfg
PARSE=$PWD/target/release/examples/toml-parse
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

EXAMPLE=$PWD/examples/llm.toml
[ -f "$EXAMPLE" ] || EXAMPLE=$PWD/tests/corpus/valid/design-example.toml

# A valid config with 10,000 backends (one credential, one alias each 100 backends).
BIG=$WORK/big.toml
{
  echo '[llm]'
  echo 'default_policy = "priority"'
  echo
  echo '[[llm.credentials]]'
  echo 'name = "openai"'
  echo 'api_key_env = "OPENAI_API_KEY"'
  for i in $(seq 0 9999); do
    printf '\n[[llm.backends]]\nname = "backend-%d"\nkind = "openai_chat_completion"\nbase_url = "https://api.openai.com/v1"\ncredential_ref = "openai"\nmodel = "openai/model-%d"\nops = ["chat_completions", "embeddings"]\nfeatures = ["supports_tools"]\nweight = %d\npriority = %d\n' "$i" "$((i % 100))" "$((i % 50 + 1))" "$((i % 3))"
  done
  echo
  echo '[llm.aliases]'
  for i in $(seq 0 99); do
    printf 'alias-%d = { model = "openai/model-%d" }\n' "$i" "$i"
  done
} > "$BIG"
"$BIN" check --config "$BIG" --message-format short
cp "$EXAMPLE" "$WORK/llm.toml"

echo "example: $EXAMPLE ($(wc -l < "$EXAMPLE") lines); big: $(wc -l < "$BIG") lines, $(du -h "$BIG" | cut -f1)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$WORK/results.md" \
    -n "check (example)" "$BIN check --config $EXAMPLE" \
    -n "model list (example)" "$BIN model list --config $WORK/llm.toml" \
    -n "check (10,000 backends)" "$BIN check --config $BIG" \
    -n "bare TOML parse (10,000 backends)" "$PARSE $BIG" \
    -n "process start (--version)" "$BIN --version" >/dev/null
  # Discovery runs `cargo metadata --no-deps` and scans sources: measured from the example's
  # package directory (hyperfine subtracts the shell's start-up).
  hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$WORK/discovery.md" \
    -n "check (discovery from examples/)" "cd $(dirname "$EXAMPLE") && $BIN check" >/dev/null
  cat "$WORK/results.md"
  tail -n +3 "$WORK/discovery.md"
else
  for cmd in "$BIN check --config $EXAMPLE" "$BIN model list --config $WORK/llm.toml" \
             "$BIN check --config $BIG" "$PARSE $BIG" "$BIN --version"; do
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do $cmd >/dev/null; done
    end=$(date +%s%N)
    echo "$(( (end - start) / RUNS / 1000 )) µs  $cmd"
  done
fi
