#!/bin/sh
# Build the function and put its `bootstrap` where lamctl.toml's `source` points.
set -eu
cd "$(dirname "$0")"
cargo build --release --locked
mkdir -p target/lambda
cp target/release/bootstrap target/lambda/bootstrap
