/* cmd.h: the subcommands; main() dispatches to them through a table. */
#ifndef MESHROLL_CMD_H
#define MESHROLL_CMD_H

#define MESHROLL_VERSION "0.1.0"

/* Exit statuses, as README.md documents them. */
enum exit_status {
	EXIT_OK = 0,      /* done; for lint: no findings */
	EXIT_INVALID = 1, /* invalid input, findings; for check and status -o, a stale tree */
	EXIT_USAGE = 2,   /* bad command line */
	EXIT_IO = 3,      /* I/O or internal error */
};

/* Each takes the arguments after the command name (argv[0] is the command). */
int cmd_render(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_promote(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_fn(int argc, char **argv);

#endif
