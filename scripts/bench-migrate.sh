#!/usr/bin/env bash
# Wall time of `cargo llmcfg migrate` (the diff it prints) on configs of N legacy backends,
# recorded in BENCHMARKS.md under "## CLI" / "migrate". Release build.
#
#   scripts/bench-migrate.sh             # N = 8000 and 32000
#   SIZES="1000 8000" scripts/bench-migrate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"8000 32000"}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}

cargo build --release -q -p cargo-llmcfg --bin cargo-llmcfg
BIN=$TARGET/release/cargo-llmcfg
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for n in $SIZES; do
  FILE=$WORK/legacy-$n.toml
  {
    echo '[llm]'
    echo 'default_policy = "priority"'
    for i in $(seq 0 $((n - 1))); do
      printf '\n[[llm.backends]]\nname = "backend-%d"\nkind = "openai_chat_completion"\nbase_url = "https://api.openai.com/v1"\napi_key_env = "KEY_%d_API_KEY"\nops = ["chat_completions"]\n' "$i" "$i"
    done
  } > "$FILE"
  start=$(date +%s.%N)
  "$BIN" migrate --config "$FILE" > "$WORK/diff-$n.txt" 2>/dev/null || true
  end=$(date +%s.%N)
  lines=$(wc -l < "$WORK/diff-$n.txt")
  printf 'migrate (diff) %6d legacy backends: %6.2f s, %d diff lines\n' "$n" "$(echo "$end - $start" | bc)" "$lines"
  start=$(date +%s.%N)
  cp "$FILE" "$WORK/write-$n.toml"
  "$BIN" migrate --config "$WORK/write-$n.toml" --write 2>/dev/null || true
  end=$(date +%s.%N)
  printf 'migrate --write %5d legacy backends: %6.2f s\n' "$n" "$(echo "$end - $start" | bc)"
done
