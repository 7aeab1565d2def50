#!/bin/sh
# Seeds the (uncommitted) fuzz corpora: the config corpus for `check`, a few registries for
# `registry`. Run from fuzz/: ./seed.sh
set -e
cd "$(dirname "$0")"
mkdir -p corpus/check corpus/registry
cp ../tests/corpus/valid/*.toml ../tests/corpus/invalid/*.toml corpus/check/
for f in ../tests/corpus/valid/*spear*.toml; do
  { printf '#!table=spearlet.llm\n'; cat "$f"; } > "corpus/check/table-$(basename "$f")"
done
printf '%s' '{"aliases":{"fast":{"model":"openai/gpt-5-nano","secret":"openai-creds"},"smart":{"model":"anthropic/claude","backend":"anthropic-main"}},"default":"fast"}' > corpus/registry/full.json
printf '%s' '{"aliases":{}}' > corpus/registry/empty.json
printf '%s' '{"default":"smart"}' > corpus/registry/default-only.json
printf '%s' '{"aliases":{"Zed":{"model":"OpenAI/o3"},"abc":{"model":"groq/llama","backend":"local"}},"default":"ZED"}' > corpus/registry/case.json
printf '%s' '{"aliases":{"embed":{"model":"ollama/nomic-embed-text"}}}' > corpus/registry/override.json
printf '%s' '{"aliases":{"x":{"model":"openai/o3","secret":"../up"}}}' > corpus/registry/bad-secret.json
printf '%s' '   ' > corpus/registry/blank.json
