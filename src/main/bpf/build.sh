#!/usr/bin/env bash
# Compiles every *.bpf.c in SRC_DIR into OUT_DIR/<name>.bpf.o as a CO-RE object (clang -target bpf).
# Called by Maven in generate-resources (main object) and generate-test-resources (test fixtures).
# usage: build.sh SRC_DIR OUT_DIR
set -euo pipefail
src_dir=$1
out_dir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

fail() { echo "tlsscope BPF build: $*" >&2; exit 1; }

command -v clang >/dev/null 2>&1 || fail "clang not found; install the Debian package 'clang' (apt-get install clang)"
[ -f /usr/include/bpf/bpf_helpers.h ] || fail "libbpf headers not found (/usr/include/bpf/bpf_helpers.h); install the Debian package 'libbpf-dev'"
# asm/types.h lives in the multiarch include dir on Debian; clang -target bpf does not search it by itself.
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
[ -d "/usr/include/$multiarch" ] || fail "/usr/include/$multiarch missing; install the Debian package 'linux-libc-dev'"

mkdir -p "$out_dir"
shopt -s nullglob
for source in "$src_dir"/*.bpf.c; do
  object="$out_dir/$(basename "${source%.c}").o"
  clang -g -O2 -target bpf -D__TARGET_ARCH_x86 \
    -Wall -Werror -Wno-unused-function \
    -I"$here" -I"$src_dir" -idirafter "/usr/include/$multiarch" \
    -c "$source" -o "$object"
  # Drop DWARF but keep BTF (.BTF/.BTF.ext carry the CO-RE relocations); halves the object size.
  if command -v llvm-strip >/dev/null 2>&1; then llvm-strip -g "$object"; fi
  echo "tlsscope BPF build: $source -> $object"
done
