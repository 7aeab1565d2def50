#!/usr/bin/env bash
# What depending on llmcfg costs at build time (issue 12), against the alternative it replaces:
# parsing the same llm.toml at start-up with serde (derive) + toml.
#
# In a temporary directory, from one llm.toml, it builds
#   - `macro`: `include_llm_config!` resolving an alias;
#   - `serde`: serde + toml parsing the file at start-up and looking the alias up;
# each cold with its own target directory (debug, and release unless --quick), then the rebuild
# after an edit of llm.toml. Then the marginal cost of llmcfg: an application already using serde,
# toml and thiserror (`base`), and the same with llmcfg added (`base+llmcfg`). With --sizes, one
# application per N (N credentials, N backends, N aliases): its rebuild after an edit of llm.toml
# and the peak memory of the build (rustc's, via /usr/bin/time -v, else sampled from /proc).
#
# Usage: scripts/bench-build.sh [--quick] [--sizes 10,1000,10000] [--cap-gib 8] [--runs 3]
#                               [--timings FILE] [--service]
#   --quick      debug builds only
#   --sizes      the scale rows (none by default)
#   --cap-gib    a rustc whose resident memory passes this is killed (default 8); its row says so
#   --runs       edits of llm.toml per incremental measurement (median reported; default 3)
#   --service    also the marginal cost in an LLM service's build: tokio (multi-thread runtime,
#                macros) + reqwest (json, no TLS) + serde + toml + thiserror, without and with
#                llmcfg (`service` / `service-llmcfg`)
#   --timings    also write the ten slowest units of the cold debug `macro` build, and the CPU
#                seconds both cold debug builds spend in compile units, to FILE
#
# Dependencies are path dependencies on this checkout, resolved with the workspace's Cargo.lock
# and `--offline`, so the registry cache must hold them (a workspace build fetches them).
# Results go in BENCHMARKS.md `## Build cost`.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=$PWD

quick=0 sizes="" cap_gib=8 runs=3 timings="" service=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --sizes) sizes=${2:?--sizes needs a list, e.g. 10,1000}; shift ;;
    --cap-gib) cap_gib=${2:?--cap-gib needs a number}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --timings) timings=${2:?--timings needs a file}; shift ;;
    --service) service=1 ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unset CARGO_TARGET_DIR RUSTFLAGS CARGO_BUILD_RUSTFLAGS
export CARGO_TERM_COLOR=never
cap_kib=$((cap_gib * 1024 * 1024))
have_time=0
[ -x /usr/bin/time ] && have_time=1

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

# The small config both applications read.
small_config() {
  cat <<'TOML'
[llm]
[[llm.credentials]]
name = "anthropic"
api_key_env = "ANTHROPIC_API_KEY"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

[[llm.backends]]
name = "anthropic-main"
kind = "anthropic_messages"
base_url = "https://api.anthropic.com/v1"
credential_ref = "anthropic"
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-main"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions", "embeddings"]

[llm.aliases]
smart = { model = "anthropic/claude-sonnet-4", backend = "anthropic-main" }
fast = { model = "openai/gpt-4o-mini", backend = "openai-main" }
TOML
}

# big_config N: N credentials, N backends (one per credential), N aliases (one per backend).
big_config() {
  local n=$1 i
  echo '[llm]'
  for ((i = 0; i < n; i++)); do
    printf '\n[[llm.credentials]]\nname = "cred-%d"\napi_key_env = "KEY_%d"\n' "$i" "$i"
  done
  for ((i = 0; i < n; i++)); do
    printf '\n[[llm.backends]]\nname = "backend-%d"\nkind = "openai_chat_completion"\nbase_url = "https://api.openai.com/v1"\ncredential_ref = "cred-%d"\nops = ["chat_completions"]\n' "$i" "$i"
  done
  printf '\n[llm.aliases]\n'
  for ((i = 0; i < n; i++)); do
    printf 'alias-%d = { model = "openai/model-%d", backend = "backend-%d" }\n' "$i" "$i" "$i"
  done
}

# app NAME DEPS MAIN: a binary crate in $dir/NAME with the dependency lines DEPS and main.rs MAIN.
app() {
  mkdir -p "$dir/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' \
    "$1" "$2" > "$dir/$1/Cargo.toml"
  printf '%s\n' "$3" > "$dir/$1/src/main.rs"
  cp "$ws/Cargo.lock" "$dir/$1/"
}

