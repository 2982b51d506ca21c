/* runstat.c: runs a command K times and prints one line a run, for make bench:
 *
 *   runstat [-n K] [-p PREP] COMMAND [ARG...] [-- FLOOR [ARG...]]
 *
 * "A WALL_US USER_US SYS_US MAXRSS_KB EXIT" for COMMAND. With a FLOOR command, runs of the
 * two alternate (A, B, A, B, ...) so that machine noise hits both, and its lines start
 * with B. PREP, when given, is a shell command run untimed before each run of COMMAND
 * (removing the tree a fresh render writes). The commands' output goes to /dev/null. CPU
 * times are the child's user and system time from wait4; MAXRSS its peak resident set. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
usec(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

/* Runs argv once and prints its line, tagged tag; returns its exit status, -1 on error. */
static int
run(char tag, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long wall = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	printf("%c %lld %lld %lld %ld %d\n", tag, wall, usec(ru.ru_utime), usec(ru.ru_stime),
	       ru.ru_maxrss, code);
	return code;
}

int
main(int argc, char **argv)
{
	int k = 1, opt;
	const char *prep = NULL;

	while ((opt = getopt(argc, argv, "+n:p:")) != -1) {
		if (opt == 'n')
			k = atoi(optarg);
		else if (opt == 'p')
			prep = optarg;
		else
			goto usage;
	}
	if (optind >= argc || k < 1)
		goto usage;
	char **a = argv + optind, **b = NULL;
	for (char **p = a; *p; p++)
		if (!strcmp(*p, "--")) {
			*p = NULL;
			b = p + 1;
			break;
		}
	for (int i = 0; i < k; i++) {
		if (prep && system(prep) != 0) {
			fprintf(stderr, "runstat: '%s' failed\n", prep);
			return 1;
		}
		if (run('A', a) < 0 || (b && *b && run('B', b) < 0))
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
usage:
	fputs("usage: runstat [-n K] [-p PREP] COMMAND [ARG...] [-- FLOOR [ARG...]]\n", stderr);
	return 2;
}
