#define _GNU_SOURCE
#include "CShims.h"

#include <errno.h>
#include <string.h>
#include <pthread.h>
#include <openssl/bio.h>
#include <openssl/err.h>

int kb_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

// MARK: OpenSSL macros

int kb_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int kb_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

long kb_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

long kb_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

long kb_SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long size) {
    return SSL_CTX_sess_set_cache_size(ctx, size);
}

long kb_SSL_CTX_sess_number(SSL_CTX *ctx) {
    return SSL_CTX_sess_number(ctx);
}

int kb_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

long kb_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

int kb_ERR_GET_LIB(unsigned long code) {
    return ERR_GET_LIB(code);
}

int kb_ERR_GET_REASON(unsigned long code) {
    return ERR_GET_REASON(code);
}

// MARK: constants

uint64_t kb_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
uint64_t kb_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
uint64_t kb_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
uint64_t kb_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
uint64_t kb_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }

unsigned long kb_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~(unsigned long)ASN1_STRFLGS_ESC_MSB;
}

// MARK: socket BIO without SIGPIPE

static BIO_METHOD *kb_nosigpipe_method;
static pthread_once_t kb_nosigpipe_once = PTHREAD_ONCE_INIT;

// OpenSSL's sock_write, with send(MSG_NOSIGNAL) in place of write().
static int kb_nosigpipe_write(BIO *bio, const char *data, int length) {
    int fd = -1;
    if (BIO_get_fd(bio, &fd) < 0 || fd < 0) {
        return -1;
    }
    errno = 0;
    ssize_t written = send(fd, data, (size_t)length, MSG_NOSIGNAL);
    BIO_clear_retry_flags(bio);
    if (written <= 0 && BIO_sock_should_retry((int)written)) {
        BIO_set_retry_write(bio);
    }
    return (int)written;
}

static int kb_nosigpipe_puts(BIO *bio, const char *string) {
    return kb_nosigpipe_write(bio, string, (int)strlen(string));
}

static void kb_nosigpipe_make_method(void) {
    const BIO_METHOD *socket = BIO_s_socket();
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                      "socket (MSG_NOSIGNAL)");
    if (method == NULL) {
        return;
    }
    if (!BIO_meth_set_write(method, kb_nosigpipe_write)
        || !BIO_meth_set_puts(method, kb_nosigpipe_puts)
        || !BIO_meth_set_read(method, BIO_meth_get_read(socket))
        || !BIO_meth_set_ctrl(method, BIO_meth_get_ctrl(socket))
        || !BIO_meth_set_create(method, BIO_meth_get_create(socket))
        || !BIO_meth_set_destroy(method, BIO_meth_get_destroy(socket))) {
        BIO_meth_free(method);
        return;
    }
    kb_nosigpipe_method = method;  // lives as long as the process, like OpenSSL's own methods
}

int kb_SSL_set_fd_nosigpipe(SSL *ssl, int fd) {
    pthread_once(&kb_nosigpipe_once, kb_nosigpipe_make_method);
    if (kb_nosigpipe_method == NULL) {
        return SSL_set_fd(ssl, fd);  // fall back to OpenSSL's socket BIO
    }
    BIO *bio = BIO_new(kb_nosigpipe_method);
    if (bio == NULL) {
        return 0;
    }
    BIO_set_fd(bio, fd, BIO_NOCLOSE);
    SSL_set_bio(ssl, bio, bio);  // one BIO for both directions; SSL owns it
    return 1;
}
