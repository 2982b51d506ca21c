/* faultinject.c: an LD_PRELOAD shim that makes one write-path call fail, like jq's error
 * injector. Built with -DFAULT_WRAP, it is instead linked into a meshroll (build/meshroll-faults)
 * with -Wl,--wrap=NAME for each call below, which reaches a static build that LD_PRELOAD
 * cannot; the calls and the variables are the same. It wraps open/openat for writing, write, fsync,
 * close (of files opened for writing), rename (rename, renameat, renameat2), link (linkat), mkdir
 * (mkdir, mkdirat), unlink (unlink, unlinkat), chown (fchown) and chmod (fchmod).
 *
 *   FAULT_CALL=write FAULT_NTH=3 FAULT_ERRNO=ENOSPC   the third write fails with ENOSPC
 *   FAULT_SIGNAL=KILL (or STOP)                        instead, the process gets that signal
 *                                                      there (a crash, or a run held mid-way)
 *   FAULT_SIGNAL=STOPFAIL                              it stops there, and once continued,
 *                                                      the call fails
 *   FAULT_NO_EXCHANGE=1                                renameat2 RENAME_EXCHANGE fails with
 *                                                      EINVAL, as on a filesystem without it
 *   FAULT_NO_LINK=1                                    linkat fails with EPERM, as on a
 *                                                      filesystem without hard links
 *   FAULT_COUNT=/path                                  append "call count" lines at exit
 *   FAULT_NO_DTYPE=1                                   getdents64 gives every entry the
 *                                                      type DT_UNKNOWN, as a filesystem
 *                                                      that does not record types does
 *
 * Only files opened for writing count for write, fsync and close, so standard output and
 * the files meshroll reads are left alone. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	F_OPEN,
	F_WRITE,
	F_FSYNC,
	F_CLOSE,
	F_RENAME,
	F_LINK,
	F_MKDIR,
	F_UNLINK,
	F_CHOWN,
	F_CHMOD,
	F_COUNT
};

static const char *const names[F_COUNT] = {"open", "write", "fsync",  "close", "rename",
                                           "link", "mkdir", "unlink", "chown", "chmod"};
static long counts[F_COUNT];
static int fault = -1, fault_errno, fault_signal, stop_then_fail, no_dtype;
static long fault_nth;
static char writing[4096]; /* fds opened for writing */

static void
report(void)
{
	const char *path = getenv("FAULT_COUNT");
	FILE *f = path ? fopen(path, "a") : NULL;

	for (int i = 0; f && i < F_COUNT; i++)
		fprintf(f, "%s %ld\n", names[i], counts[i]);
	if (f)
		fclose(f);
}

__attribute__((constructor)) static void
setup(void)
{
	const char *call = getenv("FAULT_CALL"), *nth = getenv("FAULT_NTH");
	const char *err = getenv("FAULT_ERRNO");

	for (int i = 0; call && i < F_COUNT; i++)
		if (!strcmp(call, names[i]))
			fault = i;
	fault_nth = nth ? atol(nth) : 1;
	fault_errno = err && !strcmp(err, "EIO") ? EIO : ENOSPC;
	const char *sig = getenv("FAULT_SIGNAL");
	if (sig) {
		stop_then_fail = !strcmp(sig, "STOPFAIL");
		fault_signal = !strcmp(sig, "STOP") || stop_then_fail ? SIGSTOP : SIGKILL;
	}
	if (getenv("FAULT_COUNT"))
		atexit(report);
	no_dtype = getenv("FAULT_NO_DTYPE") != NULL;
}

/* Counts a call of kind k; returns -1 with errno set when this is the one to fail. */
static int
hit(int k)
{
	if (++counts[k] == fault_nth && k == fault) {
		if (fault_signal)
			raise(fault_signal); /* STOP: carry on when continued */
		if (fault_signal && !stop_then_fail)
			return 0;
		errno = fault_errno;
		return -1;
	}
	return 0;
}

/* FN(name): the name of the function that stands in for name; REAL(ret, name, args...)
 * declares real, a pointer to the function it stands in for. */
#ifdef FAULT_WRAP
#define FN(name) __wrap_##name
#define REAL(ret, name, ...)                                                                       \
	extern ret __real_##name(__VA_ARGS__);                                                     \
	ret (*real)(__VA_ARGS__) = __real_##name
#else
#define FN(name) name
#define REAL(ret, name, ...)                                                                       \
	static ret (*real)(__VA_ARGS__);                                                           \
	if (!real)                                                                                 \
	real = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)
#endif

