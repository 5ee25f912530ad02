dnl SPDX-License-Identifier: Apache-2.0
# DJ_CHECK_CFLAG(FLAG, ACTION-IF-ACCEPTED)
# Runs ACTION when the C compiler accepts FLAG without a warning.
AC_DEFUN([DJ_CHECK_CFLAG], [
  AC_MSG_CHECKING([whether $CC accepts $1])
  dj_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -Werror $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2],
    [AC_MSG_RESULT([no])])
  CFLAGS=$dj_save_CFLAGS
])
