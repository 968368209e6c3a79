#!/usr/bin/env bash
# Installs the Debian packages quire needs to build, render and test
# (no option: build; --test: also what ctest runs; --ci: also the fuzzers' and valgrind's).
# As root it runs apt-get; otherwise it prints the one command to run and fails.
set -euo pipefail

BUILD_PKGS="build-essential cmake pkg-config libcairo2-dev libpango1.0-dev libzip-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libfontconfig-dev libhyphen-dev
  hyphen-en-us hyphen-de hyphen-es hyphen-fr hyphen-it hyphen-nl hyphen-pt-br hyphen-pt-pt librsvg2-dev libpng-dev libqpdf-dev libharfbuzz-dev libxml2-dev libwebp-dev"
# What ctest runs (make test, make asan).
TEST_PKGS="epubcheck qpdf poppler-utils libxml2-utils unzip man-db python3 fonts-dejavu-core python3-pikepdf python3-pil time mupdf-tools"
# Only CI's own steps: the libFuzzer targets (clang) and valgrind on the IO book.
CI_PKGS="clang libclang-rt-14-dev valgrind"

want="$BUILD_PKGS"
[ "${1:-}" = "--test" ] && want="$BUILD_PKGS $TEST_PKGS"
[ "${1:-}" = "--ci" ] && want="$BUILD_PKGS $TEST_PKGS $CI_PKGS"

missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "quire needs these Debian packages; run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
