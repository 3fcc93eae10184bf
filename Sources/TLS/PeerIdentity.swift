import COpenSSL
import CShims

/// Who the verified client certificate says the caller is.
public struct PeerIdentity: Sendable, Equatable {
    /// The organisation number from a Norwegian enterprise certificate (virksomhetssertifikat):
    /// nine digits with a valid mod-11 check digit, or nil when the certificate has none, an
    /// invalid one, or conflicting ones (see ``OrganizationNumber/fromSubject(serialNumbers:organizationIdentifiers:)``).
    public var organizationNumber: String?
    /// The certificate subject as one RFC 2253 line (most specific first, UTF-8 kept readable,
    /// control characters escaped), for logs.
    public var subject: String
    /// The issuer, in the same form.
    public var issuer: String

    public init(organizationNumber: String?, subject: String, issuer: String) {
        self.organizationNumber = organizationNumber
        self.subject = subject
        self.issuer = issuer
    }
}

extension PeerIdentity {
    /// The identity of the peer's certificate, only if it passed verification.
    static func verified(from ssl: OpaquePointer) -> PeerIdentity? {
        guard SSL_get_verify_result(ssl) == Int(X509_V_OK),
              let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        let identity = PeerIdentity(certificate: certificate)
        ERR_clear_error()
        return identity
    }

    /// Reads an `X509*` (borrowed).
    init?(certificate: OpaquePointer) {
        guard let subjectName = X509_get_subject_name(certificate),
              let issuerName = X509_get_issuer_name(certificate),
              let subject = PeerIdentity.rfc2253(subjectName),
              let issuer = PeerIdentity.rfc2253(issuerName) else { return nil }
        let serialNumbers = PeerIdentity.values(of: NID_serialNumber, in: subjectName)
        let organizationIdentifiers = PeerIdentity.values(of: NID_organizationIdentifier, in: subjectName)
        self.init(
            organizationNumber: OrganizationNumber.fromSubject(
                serialNumbers: serialNumbers, organizationIdentifiers: organizationIdentifiers),
            subject: subject,
            issuer: issuer)
    }

    /// Every value of one attribute in a name, as UTF-8 (whatever ASN.1 string type it was).
    /// A value that cannot be converted becomes "" so that it still counts as a (non-matching) claim.
    static func values(of nid: Int32, in name: OpaquePointer) -> [String] {
        var values: [String] = []
        var position: Int32 = -1
        while true {
            position = X509_NAME_get_index_by_NID(name, nid, position)
            if position < 0 { break }
            guard let entry = X509_NAME_get_entry(name, position),
                  let data = X509_NAME_ENTRY_get_data(entry) else {
                values.append("")
                continue
            }
            var utf8: UnsafeMutablePointer<UInt8>? = nil
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            if length >= 0, let utf8 {
                values.append(String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self))
                CRYPTO_free(utf8, #fileID, #line)
            } else {
                values.append("")
            }
        }
        return values
    }

    /// `X509_NAME_print_ex` with RFC 2253 flags into a memory BIO.
    static func rfc2253(_ name: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, kb_XN_FLAG_RFC2253_UTF8()) >= 0 else { return nil }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = kb_BIO_get_mem_data(bio, &data)
        guard length >= 0 else { return nil }
        guard let data, length > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
