#!/bin/sh
# build.sh TARGET [MAKE ARGS...]: installs the Debian packages meshroll needs where they
# are missing (as root, with apt-get), and for the tests the pinned yaml-language-server from
# npm into build/node, then runs `make TARGET [MAKE ARGS...]`. README.md's
# two commands are `./build.sh example` and `./build.sh check`; .ci/run uses it too.
set -eu
cd "$(dirname "$0")"
target=${1:-all}
[ $# -gt 0 ] || set -- all

missing=""
need() { # need PACKAGE TEST...: PACKAGE is missing when the test fails
	pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
need make command -v make
need gcc command -v cc
need pkg-config command -v pkg-config
need libyaml-dev sh -c 'pkg-config --exists yaml-0.1'
case $target in
check | test | sanitize | valgrind)
	need libfyaml-dev sh -c 'pkg-config --exists libfyaml'
	need libcriterion-dev sh -c 'pkg-config --exists criterion'
	need clang-format command -v clang-format
	need python3 command -v python3
	need python3-yaml python3 -c 'import yaml'
	need python3-jsonschema python3 -c 'import jsonschema'
	need python3-jsonpatch python3 -c 'import jsonpatch'
	need pre-commit command -v pre-commit
	need git command -v git
	need patch command -v patch
	need prometheus command -v promtool # promtool: tests/prom_rules.py
	need mandoc command -v mandoc # tests/test_docs.c: mandoc -T lint on the manual page
	need zsh command -v zsh # tests/test_docs.c: the zsh completion, in a real zsh
	need strace command -v strace # tests/test_limits.c: the writes to stderr, counted
	need nodejs command -v node # tests/yaml_lsp.js and yaml-language-server
	need npm command -v npm
	# tests/test_deb.c: dpkg-buildpackage -us -uc -b and lintian on the .deb; dpkg-buildpackage
	# also wants build-essential, which gcc and make alone do not install
	need dpkg-dev command -v dpkg-buildpackage
	need debhelper command -v dh
	need build-essential sh -c "dpkg-query -W -f '\${Status}' build-essential | grep -q ' installed$'"
	need lintian command -v lintian
	# tools::output_is_deterministic: locale sources for localedef, libc's translations
	# of its messages, and the time zones
	need locales test -e /usr/share/i18n/locales/tr_TR
	need libc-l10n test -e /usr/share/locale/tr/LC_MESSAGES/libc.mo
	need tzdata test -e /usr/share/zoneinfo/Pacific/Kiritimati
	;;
esac
case $target in
valgrind) need valgrind command -v valgrind ;;
fuzz)
	need clang command -v clang
	need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
	;;
esac

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "build.sh: missing Debian packages:$missing" >&2
		echo "build.sh: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "build.sh: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq --no-install-recommends $missing >&2
fi

# tests/test_editor.c's yaml-language-server, pinned (1.25.0 runs on Debian 12's node 18), in
# build/node/node_modules/.bin; installed again when missing or another version.
YLS_VERSION=1.25.0
case $target in
check | test | sanitize | valgrind)
	grep -qs "\"version\": \"$YLS_VERSION\"" \
		build/node/node_modules/yaml-language-server/package.json ||
		npm install --no-save --no-audit --no-fund --prefix build/node \
			"yaml-language-server@$YLS_VERSION" >&2
	;;
esac
exec make "$@"