static int
opened(int fd, int flags)
{
	if (fd >= 0 && fd < (int)sizeof(writing))
		writing[fd] = (flags & (O_WRONLY | O_RDWR)) != 0;
	return fd;
}

static int
do_open(int dirfd, const char *path, int flags, mode_t mode)
{
	REAL(int, openat, int, const char *, int, ...);
	if ((flags & (O_WRONLY | O_RDWR)) && hit(F_OPEN) < 0)
		return -1;
	return opened(real(dirfd, path, flags, mode), flags);
}

int
FN(open)(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = flags & O_CREAT ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return do_open(AT_FDCWD, path, flags, mode);
}

#ifndef FAULT_WRAP
int open64(const char *path, int flags, ...) __attribute__((alias("open")));
#endif

int
FN(openat)(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = flags & O_CREAT ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return do_open(dirfd, path, flags, mode);
}

ssize_t
FN(write)(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, int, const void *, size_t);
	if (fd >= 0 && fd < (int)sizeof(writing) && writing[fd] && hit(F_WRITE) < 0)
		return -1;
	return real(fd, buf, n);
}

int
FN(fsync)(int fd)
{
	REAL(int, fsync, int);
	if (fd >= 0 && fd < (int)sizeof(writing) && writing[fd] && hit(F_FSYNC) < 0)
		return -1;
	return real(fd);
}

int
FN(close)(int fd)
{
	REAL(int, close, int);
	int was = fd >= 0 && fd < (int)sizeof(writing) && writing[fd];
	if (was)
		writing[fd] = 0;
	if (was && hit(F_CLOSE) < 0) {
		real(fd); /* the descriptor is gone either way, as with a real close error */
		errno = fault_errno;
		return -1;
	}
	return real(fd);
}

int
FN(rename)(const char *from, const char *to)
{
	REAL(int, rename, const char *, const char *);
	if (hit(F_RENAME) < 0)
		return -1;
	return real(from, to);
}

int
FN(renameat)(int fromfd, const char *from, int tofd, const char *to)
{
	REAL(int, renameat, int, const char *, int, const char *);
	if (hit(F_RENAME) < 0)
		return -1;
	return real(fromfd, from, tofd, to);
}

int
FN(renameat2)(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
	REAL(int, renameat2, int, const char *, int, const char *, unsigned);
	if ((flags & RENAME_EXCHANGE) && getenv("FAULT_NO_EXCHANGE")) {
		errno = EINVAL;
		return -1;
	}
	if (hit(F_RENAME) < 0)
		return -1;
	return real(fromfd, from, tofd, to, flags);
}

int
FN(linkat)(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	REAL(int, linkat, int, const char *, int, const char *, int);
	if (getenv("FAULT_NO_LINK")) {
		errno = EPERM;
		return -1;
	}
	if (hit(F_LINK) < 0)
		return -1;
	return real(fromfd, from, tofd, to, flags);
}

int
FN(mkdirat)(int dirfd, const char *path, mode_t mode)
{
	REAL(int, mkdirat, int, const char *, mode_t);
	if (hit(F_MKDIR) < 0)
		return -1;
	return real(dirfd, path, mode);
}

int
FN(unlinkat)(int dirfd, const char *path, int flags)
{
	REAL(int, unlinkat, int, const char *, int);
	if (hit(F_UNLINK) < 0)
		return -1;
	return real(dirfd, path, flags);
}

int
FN(mkdir)(const char *path, mode_t mode)
{
	REAL(int, mkdir, const char *, mode_t);
	if (hit(F_MKDIR) < 0)
		return -1;
	return real(path, mode);
}

int
FN(unlink)(const char *path)
{
	REAL(int, unlink, const char *);
	if (hit(F_UNLINK) < 0)
		return -1;
	return real(path);
}

int
FN(fchown)(int fd, uid_t uid, gid_t gid)
{
	REAL(int, fchown, int, uid_t, gid_t);
	if (hit(F_CHOWN) < 0)
		return -1;
	return real(fd, uid, gid);
}

int
FN(fchmod)(int fd, mode_t mode)
{
	REAL(int, fchmod, int, mode_t);
	if (hit(F_CHMOD) < 0)
		return -1;
	return real(fd, mode);
}

ssize_t
FN(getdents64)(int fd, void *buf, size_t len)
{
	REAL(ssize_t, getdents64, int, void *, size_t);
	ssize_t n = real(fd, buf, len);

	for (ssize_t at = 0; no_dtype && at < n;) {
		struct dirent64 *e = (struct dirent64 *)((char *)buf + at);
		e->d_type = DT_UNKNOWN;
		at += e->d_reclen;
	}
	return n;
}
