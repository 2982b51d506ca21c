# meshroll: see README.md. `make check` is what CI runs (through build.sh).
PREFIX   ?= /usr/local
DESTDIR  ?=
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
PKG_CONFIG ?= pkg-config

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wformat=2 -Wvla
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) -Isrc -Ibuild
YAML_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
YAML_LIBS   := $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion libfyaml 2>/dev/null)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs criterion libfyaml 2>/dev/null || echo -lcriterion -lfyaml)

SRC  = $(sort $(wildcard src/*.c))
LIB  = $(filter-out src/main.c,$(SRC))
TESTS = $(sort $(wildcard tests/*.c))
EMBED = $(sort $(wildcard templates/*.yaml)) schemas/rollout.schema.json

# B is the build directory: build/ normally, build/sanitize/ for the sanitizer build.
B = build
OBJ      = $(LIB:src/%.c=$(B)/%.o) $(B)/embedded.o $(B)/frozen_data.o
TEST_OBJ = $(TESTS:tests/%.c=$(B)/tests/%.o)

# make STATIC=1: a statically linked meshroll (glibc's libc.a and libyaml.a). The tests then
# inject write faults through build/meshroll-faults, LD_PRELOAD reaching no static binary.
STATIC ?=
ifeq ($(STATIC),1)
STATIC_LDFLAGS = -static
YAML_LIBS := $(shell $(PKG_CONFIG) --static --libs yaml-0.1 2>/dev/null || echo -lyaml)
FAULT_BIN = $(B)/meshroll-faults
endif
# Relative relocations packed (DT_RELR: binutils 2.38 and glibc 2.36 on): the loader reads
# some 100 bytes rather than 11 KiB of them for the pointers in meshroll's const tables. Left
# out where the linker as configured (LDFLAGS, STATIC) fails or warns on the flag: GNU ld
# before 2.38 and lld 14 only warn.
RELR_LDFLAGS := $(shell out=$$(echo 'int main(void) { return 0; }' | \
	$(CC) $(LDFLAGS) $(STATIC_LDFLAGS) -x c - -Wl,-z,pack-relative-relocs -o /dev/null 2>&1) && \
	[ -z "$$out" ] && echo -Wl,-z,pack-relative-relocs)
LINK = $(CC) $(LDFLAGS) $(STATIC_LDFLAGS) $(RELR_LDFLAGS)

all: $(B)/meshroll

# A stamp, link-static or link-dynamic, the only one there: a change of STATIC relinks.
LINK_STAMP = $(B)/link-$(if $(STATIC_LDFLAGS),static,dynamic)
$(B)/link-%:
	@mkdir -p $(@D)
	@rm -f $(B)/link-static $(B)/link-dynamic
	@touch $@

$(B)/meshroll: $(B)/main.o $(OBJ) $(LINK_STAMP)
	$(LINK) -o $@ $(filter %.o,$^) $(YAML_LIBS)

$(B)/%.o: src/%.c $(wildcard src/*.h) build/embedded.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(YAML_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/embedded.o: build/embedded.c src/embed.h
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) $(BASE_CFLAGS) -O1 -o $@ $<

build/embedded.c: build/embed $(EMBED)
	build/embed $@ $(foreach f,$(EMBED),$(f)=$(f))

# The schema and templates parsed (and the templates checked) once, at build time, into const
# tables (src/frozen.h), and the schema's patterns compiled once to fail on one src/pattern.c
# does not implement. build/freeze is a host tool built from the parser's own sources, so
# every build directory (build/, build/sanitize/, build/fuzz/) shares build/frozen_data.c.
FREEZE_SRC = tools/freeze.c src/parse.c src/hash.c src/node.c src/arena.c src/diag.c \
	     src/source.c src/buf.c src/template_check.c src/pattern.c

build/freeze: $(FREEZE_SRC) $(wildcard src/*.h)
	@mkdir -p build
	$(CC) $(BASE_CFLAGS) $(YAML_CFLAGS) -O1 -o $@ $(FREEZE_SRC) $(YAML_LIBS)

build/frozen_data.c: build/freeze $(EMBED)
	build/freeze $@ $(foreach f,$(EMBED),$(f)=$(f))

$(B)/frozen_data.o: build/frozen_data.c src/frozen.h src/node.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(B)/tests/%.o: tests/%.c $(wildcard tests/*.h src/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests $(YAML_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -c -o $@ $<

# The write-fault injector the tests preload; never built with the sanitizers.
$(B)/faultinject.so: tests/faultinject/faultinject.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O1 -Wall -Wextra -o $@ $< -ldl

# The same injector linked into a meshroll, each call it injects into wrapped by the linker:
# what the tests run under STATIC=1. Test-only; never installed.
FAULT_CALLS = open openat write fsync close rename renameat renameat2 linkat mkdir mkdirat \
	unlink unlinkat fchown fchmod getdents64
$(B)/faultinject-wrap.o: tests/faultinject/faultinject.c
	@mkdir -p $(@D)
	$(CC) -DFAULT_WRAP -O1 -Wall -Wextra -c -o $@ $<

$(B)/meshroll-faults: $(B)/main.o $(OBJ) $(B)/faultinject-wrap.o $(LINK_STAMP)
	$(LINK) $(foreach f,$(FAULT_CALLS),-Wl,--wrap=$(f)) -o $@ $(filter %.o,$^) $(YAML_LIBS)

$(B)/unit: $(TEST_OBJ) $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(YAML_LIBS)

# The whole suite: unit tests, golden cases and the checks against outside tools.
# SLOWDOWN: how much slower the meshroll under test is (sanitizers, valgrind), for time bounds.
SLOWDOWN ?= 1
test: $(B)/meshroll $(B)/unit $(B)/faultinject.so $(FAULT_BIN)
	MESHROLL=$(B)/meshroll MESHROLL_SLOWDOWN=$(SLOWDOWN) FAULTINJECT=$(B)/faultinject.so \
		$(if $(FAULT_BIN),MESHROLL_FAULTS=$(FAULT_BIN) MESHROLL_MAKEFLAGS=STATIC=1) \
		$(B)/unit $(TESTFLAGS)

check: format-check test

sanitize:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) --no-print-directory B=build/sanitize SLOWDOWN=5 CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test

# libFuzzer targets (clang): make fuzz [FUZZ_SECONDS=60]. Each runs from its corpus in
# build/fuzz/, seeded with testdata/; a crash leaves build/fuzz/TARGET-crash-* behind.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_load fuzz_emit fuzz_edit
FUZZ_CFLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all

build/fuzz/%: fuzz/%.c $(wildcard src/*.h src/*.c templates/*.yaml schemas/*.json)
	$(MAKE) --no-print-directory B=build/fuzz CC=clang \
		CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" build/fuzz/lib.a
	clang $(BASE_CFLAGS) $(YAML_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		build/fuzz/lib.a $(YAML_LIBS)

$(B)/lib.a: $(OBJ)
	ar rcs $@ $^

fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The whole suite with every meshroll it runs under valgrind memcheck: any memory error or
# definite or indirect leak makes that run exit 99, which fails its test.
valgrind: $(B)/meshroll $(B)/unit $(B)/faultinject.so
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "%s" "$$@"\n' \
		"$(CURDIR)/$(B)/meshroll" > $(B)/valgrind-meshroll
	chmod +x $(B)/valgrind-meshroll
	MESHROLL=$(B)/valgrind-meshroll MESHROLL_ROUNDS=5 MESHROLL_SLOWDOWN=50 \
		FAULTINJECT=$(B)/faultinject.so $(B)/unit $(TESTFLAGS)

golden-update: $(B)/meshroll
	MESHROLL=$(B)/meshroll tests/golden.sh --update

build/runstat: tools/runstat.c
	@mkdir -p build
	$(CC) $(BASE_CFLAGS) -O1 -o $@ $<

# make bench [N="1 100 1000 5000"]: figures, see tools/bench.sh. The floor program it builds
# (links libyaml, exits) gets meshroll's compiler, flags and libraries.
bench: $(B)/meshroll build/runstat
	MESHROLL=$(B)/meshroll BENCH_CC='$(CC)' BENCH_CFLAGS='$(BASE_CFLAGS) $(YAML_CFLAGS) $(CFLAGS)' \
		BENCH_LIBS='$(LDFLAGS) $(STATIC_LDFLAGS) $(RELR_LDFLAGS) $(YAML_LIBS)' tools/bench.sh $(N)

examples: $(B)/meshroll
	cd examples/gitops && $(CURDIR)/$(B)/meshroll render -o deploy rollouts

example: $(B)/meshroll
	$(B)/meshroll render -o example/deploy example/rollout.yaml
	@echo "rendered example/rollout.yaml into example/deploy:"
	@cd example/deploy && find . -type f | sort

format:
	clang-format -i src/*.c src/*.h tests/*.c tests/*.h tests/*/*.c tools/*.c fuzz/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h tests/*.c tests/*.h tests/*/*.c tools/*.c fuzz/*.c

# kustomize's legacy exec generator plugin for kind Rollout (kubectl kustomize
# --enable-alpha-plugins): $(call plugin_script,MESHROLL,FILE) writes the script, which runs
# MESHROLL (a shell word) on the generator file kustomize passes it, into FILE.
plugin_script = printf '\#!/bin/sh\n\# kustomize exec generator plugin for meshroll.dev/v1alpha1 Rollout.\n\# kustomize passes the generator file as $$1.\nexec %s render -o - "$$1"\n' "$(1)" > '$(2)' && chmod 755 '$(2)'

# install-kustomize-plugin: for one user, calling MESHROLL (default: this checkout's).
XDG_CONFIG_HOME ?= $(HOME)/.config
MESHROLL ?= $(CURDIR)/$(B)/meshroll
PLUGIN_DIR = $(XDG_CONFIG_HOME)/kustomize/plugin/meshroll.dev/v1alpha1/rollout

install-kustomize-plugin:
	install -d '$(PLUGIN_DIR)'
	$(call plugin_script,'$(MESHROLL)',$(PLUGIN_DIR)/Rollout)
	@echo "installed $(PLUGIN_DIR)/Rollout, calling $(MESHROLL)"

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man page, the bash and zsh
# completions, the JSON Schemas and the kustomize plugin (calling the meshroll on PATH);
# make uninstall removes those files, and share/meshroll when that leaves it empty.
BINDIR      ?= $(PREFIX)/bin
MAN1DIR     ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
DATADIR     ?= $(PREFIX)/share/meshroll

install: $(B)/meshroll
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MAN1DIR)' '$(DESTDIR)$(BASHCOMPDIR)' \
		'$(DESTDIR)$(ZSHCOMPDIR)' '$(DESTDIR)$(DATADIR)/kustomize-plugin'
	install -m 755 $(B)/meshroll '$(DESTDIR)$(BINDIR)/meshroll'
	install -m 644 doc/meshroll.1 '$(DESTDIR)$(MAN1DIR)/meshroll.1'
	install -m 644 completion/meshroll.bash '$(DESTDIR)$(BASHCOMPDIR)/meshroll'
	install -m 644 completion/_meshroll '$(DESTDIR)$(ZSHCOMPDIR)/_meshroll'
	install -m 644 schemas/rollout.schema.json schemas/status.schema.json '$(DESTDIR)$(DATADIR)'
	$(call plugin_script,meshroll,$(DESTDIR)$(DATADIR)/kustomize-plugin/Rollout)

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/meshroll' '$(DESTDIR)$(MAN1DIR)/meshroll.1' \
		'$(DESTDIR)$(BASHCOMPDIR)/meshroll' '$(DESTDIR)$(ZSHCOMPDIR)/_meshroll' \
		'$(DESTDIR)$(DATADIR)/rollout.schema.json' '$(DESTDIR)$(DATADIR)/status.schema.json' \
		'$(DESTDIR)$(DATADIR)/kustomize-plugin/Rollout'
	rmdir '$(DESTDIR)$(DATADIR)/kustomize-plugin' '$(DESTDIR)$(DATADIR)' 2>/dev/null || true

clean:
	rm -rf build

.PHONY: all test check sanitize valgrind fuzz golden-update bench example examples install-kustomize-plugin format format-check install uninstall clean
