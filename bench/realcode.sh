#!/usr/bin/env bash
# gohint over real Go code: the standard library and ten third-party projects from Debian's
# -dev packages (grpc, etcd, nats-server, docker, hashicorp raft/serf/memberlist, prometheus
# client_golang, x/tools, staticcheck), optionally their whole dependency tree (--deps).
#
#   bench/realcode.sh                  counts per project and rule, per 10k lines, wall time
#   bench/realcode.sh --sample [--rule R] [--deps] [--unaudited]   20 seeded findings per rule, with
#                                      their functions (--unaudited: only those with no verdict yet)
#   bench/realcode.sh --check-budget   fail when a rule has more findings than bench/realcode-budget.tsv
#   bench/realcode.sh --write-budget   refresh bench/realcode-budget.tsv
#   bench/realcode.sh --ledger         precision per rule from docs/precision/verdicts.tsv;
#                                      rewrites the table in docs/precision.md
#
# The binary: --bin PATH, else $GOHINT_BIN, else $CARGO_TARGET_DIR/release/gohint, else
# target/release/gohint. --help lists every option.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(golang-src golang-google-grpc-dev golang-etcd-server-dev golang-github-nats-io-nats-server-dev
  golang-github-docker-docker-dev golang-github-hashicorp-raft-dev golang-github-hashicorp-serf-dev
  golang-github-hashicorp-memberlist-dev golang-github-prometheus-client-golang-dev
  golang-golang-x-tools-dev golang-honnef-go-tools-dev)

# --project NAME=DIR runs on given folders only: nothing to install.
if [[ " $* " != *" --project "* && " $* " != *" --help "* && " $* " != *" -h "* ]]; then
  need=()
  for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "realcode: installing ${need[*]}" >&2
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
exec python3 bench/realcode.py "$@"
