#ifndef KLAGEBRO_CSHIMS_H
#define KLAGEBRO_CSHIMS_H

// Small C wrappers for what Swift cannot import directly: glibc functions hidden behind
// _GNU_SOURCE and OpenSSL's function-like macros. Every symbol is prefixed `kb_`.

#include <sys/socket.h>
#include <stdint.h>
#include <stddef.h>

/// accept4(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not define.
int kb_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// libFuzzer's driver, for fuzz executables built with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*user_callback)(const uint8_t *data, size_t size));

#endif
