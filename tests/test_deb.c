/* test_deb.c: the Debian package (debian/). dpkg-buildpackage -us -uc -b, in a copy of the
 * tree since it writes into the tree's parent, builds meshroll_VERSION_ARCH.deb; lintian finds
 * no error in it; dpkg-deb -x gives the binary, the manual page, both completions, the
 * schemas and the kustomize plugin, and the extracted meshroll renders the example and says
 * the changelog's upstream version. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* The test's directory: src/, the copy of the tree; build.log; the .deb beside src/; root/,
 * where the .deb is extracted. */
static char dir[64];

static void
setup(void)
{
	cr_assert_eq(tmp_dir_new(dir, "deb"), 0);
}

static void
teardown(void)
{
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(deb, .init = setup, .fini = teardown);

/* The package's version from debian/changelog, and the upstream part of it (no epoch, no
 * Debian revision), each into a 64-byte buffer. */
static void
changelog_version(char version[64], char upstream[64])
{
	char *out = NULL;

	cr_assert_eq(run_cmd(&out, "dpkg-parsechangelog -l debian/changelog -S Version"), 0);
	out[strcspn(out, "\n")] = '\0';
	cr_assert(*out && strlen(out) < 64, "debian/changelog's version: '%s'", out);
	snprintf(version, 64, "%s", out);
	free(out);
	const char *colon = strchr(version, ':');
	snprintf(upstream, 64, "%s", colon ? colon + 1 : version);
	char *dash = strrchr(upstream, '-');
	if (dash)
		*dash = '\0';
}

/* dpkg-buildpackage -us -uc -b in a copy of the tree without build/, quiet unless it fails,
 * in a clean environment so that make's variables from the running suite (MAKEFLAGS, and
 * CFLAGS and LDFLAGS under make sanitize) do not reach the package's build. */
static void
deb_build(const char *deb)
{
	char *out = NULL;

	cr_assert_eq(run_cmd(NULL,
	                     "mkdir %s/src && tar -cf - --exclude=./build --exclude=./.git "
	                     "--exclude=./example/deploy . | tar -xf - -C %s/src",
	                     dir, dir),
	             0, "copying the tree into %s/src", dir);
	int status = run_cmd(NULL,
	                     "cd %s/src && env -i PATH=\"$PATH\" LC_ALL=C.UTF-8 "
	                     "dpkg-buildpackage -us -uc -b >%s/build.log 2>&1",
	                     dir, dir);
	if (status != 0) {
		run_cmd(&out, "tail -n 40 %s/build.log", dir);
		cr_assert_fail("dpkg-buildpackage -us -uc -b exited %d; its log ends:\n%s", status,
		               out);
	}
	cr_assert_eq(run_cmd(NULL, "test -f %s", deb), 0, "dpkg-buildpackage did not build %s",
	             deb);
}

/* lintian on the .deb: each E: line fails the test, each W: line is printed. With --fail-on
 * none its exit status is 0, or 1 when it could not check the package. */
static void
deb_lint(const char *deb)
{
	char *out = NULL;

	int status = run_cmd(&out, "lintian --fail-on none %s 2>&1", deb);
	cr_expect_eq(status, 0, "lintian exited %d:\n%s", status, out);
	for (char *line = out, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, "W: ", 3))
			fprintf(stderr, "deb::build_lint_extract_run: lintian: %s\n", line);
		cr_expect(strncmp(line, "E: ", 3), "lintian: %s", line);
	}
	free(out);
}

/* The .deb's files: each of these, the manual page compressed, each a copy of its source
 * where it has one, the two programs executable; and its dependency on libyaml. */
