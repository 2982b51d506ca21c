#!/usr/bin/env python3
"""Prints, tab-separated, what the environment it runs in would change for a C program that
called setlocale(LC_ALL, ""): the decimal point (LC_NUMERIC), strerror(ENOENT) (LC_MESSAGES),
which of "Zone" and "app" strcoll puts first (LC_COLLATE) and toupper('i') (LC_CTYPE); then
the UTC offset (TZ), the umask and the depth of the working directory. The test
tools::output_is_deterministic runs it beside meshroll, to show that each environment it
compares with the reference one really differs from it in all of these."""
import ctypes
import errno
import locale
import os
import time

locale.setlocale(locale.LC_ALL, "")
umask = os.umask(0)
print("\t".join([
    locale.localeconv()["decimal_point"],
    os.strerror(errno.ENOENT),
    sorted(["Zone", "app"], key=locale.strxfrm)[0],
    chr(ctypes.CDLL(None).toupper(ord("i"))),
    time.strftime("%z"),
    "%03o" % umask,
    str(os.getcwd().count("/")),
]))
