#!/usr/bin/env bash
# Measures include_llm_config!: the incremental rebuild of a small crate after `touch llm.toml`,
# the rebuild of a crate whose config has N backends and N aliases (expansion + compiling the
# generated code), and, unless --no-criterion, the criterion bench of check + expand.
# Usage: scripts/bench-macro.sh [--no-criterion]. Results go in BENCHMARKS.md `## Macro`.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=$PWD
export CARGO_TARGET_DIR="$ws/target/ui-scratch"
export CARGO_TERM_COLOR=never
runs=${RUNS:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# probe NAME: a binary crate in $dir/NAME depending on the workspace's llmcfg.
probe() {
  mkdir -p "$dir/$1/src"
  cat > "$dir/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
llmcfg = { path = "$ws/llmcfg" }

[workspace]
TOML
  cp "$ws/Cargo.lock" "$dir/$1/"
  cat > "$dir/$1/src/main.rs" <<'RS'
llmcfg::include_llm_config!("llm.toml");

fn main() {
    println!("{} aliases, {} backends", CONFIG.aliases().len(), CONFIG.backends().len());
}
RS
}

# config N: N credentials/10, N backends, N aliases.
config() {
  local n=$1 i
  echo '[llm]'
  for ((i = 0; i < (n + 9) / 10; i++)); do
    printf '\n[[llm.credentials]]\nname = "cred-%d"\napi_key_env = "KEY_%d"\n' "$i" "$i"
  done
  for ((i = 0; i < n; i++)); do
    printf '\n[[llm.backends]]\nname = "backend-%d"\nkind = "openai_chat_completion"\nbase_url = "https://api.openai.com/v1"\ncredential_ref = "cred-%d"\nmodel = "openai/model-%d"\nops = ["chat_completions"]\n' "$i" $((i / 10)) "$i"
  done
  printf '\n[llm.aliases]\n'
  for ((i = 0; i < n; i++)); do
    printf 'alias-%d = { model = "openai/model-%d" }\n' "$i" "$i"
  done
}

# rebuilds NAME: touch llm.toml and time `cargo build`, $runs times; prints each and the median.
rebuilds() {
  local name=$1 times=() t0 t1
  (cd "$dir/$name" && cargo build -q)
  for ((r = 0; r < runs; r++)); do
    touch "$dir/$name/llm.toml"
    t0=$(now_ms)
    (cd "$dir/$name" && cargo build -q)
    t1=$(now_ms)
    times+=($((t1 - t0)))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  echo "$name: rebuild after touch llm.toml: ${times[*]} ms (median $(echo "$sorted" | sed -n "$(((runs + 1) / 2))p") ms)"
}

for n in 3 1000 10000; do
  name="llmcfg-bench-$n"
  probe "$name"
  config "$n" > "$dir/$name/llm.toml"
  rebuilds "$name"
done

if [ "${1:-}" != "--no-criterion" ]; then
  unset CARGO_TARGET_DIR
  cargo bench -p llmcfg-core --features codegen --bench expand 2>&1 | grep -E "^include_llm_config|time:"
fi