llmcfg_dep="llmcfg = { path = \"$ws/llmcfg\" }"
serde_deps='serde = { version = "1", features = ["derive"] }
toml = "1"'
thiserror_dep='thiserror = "2"'

macro_main='mod llm {
    llmcfg::include_llm_config!("llm.toml");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let resolver = llm::CONFIG.resolver()?;
    match resolver.resolve(llm::aliases::SMART) {
        Ok(resolved) => println!("{} via {}", resolved.model(), resolved.base_url()),
        Err(error) => println!("smart: {error}"),
    }
    Ok(())
}'

serde_types='#[derive(serde::Deserialize)]
struct File {
    llm: Llm,
}

#[derive(serde::Deserialize)]
struct Llm {
    #[serde(default)]
    credentials: Vec<Credential>,
    #[serde(default)]
    backends: Vec<Backend>,
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, Alias>,
}

#[derive(serde::Deserialize)]
struct Credential {
    name: String,
    api_key_env: String,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Backend {
    name: String,
    kind: String,
    base_url: String,
    credential_ref: Option<String>,
    #[serde(default)]
    ops: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Alias {
    model: String,
    backend: Option<String>,
}

fn lookup(llm: &Llm, name: &str) -> Option<String> {
    let alias = llm.aliases.get(name)?;
    let backend = llm.backends.iter().find(|b| Some(&b.name) == alias.backend.as_ref())?;
    let credential = llm.credentials.iter().find(|c| Some(&c.name) == backend.credential_ref.as_ref())?;
    Some(format!("{} via {} (key in ${})", alias.model, backend.base_url, credential.api_key_env))
}'

serde_main="$serde_types

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(\"llm.toml\")?;
    let file: File = toml::from_str(&text)?;
    println!(\"{:?}\", lookup(&file.llm, \"smart\"));
    Ok(())
}"

base_main="$serde_types

#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error(\"reading llm.toml\")]
    Read(#[from] std::io::Error),
    #[error(\"parsing llm.toml\")]
    Parse(#[from] toml::de::Error),
}

fn run() -> Result<(), AppError> {
    let text = std::fs::read_to_string(\"llm.toml\")?;
    let file: File = toml::from_str(&text)?;
    println!(\"{:?}\", lookup(&file.llm, \"smart\"));
    Ok(())
}

fn main() {
    if let Err(error) = run() {
        eprintln!(\"{error}\");
    }
}"

base_llmcfg_main="mod llm {
    llmcfg::include_llm_config!(\"llm.toml\");
}

$base_main

#[allow(dead_code)]
fn model() -> &'static str {
    llm::aliases::SMART.model()
}"

service_deps="$serde_deps
$thiserror_dep
tokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }
reqwest = { version = \"0.13\", default-features = false, features = [\"json\"] }"

# fetch_fn URL: an async request through reqwest on tokio, to URL (a Rust expression).
fetch_fn() {
  printf '\n#[tokio::main]\nasync fn fetch() -> Result<(), reqwest::Error> {\n    let client = reqwest::Client::new();\n    let _ = client.get(%s).send().await?;\n    Ok(())\n}\n' "$1"
}
service_main="$base_main
$(fetch_fn '"http://127.0.0.1:9/health"')"
service_llmcfg_main="$base_llmcfg_main
$(fetch_fn 'llm::aliases::SMART.model()')"

scale_main='mod llm {
    llmcfg::include_llm_config!("llm.toml");
}

fn main() {
    println!("{} aliases, {} backends", llm::CONFIG.aliases().len(), llm::CONFIG.backends().len());
}'

# descendants PID: the process ids below PID.
descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      found[root] = 1
      do {
        more = 0
        for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; more = 1 }
      } while (more)
      for (p in found) if (p != root) print p
    }'
}

# watch_rss PID OUT: until PID exits, samples its descendants' resident memory every 0.5 s; kills any
# over the cap (by pid) and notes it; writes the peak KiB to OUT (and "killed" to OUT.killed).
watch_rss() {
  local pid=$1 out=$2 peak=0 p rss
  while kill -0 "$pid" 2> /dev/null; do
    for p in $(descendants "$pid"); do
      rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2> /dev/null || true)
      [ -n "$rss" ] || continue
      [ "$rss" -gt "$peak" ] && peak=$rss
      if [ "$rss" -gt "$cap_kib" ]; then
        kill -9 "$p" 2> /dev/null || true
        echo killed > "$out.killed"
      fi
    done
    sleep 0.5
  done
  echo "$peak" > "$out"
}

# build NAME TARGET PROFILE [EXTRA...]: one `cargo build`; sets ms, crates, rss_kib, killed.
build() {
  local name=$1 target=$2 profile=$3 log="$dir/$1.$3.log" flags=(--offline)
  shift 3
  [ "$profile" = release ] && flags+=(--release)
  rm -f "$log.rss" "$log.rss.killed" "$log.time"
  local t0 t1 status=0 pid
  t0=$(now_ms)
  if [ "$have_time" = 1 ]; then
    (cd "$dir/$name" && CARGO_TARGET_DIR="$target" exec /usr/bin/time -v -o "$log.time" \
      cargo build "${flags[@]}" "$@" > "$log" 2>&1) &
  else
    (cd "$dir/$name" && CARGO_TARGET_DIR="$target" exec cargo build "${flags[@]}" "$@" > "$log" 2>&1) &
  fi
  pid=$!
  watch_rss "$pid" "$log.rss" &
  local watcher=$!
  wait "$pid" || status=$?
  # Before waiting for the sampler, which notices the exit only at its next tick.
  t1=$(now_ms)
  wait "$watcher" || true
  ms=$((t1 - t0))
  crates=$(grep -c '^ *Compiling ' "$log" || true)
  rss_kib=$(cat "$log.rss" 2> /dev/null || echo 0)
  if [ -f "$log.time" ]; then
    rss_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log.time")
  fi
  killed=0
  [ -f "$log.rss.killed" ] && killed=1
  if [ "$status" != 0 ] && [ "$killed" = 0 ]; then
    echo "cargo build failed in $dir/$name ($profile):" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

# rebuilds NAME TARGET PROFILE: edits llm.toml $runs times, timing each rebuild; sets ms (median)
# and rss_kib (the largest), killed.
rebuilds() {
  local name=$1 target=$2 profile=$3 times=() peak=0 r
  for ((r = 0; r < runs; r++)); do
    printf '# edit %d\n' "$r" >> "$dir/$name/llm.toml"
    build "$name" "$target" "$profile"
    times+=("$ms")
    [ "$rss_kib" -gt "$peak" ] && peak=$rss_kib
    [ "$killed" = 1 ] && break
  done
  ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((${#times[@]} + 1) / 2))p")
  rss_kib=$peak
}

# cold NAME PROFILE: a cold build with its own target directory; prints a table row and sets
# cold_ms, cold_crates, cold_bytes for the ratios.
cold() {
  local name=$1 profile=$2 target="$dir/target-$1-$2"
  build "$name" "$target" "$profile"
  cold_ms=$ms cold_crates=$crates
  cold_bytes=$(du -sb "$target" | cut -f1)
  rebuilds "$name" "$target" "$profile"
  printf '| %s | %s | %s s | %s | %s MiB | %s s |\n' "$name" "$profile" "$(secs "$cold_ms")" \
    "$cold_crates" "$(mib "$cold_bytes")" "$(secs "$ms")"
}

# added APP WHAT PROFILE: cold builds of APP and APP-llmcfg; appends llmcfg's marginal cost to the
# summary.
added() {
  cold "$1" "$3"
  # Not `ms`/`crates`: `build` sets those, and bash's locals are seen by the functions called.
  local without_ms=$cold_ms without_crates=$cold_crates without_bytes=$cold_bytes
  cold "$1-llmcfg" "$3"
  summary+=("| llmcfg added to $2, $3 | +$(secs $((cold_ms - without_ms))) s ($(ratio "$cold_ms" "$without_ms")) | +$((cold_crates - without_crates)) | +$(mib $((cold_bytes - without_bytes))) MiB |")
}

small_config > "$dir/llm.toml"
app macro "$llmcfg_dep" "$macro_main"
app serde "$serde_deps" "$serde_main"
app base "$serde_deps
$thiserror_dep" "$base_main"
app base-llmcfg "$serde_deps
$thiserror_dep
$llmcfg_dep" "$base_llmcfg_main"
app service "$service_deps" "$service_main"
app service-llmcfg "$service_deps
$llmcfg_dep" "$service_llmcfg_main"
for a in macro serde base base-llmcfg service service-llmcfg; do cp "$dir/llm.toml" "$dir/$a/"; done

profiles=(debug)
[ "$quick" = 1 ] || profiles+=(release)

echo "# scripts/bench-build.sh $(git -C "$ws" rev-parse --short HEAD) on $(nproc) cores, $(date -u +%F)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| application | profile | cold build | crates compiled | target/ | rebuild after editing llm.toml |'
echo '|---|---|---|---|---|---|'
summary=()
for profile in "${profiles[@]}"; do
  cold macro "$profile"
  m_ms=$cold_ms m_crates=$cold_crates m_bytes=$cold_bytes
  cold serde "$profile"
  summary+=("| macro / serde, $profile | $(ratio "$m_ms" "$cold_ms") | $m_crates / $cold_crates | $(ratio "$m_bytes" "$cold_bytes") |")
  added base "serde + toml + thiserror" "$profile"
  if [ "$service" = 1 ]; then
    added service "tokio + reqwest + serde + toml + thiserror" "$profile"
  fi
done
echo
echo '| comparison | cold build time | crates | target/ |'
echo '|---|---|---|---|'
printf '%s\n' "${summary[@]}"

# timing_html TARGET: the report `cargo build --timings` left in TARGET.
timing_html() {
  local html
  html=$(ls "$1"/cargo-timings/cargo-timing-*.html 2> /dev/null | head -n 1 || true)
  echo "${html:-$1/cargo-timings/cargo-timing.html}"
}

if [ -n "$timings" ]; then
  build macro "$dir/target-timings" debug --timings
  build serde "$dir/target-timings-serde" debug --timings
  python3 - "$(timing_html "$dir/target-timings")" "$(timing_html "$dir/target-timings-serde")" \
    > "$timings" <<'PY'
import json, re, sys

def units(path):
    text = open(path, encoding="utf-8").read()
    return json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S).group(1))

macro, serde = units(sys.argv[1]), units(sys.argv[2])
print("| unit | features | time |")
print("|---|---|---|")
for u in sorted(macro, key=lambda u: u["duration"], reverse=True)[:10]:
    target = u.get("target", "").strip()
    name = f'{u["name"]} {u["version"]}{(" " + target) if target else ""}'
    print(f'| {name} | {", ".join(u.get("features", [])) or "-"} | {u["duration"]:.2f} s |')
# The CPU each build spends in its units: on 2 cores its wall time cannot go below half of it.
total = lambda us: sum(u["duration"] for u in us)
own = sum(u["duration"] for u in macro if u["name"].startswith("llmcfg"))
print()
print("| cold debug build | CPU in compile units | of which llmcfg's own crates |")
print("|---|---|---|")
print(f"| macro | {total(macro):.2f} s | {own:.2f} s |")
print(f"| serde | {total(serde):.2f} s | - |")
PY
  echo
  echo "ten slowest units of the cold debug build of \`macro\`, and the CPU of both builds: $timings"
fi

if [ -n "$sizes" ]; then
  echo
  echo "| N (credentials, backends, aliases) | llm.toml | rebuild after editing llm.toml | peak memory |"
  echo '|---|---|---|---|'
  target="$dir/target-scale"
  IFS=, read -r -a ns <<< "$sizes"
  for n in "${ns[@]}"; do
    name="scale-$n"
    app "$name" "$llmcfg_dep" "$scale_main"
    big_config "$n" > "$dir/$name/llm.toml"
    build "$name" "$target" debug
    if [ "$killed" = 0 ]; then
      rebuilds "$name" "$target" debug
    fi
    size=$(du -b "$dir/$name/llm.toml" | cut -f1)
    if [ "$killed" = 1 ]; then
      echo "| $n | $((size / 1024)) KiB | killed after $(secs "$ms") s over ${cap_gib} GiB | > ${cap_gib} GiB |"
    else
      echo "| $n | $((size / 1024)) KiB | $(secs "$ms") s | $((rss_kib / 1024)) MiB |"
    fi
  done
fi