static void
deb_files(const char *deb)
{
	static const char *const files[][2] = {
	    {"usr/bin/meshroll", NULL},
	    {"usr/share/man/man1/meshroll.1.gz", "doc/meshroll.1"},
	    {"usr/share/bash-completion/completions/meshroll", "completion/meshroll.bash"},
	    {"usr/share/zsh/vendor-completions/_meshroll", "completion/_meshroll"},
	    {"usr/share/meshroll/rollout.schema.json", "schemas/rollout.schema.json"},
	    {"usr/share/meshroll/status.schema.json", "schemas/status.schema.json"},
	    {"usr/share/meshroll/kustomize-plugin/Rollout", NULL},
	    {"usr/share/doc/meshroll/copyright", "debian/copyright"},
	};
	char *out = NULL;

	cr_assert_eq(run_cmd(NULL, "dpkg-deb -x %s %s/root", deb, dir), 0, "dpkg-deb -x %s", deb);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *path = files[i][0], *src = files[i][1];
		if (run_cmd(NULL, "test -f %s/root/%s", dir, path) != 0) {
			cr_expect_fail("the package has no %s", path);
			continue;
		}
		if (src)
			cr_expect_eq(
			    run_cmd(NULL, "zcat -f %s/root/%s | cmp -s - %s", dir, path, src), 0,
			    "%s in the package is not %s", path, src);
	}
	cr_expect_eq(run_cmd(NULL, "test -x %s/root/usr/bin/meshroll", dir), 0);
	cr_expect_eq(
	    run_cmd(NULL, "test -x %s/root/usr/share/meshroll/kustomize-plugin/Rollout", dir), 0);
	run_cmd(&out, "dpkg-deb -f %s Depends", deb);
	cr_expect(strstr(out, "libyaml-0-2") && strstr(out, "libc6"), "the package's Depends: %s",
	          out);
	free(out);
}

/* The extracted meshroll renders the example, its kustomize plugin (which runs the meshroll on
 * PATH) prints the same, and it says the changelog's upstream version. */
static void
deb_runs(const char *upstream)
{
	char *out = NULL, *plugin = NULL, want[96];

	cr_expect_eq(
	    run_cmd(&out, "%s/root/usr/bin/meshroll render -o - example/rollout.yaml", dir), 0,
	    "the package's meshroll render -o - example/rollout.yaml");
	cr_expect(strstr(out, "\nkind: VirtualService\n"), "no VirtualService in:\n%s", out);
	run_cmd(&plugin,
	        "PATH=%s/root/usr/bin:/usr/bin:/bin "
	        "%s/root/usr/share/meshroll/kustomize-plugin/Rollout example/rollout.yaml",
	        dir, dir);
	cr_expect_str_eq(plugin, out, "the package's kustomize plugin printed:\n%s", plugin);
	free(plugin);
	free(out);
	run_cmd(&out, "%s/root/usr/bin/meshroll --version", dir);
	snprintf(want, sizeof(want), "meshroll %s\n", upstream);
	cr_expect_str_eq(out, want, "the package's meshroll --version");
	free(out);
}

/* Builds the package from scratch: about a minute on two cores, more under a loaded suite. */
Test(deb, build_lint_extract_run, .timeout = 600)
{
	char version[64], upstream[64], arch[64], deb[256];
	char *out = NULL;

	/* the package is built with the system's compiler, never with the meshroll under test:
	 * the valgrind and sanitizer runs would build the same package again */
	if (slowdown() > 1) {
		fprintf(stderr, "deb: not built again under valgrind or the sanitizers: make check "
		                "builds it\n");
		cr_skip_test("built by make check");
	}
	if (!have_cmd("dpkg-buildpackage") || !have_cmd("dh") || !have_cmd("lintian"))
		test_skip("dpkg-buildpackage, dh or lintian is not installed (Debian: dpkg-dev, "
		          "debhelper, lintian); the Debian package was not built");
	changelog_version(version, upstream);
	cr_assert_eq(run_cmd(&out, "dpkg --print-architecture"), 0);
	snprintf(arch, sizeof(arch), "%.*s", (int)strcspn(out, "\n"), out);
	free(out);
	snprintf(deb, sizeof(deb), "%s/meshroll_%s_%s.deb", dir, version, arch);
	deb_build(deb);
	deb_lint(deb);
	deb_files(deb);
	deb_runs(upstream);
}
