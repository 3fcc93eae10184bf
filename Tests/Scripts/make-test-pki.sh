#!/bin/sh
# make-test-pki.sh DIR — a throwaway PKI for TLS tests, manual runs and benchmarks.
#
# Everything is P-256 and valid for 30 days. Private keys are written unencrypted into DIR:
# use a temporary directory and never commit its contents.
#
#   ca.crt, ca.key                     test root CA (trust this for client certificates)
#   server.crt, server.key             server certificate for localhost / 127.0.0.1 / ::1 (signed by ca)
#   server-chain.crt                   server.crt followed by ca.crt
#   client-serialnumber.crt/.key       old profile: subject serialNumber=123456785
#   client-seid2.crt/.key              SEID 2.0: subject organizationIdentifier=NTRNO-987654325
#   client-both.crt/.key               both fields, same number (974760673)
#   client-conflict.crt/.key           serialNumber=123456785 but organizationIdentifier=NTRNO-987654325
#   client-badcheck.crt/.key           serialNumber=123456789 (wrong mod-11 check digit)
#   client-nonumber.crt/.key           no organisation number at all
#   rogue-ca.crt, rogue-ca.key         a second, untrusted CA
#   client-rogue.crt/.key              same subject as client-serialnumber, signed by the rogue CA
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 64
fi
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

days=30

newkey() {  # newkey NAME
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
}

make_ca() {  # make_ca NAME SUBJECT
    newkey "$1"
    openssl req -x509 -new -utf8 -key "$1.key" -out "$1.crt" -days "$days" -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

make_leaf() {  # make_leaf NAME CA SUBJECT EXTENSIONS
    newkey "$1"
    openssl req -new -utf8 -key "$1.key" -out "$1.csr" -subj "$3"
    printf '%b' "$4" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -set_serial "0x$(openssl rand -hex 16)" \
        -days "$days" -out "$1.crt" -extfile "$1.ext" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}

client_ext='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'
server_ext='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'

make_ca ca "/C=NO/O=Klagebro Test CA/CN=Klagebro Test Root CA"
make_ca rogue-ca "/C=NO/O=Klagebro Test CA/CN=Klagebro Test Root CA"  # same name, different key

make_leaf server ca "/C=NO/O=Klagebro Test Server/CN=localhost" "$server_ext"
cat server.crt ca.crt > server-chain.crt

make_leaf client-serialnumber ca \
    "/C=NO/O=EKSEMPEL BEDRIFT AS/serialNumber=123456785/CN=EKSEMPEL BEDRIFT AS" "$client_ext"
make_leaf client-seid2 ca \
    "/C=NO/O=BRØNNØY TESTKONTOR AS/organizationIdentifier=NTRNO-987654325/CN=BRØNNØY TESTKONTOR AS" "$client_ext"
make_leaf client-both ca \
    "/C=NO/O=DOBBEL AS/organizationIdentifier=NTRNO-974760673/serialNumber=974760673/CN=DOBBEL AS" "$client_ext"
make_leaf client-conflict ca \
    "/C=NO/O=UENIG AS/organizationIdentifier=NTRNO-987654325/serialNumber=123456785/CN=UENIG AS" "$client_ext"
make_leaf client-badcheck ca \
    "/C=NO/O=FEIL SIFFER AS/serialNumber=123456789/CN=FEIL SIFFER AS" "$client_ext"
make_leaf client-nonumber ca \
    "/C=NO/O=UTEN NUMMER AS/CN=UTEN NUMMER AS" "$client_ext"
make_leaf client-rogue rogue-ca \
    "/C=NO/O=EKSEMPEL BEDRIFT AS/serialNumber=123456785/CN=EKSEMPEL BEDRIFT AS" "$client_ext"

chmod 644 ./*.crt
