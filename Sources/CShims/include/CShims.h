#ifndef KLAGEBRO_CSHIMS_H
#define KLAGEBRO_CSHIMS_H

// Small C wrappers for what Swift cannot import directly: glibc functions hidden behind
// _GNU_SOURCE and OpenSSL's function-like macros. Every symbol is prefixed `kb_`.

#include <sys/socket.h>
#include <sys/epoll.h>
#include <stdint.h>
#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/// accept4(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not define.
int kb_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// libFuzzer's driver, for fuzz executables built with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*user_callback)(const uint8_t *data, size_t size));

// MARK: OpenSSL macros (function-like macros over SSL_CTX_ctrl / BIO_ctrl)

int kb_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int kb_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long kb_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long kb_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
long kb_SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long size);
long kb_SSL_CTX_sess_number(SSL_CTX *ctx);
/// SSL_set_tlsext_host_name: SNI for the client side.
int kb_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
/// BIO_get_mem_data: borrows the memory BIO's contents; returns their length.
long kb_BIO_get_mem_data(BIO *bio, char **data);
/// ERR_GET_LIB / ERR_GET_REASON (static inline in 3.0; wrapped so Swift need not rely on importing them).
int kb_ERR_GET_LIB(unsigned long code);
int kb_ERR_GET_REASON(unsigned long code);

// MARK: OpenSSL constants defined as cast expressions (SSL_OP_BIT(n), XN_FLAG_*)

uint64_t kb_SSL_OP_NO_COMPRESSION(void);
uint64_t kb_SSL_OP_NO_RENEGOTIATION(void);
uint64_t kb_SSL_OP_CIPHER_SERVER_PREFERENCE(void);
uint64_t kb_SSL_OP_NO_TICKET(void);
uint64_t kb_SSL_OP_IGNORE_UNEXPECTED_EOF(void);
/// XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB: one-line RFC 2253 with UTF-8 left readable
/// (control characters and RFC 2253 specials are still escaped).
unsigned long kb_XN_FLAG_RFC2253_UTF8(void);

// MARK: socket BIO without SIGPIPE

/// Like SSL_set_fd (same fd for reading and writing, not closed by OpenSSL), but the BIO writes
/// with send(MSG_NOSIGNAL), so writing to a socket the peer has closed returns EPIPE instead of
/// raising SIGPIPE. Reads, controls and retry flags are those of OpenSSL's own socket BIO.
/// Returns 1 on success, 0 on failure (errors on the OpenSSL error queue).
int kb_SSL_set_fd_nosigpipe(SSL *ssl, int fd);

#endif
