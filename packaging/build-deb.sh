#!/bin/bash
# Build the supervisor-cpp .deb from this tree.
#
#   packaging/build-deb.sh [OUTDIR]          (default OUTDIR: ./build-deb)
#
# debian/ lives in the tree as packaging/debian/, so that the project root
# stays free of packaging files. This script copies the tree to a scratch
# directory named supervisor-cpp-<version>, copies packaging/debian to
# ./debian there, and runs "dpkg-buildpackage -us -uc -b" in it. The .deb,
# .buildinfo and .changes files end up in OUTDIR.
#
# What is copied: the working tree as git sees it (tracked and untracked
# files, not ignored ones such as build directories). BUILD_DEB_SOURCE=head
# copies the last commit instead, with packaging/ and init/ taken from the
# working tree: for a checkout shared with others' unfinished work.
#
# DEB_BUILD_OPTIONS is honoured (nocheck skips building and running the
# tests; test-deb.sh sets it because CI runs the suite on its own).
# Build dependencies must be installed: "apt-get build-dep ./" in the
# scratch copy does it, and test-deb.sh runs it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
outdir=$(realpath -m "${1:-$repo/build-deb}")
version=$(dpkg-parsechangelog -l "$repo/packaging/debian/changelog" -S Version)
work=$(mktemp -d /tmp/supervisor-cpp-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/supervisor-cpp-$version

mkdir -p "$src" "$outdir"
if [[ ${BUILD_DEB_SOURCE:-worktree} == head ]]; then
    # The last commit, plus packaging/ and init/ as they are now: for a tree
    # shared with others whose work in progress may not build.
    git -C "$repo" archive --format=tar HEAD | tar -xf - -C "$src"
    rm -rf "$src/packaging" "$src/init"
    cp -a "$repo/packaging" "$repo/init" "$src/"
elif git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf -) | tar -xf - -C "$src"
else
    tar -C "$repo" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
rm -rf "$src/debian"
cp -a "$repo/packaging/debian" "$src/debian"

# The tests read the shared corpus beside the repository, as in CI.
if [[ -d $repo/../shared/corpus ]]; then
    export SUP_CORPUS_DIR
    SUP_CORPUS_DIR=$(realpath "$repo/../shared/corpus")
fi

profiles=()
if [[ " ${DEB_BUILD_OPTIONS:-} " == *" nocheck "* ]]; then
    profiles=(-Pnocheck)
fi

if [[ ${BUILD_DEB_INSTALL_DEPS:-0} == 1 ]]; then
    apt-get build-dep -y -qq "${profiles[@]/#-P/--build-profiles=}" "$src" >/dev/null
fi

(cd "$src" && dpkg-buildpackage -us -uc -b -j2 "${profiles[@]}")

for f in "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes; do
    [[ -e $f ]] && mv -f "$f" "$outdir/"
done
ls "$outdir"/supervisor-cpp_"$version"_*.deb
