import COpenSSL

/// Leaves an error on this thread's OpenSSL queue, as unrelated OpenSSL work might.
func pushStaleOpenSSLError() {
    let bio = BIO_new_file("/nonexistent/klagebro-stale-error", "r")
    precondition(bio == nil && ERR_peek_error() != 0, "expected a stale OpenSSL error")
}
