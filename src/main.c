/* main.c: global options, then dispatch to a subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
    {"render", cmd_render, "write the manifests and kustomize tree of rollouts"},
    {"check", cmd_check, "compare the tree on disk with what render would write"},
    {"status", cmd_status,
     "print each rollout's active and next stage; with -o, if its tree is stale"},
    {"lint", cmd_lint, "validate rollout files; write nothing"},
    {"promote", cmd_promote, "move a rollout's activeStage to the next stage, in place"},
    {"rollback", cmd_rollback, "move a rollout's activeStage back to the first stage"},
    {"init", cmd_init, "print a commented starter rollout file"},
    {"schema", cmd_schema, "print the JSON Schema of the rollout file"},
    {"fn", cmd_fn, "run as a KRM function (kpt, kustomize): a ResourceList in and out"},
};

static void
usage(FILE *fp)
{
	fputs("usage: meshroll COMMAND [OPTIONS] [FILE|DIR...]\n"
	      "       meshroll --help | --version\n\n"
	      "Renders Istio canary rollouts into manifests and kustomize overlays, offline.\n\n"
	      "commands:\n",
	      fp);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(fp, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n'meshroll COMMAND --help' describes a command.\n"
	      "exit status: 0 ok, 1 invalid input, 2 usage error, 3 I/O or internal error\n",
	      fp);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static char errbuf[1 << 16];
	int c;

	/* What goes to stderr outside diags_print() (check's list of stale files, the files a
	 * render removes) is many short lines: buffered, they reach it in a few writes (exit
	 * flushes) */
	setvbuf(stderr, errbuf, _IOFBF, sizeof(errbuf));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
		case 'V':
			puts("meshroll " MESHROLL_VERSION);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
		default:
			fprintf(stderr, "meshroll: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name) != 0)
			continue;
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;
		optind = 0; /* glibc: 0, not 1, fully resets getopt for the subcommand */
		return cmds[i].fn(sub_argc, sub_argv);
	}
	fprintf(stderr, "meshroll: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
