#!/usr/bin/env python3
"""Crash test (issue 4): is every acknowledged submission durable when the server dies at any moment?

Client threads submit klagesak transfers (the valid examples in Schemas/examples/ with fresh ids
and small synthetic PDF/JPEG/PNG documents) and upload their documents, while the server is killed
with SIGKILL 20 times at random moments (0.05-0.6 s of load) and restarted on the same data
directory. Clients retry through the outages with the same bytes (idempotent) and now and then
give up, leaving an outcome unknown. Then it checks:

  - after each kill, on a copy of the database as the kill left it: PRAGMA integrity_check is ok
    and every transfer and document acknowledged before the kill is there;
  - every retry and re-send of a transfer answered the original receipt (same klagesakId,
    mottattTidspunkt and content hashes), 200 never 201 once a 2xx was seen;
  - through the API: every case in the embeter's inboxes is one we sent and is complete (the
    message, its full document list, one transfer event), the message equals what was sent as
    JSON (GET /klagesaker/{id} re-serialises it) and the receipt's innholdSha256/innholdSha512 are
    the hashes of the exact bytes sent; every acknowledged transfer is listed; every document
    marked received downloads byte-identical (every acknowledged upload among them), and one not
    received is not downloadable;
  - after a clean stop (SIGTERM), on the database read-only: PRAGMA integrity_check is ok, no
    foreign-key violation, the stored message of every case is byte-identical to the body sent,
    the cases are exactly the acknowledged transfers plus some of the unknown ones, and every
    document row marked received names a file with exactly the uploaded bytes;
  - started once more: every acknowledged transfer re-sent answers 200 with its original receipt;
    stopped, integrity_check again.

Exit 0 only when every check passes; otherwise each failure is printed.

    swift build --product klagebro
    python3 Tests/Scripts/crash-test.py [path/to/klagebro]      # default .build/debug/klagebro
    options: --kills 20 --clients 6 --keep (keep the temporary data directory)
             --seed N (the same transfers and kill delays; the interleaving still varies)

Uses a fresh temporary data directory, development mode, and a free port on 127.0.0.1; it only
ever signals the server process it started.
"""
import argparse
import concurrent.futures
import copy
import hashlib
import http.client
import json
import os
import pathlib
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = REPO / "Schemas" / "examples" / "klagesak-oversendelse" / "valid"
API = "/api/v1"
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


def sha512(b):
    return hashlib.sha512(b).hexdigest()


def sha256(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, binary, data, port, log_path):
        self.binary, self.data, self.port, self.log_path = binary, data, port, log_path
        self.process = None
        self.starts = 0

    def start(self, timeout=60.0):
        log = open(self.log_path, "ab")
        log.write(f"\n---- start {self.starts} ----\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data", str(self.data), "--development"],
            stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} at start; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"the server did not answer /health within {timeout:.0f} s; see {self.log_path}")

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM, as an operator stops it; returns the exit status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return "killed after 20 s"


def free_port(rng):
    """A free port below the ephemeral range: while the server is down, a client's connect to a port
    in that range can be given the same port as its source and connect to itself, holding the port
    the restart needs."""
    low = 32768
    try:
        low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for _ in range(100):
        port = rng.randint(min(20000, low - 1000), low - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port on 127.0.0.1 below the ephemeral range")


# ---------------------------------------------------------------------------------------------
# What is sent, and what came back


class Document:
    def __init__(self, dokument_id, mediatype, body):
        self.dokument_id, self.mediatype, self.body = dokument_id, mediatype, body
        self.sha512 = sha512(body)
        self.state = "not-sent"     # not-sent | acked | unknown (gave up after a connection error)
        self.answers = []           # (status, receipt) of every 2xx
        self.attempts = 0


class Transfer:
    def __init__(self, melding_id, nav, embete, body, message, documents, client_klagesak_id):
        self.melding_id, self.nav, self.embete = melding_id, nav, embete
        self.body, self.message, self.documents = body, message, documents
        self.client_klagesak_id = client_klagesak_id
        self.state = "sending"      # sending | acked | unknown
        self.receipt = None         # the first 2xx receipt
        self.klagesak_id = client_klagesak_id
        self.answers = []           # (status, receipt) of every 2xx, retries and re-sends included
        self.attempts = 0


def make_document(mediatype, rng):
    """Small bytes that sniff as their type, unique per document (the store is content-addressed)."""
    tag = uuid.uuid4().hex.encode()
    size = rng.choice([rng.randint(64, 2048), rng.randint(2048, 32768), rng.randint(32768, 262144)])
    filler = bytes(rng.getrandbits(8) for _ in range(min(size, 4096)))
    filler = (filler * (size // max(len(filler), 1) + 1))[:size]
    if mediatype == "image/jpeg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + tag + filler + b"\xff\xd9"
    if mediatype == "image/png":
        return b"\x89PNG\r\n\x1a\n" + tag + filler
    return b"%PDF-1.7\n% crash-test " + tag + b"\n" + filler + b"\n%%EOF\n"


def make_transfer(template, rng):
    m = copy.deepcopy(template)
    m["meldingId"] = str(uuid.uuid4())
    client_id = None
    if "klagesakId" in m:           # templates naming one: the sender's id; the others: the server's
        client_id = m["klagesakId"] = str(uuid.uuid4())
    documents = []
    for d in m["dokumenter"]:
        doc = Document(str(uuid.uuid4()), d["mediatype"], make_document(d["mediatype"], rng))
        d["dokumentId"], d["storrelse"], d["sha512"] = doc.dokument_id, len(doc.body), doc.sha512
        documents.append(doc)
    # Some bodies compact, some indented: the stored bytes must be these bytes either way.
    body = json.dumps(m, ensure_ascii=False, indent=rng.choice([None, 2])).encode()
    return Transfer(m["meldingId"], m["navEnhet"]["organisasjonsnummer"], m["embete"]["organisasjonsnummer"],
                    body, m, documents, client_id)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.transfers = []
        self.failures = []
        self.connection_errors = 0
        self.retries = 0
        self.resends = 0
        self.lost_answers = 0       # a retry after a connection error answered 200: committed, answer lost

    def fail(self, text):
        with self.lock:
            self.failures.append(text)

    def acked_snapshot(self):
        """Transfer ids and (transfer, document) ids acknowledged so far."""
        with self.lock:
            transfers = {t.melding_id for t in self.transfers if t.state == "acked"}
            documents = {(t.klagesak_id, d.dokument_id) for t in self.transfers for d in t.documents if d.state == "acked"}
            return transfers, documents


class Client:
    """One keep-alive connection, remade after any connection error."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            payload = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, payload
        except CONNECTION_ERRORS:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ---------------------------------------------------------------------------------------------
# The load


class Load:
    def __init__(self, port, tokens, templates, results, seed, give_up=0.1):
        self.port, self.tokens, self.templates, self.results = port, tokens, templates, results
        self.seed, self.give_up = seed, give_up
        self.stop = threading.Event()
        self.deadline = None        # after stop: how long a client may keep retrying

    def run_client(self, index):
        rng = random.Random(self.seed * 1000 + index)
        client = Client(self.port)
        try:
            while not self.stop.is_set():
                transfer = make_transfer(rng.choice(self.templates), rng)
                with self.results.lock:
                    self.results.transfers.append(transfer)
                self.submit(client, transfer, rng)
                if transfer.state != "acked":
                    continue
                for doc in transfer.documents:
                    if self.stop.is_set():
                        break
                    if rng.random() < 0.1:   # some documents never sent: the case stays incomplete
                        continue
                    self.upload(client, transfer, doc, rng)
                if rng.random() < 0.2:       # a re-send of an acknowledged transfer, maybe across a kill
                    self.submit(client, transfer, rng, resend=True)
        except Exception as e:  # a bug in this script must fail the run, not hang it
            self.results.fail(f"client {index}: {type(e).__name__}: {e}")
        finally:
            client.close()

    def retry_or_give_up(self, rng, what):
        with self.results.lock:
            self.results.connection_errors += 1
        if self.stop.is_set() and self.deadline and time.monotonic() > self.deadline:
            self.results.fail(f"{what}: the server still did not answer 60 s after the load ended")
            return False
        if rng.random() < self.give_up and not self.stop.is_set():
            return False
        time.sleep(rng.uniform(0.01, 0.05))
        return True

    def send_until_answered(self, client, method, path, body, headers, item, what, rng):
        """Sends until the server answers, retrying lost connections (the server may be down for a
        restart) unless `retry_or_give_up` gives up. Returns (status, payload, interrupted); status is
        None when given up. `interrupted` says an earlier attempt lost its connection, so a 200
        "already stored" may be the answer to a write whose first answer was lost."""
        interrupted = False
        attempt = 0
        while True:
            attempt += 1
            item.attempts += 1
            if attempt > 1:
                with self.results.lock:
                    self.results.retries += 1
            try:
                status, payload = client.request(method, path, body, headers)
                return status, payload, interrupted
            except CONNECTION_ERRORS:
                interrupted = True
                if not self.retry_or_give_up(rng, what):
                    return None, None, interrupted

    def submit(self, client, t, rng, resend=False):
        headers = {"Authorization": "Bearer " + self.tokens["nav", t.nav], "Content-Type": "application/json"}
        status, payload, interrupted = self.send_until_answered(
            client, "POST", API + "/klagesaker", t.body, headers, t, f"transfer {t.melding_id}", rng)
        if status is None:
            if t.state == "sending":
                with self.results.lock:
                    t.state = "unknown"
            return
        if status not in (200, 201):
            self.results.fail(f"transfer {t.melding_id}: answered {status}: {payload[:600]!r}")
            if t.state == "sending":
                with self.results.lock:
                    t.state = "unknown"
            return
        receipt = json.loads(payload)
        self.check_receipt(t, status, receipt)
        if status == 200 and not interrupted and t.receipt is None:
            self.results.fail(f"transfer {t.melding_id}: 200 (already stored) on its first send")
        with self.results.lock:
            t.answers.append((status, receipt))
            if resend:
                self.results.resends += 1
            if interrupted and status == 200 and t.receipt is None:
                self.results.lost_answers += 1
            if t.state != "acked":
                t.state, t.receipt, t.klagesak_id = "acked", receipt, receipt.get("klagesakId")

    def check_receipt(self, t, status, r):
        where = f"transfer {t.melding_id}"
        if r.get("meldingId") != t.melding_id:
            self.results.fail(f"{where}: receipt names meldingId {r.get('meldingId')}")
        if t.client_klagesak_id and r.get("klagesakId") != t.client_klagesak_id:
            self.results.fail(f"{where}: receipt klagesakId {r.get('klagesakId')}, sent {t.client_klagesak_id}")
        if r.get("innholdSha256") != sha256(t.body) or r.get("innholdSha512") != sha512(t.body):
            self.results.fail(f"{where}: receipt content hashes are not those of the bytes sent")
        if t.receipt is not None:
            first = t.receipt
            if status != 200:
                self.results.fail(f"{where}: answered {status} after an earlier 2xx (the first was lost?)")
            for key in ("klagesakId", "mottattTidspunkt", "innholdSha256", "innholdSha512"):
                if r.get(key) != first.get(key):
                    self.results.fail(f"{where}: a later answer has {key} {r.get(key)!r}, the first {first.get(key)!r}")

    def upload(self, client, t, doc, rng):
        headers = {"Authorization": "Bearer " + self.tokens["nav", t.nav], "Content-Type": doc.mediatype}
        path = f"{API}/klagesaker/{t.klagesak_id}/dokumenter/{doc.dokument_id}"
        status, payload, interrupted = self.send_until_answered(
            client, "PUT", path, doc.body, headers, doc, f"document {doc.dokument_id}", rng)
        if status is None:
            with self.results.lock:
                doc.state = "unknown"
            return
        if status not in (200, 201):
            self.results.fail(f"document {doc.dokument_id} of {t.klagesak_id}: answered {status}: {payload[:600]!r}")
            with self.results.lock:
                doc.state = "unknown"
            return
        receipt = json.loads(payload)
        listed = receipt.get("dokument") or {}
        if listed.get("sha512") != doc.sha512 or listed.get("mottatt") is not True:
            self.results.fail(f"document {doc.dokument_id} of {t.klagesak_id}: receipt {listed}")
        if status == 200 and not interrupted:
            self.results.fail(f"document {doc.dokument_id} of {t.klagesak_id}: 200 (already received) on its first upload")
        with self.results.lock:
            doc.answers.append((status, receipt))
            doc.state = "acked"
            if interrupted and status == 200:
                self.results.lost_answers += 1


# ---------------------------------------------------------------------------------------------
# Checks


def check_copy(path, acked_transfers, acked_documents, label, results):
    """A database copied as a kill left it (no -shm: recovery from the WAL as at a restart)."""
    con = sqlite3.connect(str(path))
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            results.fail(f"{label}: integrity_check: {integrity[:10]}")
        present = {r[0] for r in con.execute("SELECT melding_id FROM klagesak WHERE melding_id IS NOT NULL")}
        for melding_id in sorted(acked_transfers - present):
            results.fail(f"{label}: transfer {melding_id} was acknowledged before the kill but is not in the database")
        received = set(con.execute("SELECT klagesak_id, dokument_id FROM dokument WHERE mottatt_ms IS NOT NULL"))
        for key in sorted(acked_documents - received):
            results.fail(f"{label}: document {key[1]} of {key[0]} was acknowledged before the kill but is not received in the database")
    finally:
        con.close()


def verify_api(port, tokens, results, workers=4):
    """Everything through the API, with the server running. Returns {meldingId: klagesakId} seen."""
    fail = results.fail
    by_melding = {t.melding_id: t for t in results.transfers}
    local = threading.local()

    def client():
        if not hasattr(local, "client"):
            local.client = Client(port)
        return local.client

    def get(path, token):
        return client().request("GET", API + path, None, {"Authorization": "Bearer " + token})

    # Every case in every embete's inbox, page by page.
    listed = {}
    for (role, orgnr), token in tokens.items():
        if role != "statsforvalter":
            continue
        cursor = None
        while True:
            query = "?limit=200" + (f"&cursor={cursor}" if cursor else "")
            status, payload = get("/innboks" + query, token)
            if status != 200:
                fail(f"inbox of {orgnr}: {status} {payload[:300]!r}")
                break
            page = json.loads(payload)
            for c in page["klagesaker"]:
                if c["klagesakId"] in listed:
                    fail(f"inbox of {orgnr}: {c['klagesakId']} listed twice")
                listed[c["klagesakId"]] = orgnr
            cursor = page.get("nesteCursor")
            if not cursor:
                break

    seen = {}
    lock = threading.Lock()

    def check_case(klagesak_id, embete):
        where = f"case {klagesak_id}"
        status, payload = get(f"/klagesaker/{klagesak_id}", tokens["statsforvalter", embete])
        if status != 200:
            return fail(f"{where}: listed in the inbox of {embete} but GET answers {status}")
        case = json.loads(payload)
        message = case.get("oversendelse")
        if not isinstance(message, dict):
            return fail(f"{where}: listed without its transfer message")
        t = by_melding.get(message.get("meldingId"))
        if t is None:
            return fail(f"{where}: meldingId {message.get('meldingId')} was never sent")
        with lock:
            if t.melding_id in seen:
                return fail(f"{where}: meldingId {t.melding_id} is also case {seen[t.melding_id]}")
            seen[t.melding_id] = klagesak_id
        where += f" (meldingId {t.melding_id}, {t.state})"
        if t.klagesak_id and t.klagesak_id != klagesak_id:
            fail(f"{where}: acknowledged as klagesakId {t.klagesak_id}")
        # JSON identity: the API re-serialises the stored message (byte identity is checked in the database).
        if message != json.loads(t.body):
            fail(f"{where}: the stored message differs from the one sent")
        if case.get("navEnhet") != t.nav or case.get("embete") != t.embete or embete != t.embete:
            fail(f"{where}: navEnhet/embete {case.get('navEnhet')}/{case.get('embete')}, sent {t.nav}/{t.embete}")
        transfer_events = [e for e in case.get("hendelser", []) if e.get("type") == "oversendelseMottatt"]
        if len(transfer_events) != 1:
            fail(f"{where}: {len(transfer_events)} oversendelseMottatt events")
        # The receipt's hashes are of the exact bytes received.
        status, payload = get(f"/klagesaker/{klagesak_id}/kvittering", tokens["nav", t.nav])
        if status != 200:
            fail(f"{where}: kvittering answers {status} to the sender")
        else:
            r = json.loads(payload)
            if r.get("innholdSha256") != sha256(t.body) or r.get("innholdSha512") != sha512(t.body):
                fail(f"{where}: the stored content hashes are not those of the bytes sent")
            if t.receipt and r.get("mottattTidspunkt") != t.receipt.get("mottattTidspunkt"):
                fail(f"{where}: mottattTidspunkt {r.get('mottattTidspunkt')}, the receipt said {t.receipt.get('mottattTidspunkt')}")
        # The whole document list, each received one downloadable with the uploaded bytes.
        sent_docs = {d.dokument_id: d for d in t.documents}
        docs = case.get("dokumenter", [])
        if sorted(d.get("dokumentId") for d in docs) != sorted(sent_docs):
            return fail(f"{where}: lists documents {[d.get('dokumentId') for d in docs]}, sent {sorted(sent_docs)}")
        complete = True
        for d in docs:
            doc = sent_docs[d["dokumentId"]]
            dwhere = f"{where}: document {doc.dokument_id} ({doc.state})"
            if d.get("sha512") != doc.sha512 or d.get("storrelse") != len(doc.body) or d.get("mediatype") != doc.mediatype:
                fail(f"{dwhere}: listed as {d}")
            status, payload = get(f"/klagesaker/{klagesak_id}/dokumenter/{doc.dokument_id}", tokens["statsforvalter", embete])
            if d.get("mottatt"):
                if status != 200:
                    fail(f"{dwhere}: marked received but the download answers {status}")
                elif payload != doc.body:
                    fail(f"{dwhere}: downloaded {len(payload)} bytes, sha512 {sha512(payload)[:16]}…, uploaded {len(doc.body)} bytes, {doc.sha512[:16]}…")
            else:
                complete = False
                if doc.state == "acked":
                    fail(f"{dwhere}: the upload was acknowledged but the document is not received")
                if status != 404:
                    fail(f"{dwhere}: not received, but the download answers {status}")
        if case.get("komplett") != complete:
            fail(f"{where}: komplett is {case.get('komplett')}, the documents say {complete}")

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(check_case, k, e) for k, e in listed.items()]:
            f.result()

    for t in results.transfers:
        if t.state == "acked" and t.melding_id not in seen:
            fail(f"transfer {t.melding_id} (klagesakId {t.klagesak_id}) was acknowledged ({t.answers[0][0]}) but no inbox lists it")

    return seen


def verify_resend(port, tokens, results, workers=4):
    """Every acknowledged transfer once more, after the restarts: the original receipt, 200."""
    local = threading.local()

    def resend(t):
        if not hasattr(local, "client"):
            local.client = Client(port)
        status, payload = local.client.request(
            "POST", API + "/klagesaker", t.body,
            {"Authorization": "Bearer " + tokens["nav", t.nav], "Content-Type": "application/json"})
        r = json.loads(payload) if status in (200, 201) else {}
        if status != 200 or r.get("klagesakId") != t.klagesak_id or r.get("mottattTidspunkt") != t.receipt.get("mottattTidspunkt"):
            results.fail(f"transfer {t.melding_id}: the final re-send answered {status} {payload[:300]!r}, first receipt {t.receipt}")

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(resend, t) for t in results.transfers if t.state == "acked"]:
            f.result()


def document_files(data):
    """Stored files no received document names (an upload made durable just before a kill or its
    answer lost, before the case recorded it: allowed, never served), and temporary uploads left
    behind (each start removes those of the run before)."""
    con = sqlite3.connect(f"file:{data / 'klagebro.sqlite'}?mode=ro", uri=True)
    try:
        named = {r[0] for r in con.execute("SELECT sha512 FROM dokument WHERE mottatt_ms IS NOT NULL")}
    finally:
        con.close()
    root = data / "documents"
    stored = {p.parent.name + p.name for p in (root / "sha512").glob("*/*")}
    return len(stored - named), len(list(root.glob(".upload-*.tmp")))


def verify_integrity(data):
    con = sqlite3.connect(f"file:{data / 'klagebro.sqlite'}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def verify_database(data, results, seen_through_api):
    """With the server stopped: the database read-only, and the document files."""
    fail = results.fail
    db = data / "klagebro.sqlite"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            fail(f"integrity_check: {integrity[:20]}")
        violations = con.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            fail(f"foreign_key_check: {violations[:10]}")
        by_melding = {t.melding_id: t for t in results.transfers}
        rows = con.execute("SELECT klagesak_id, melding_id, avsender_orgnr, melding FROM klagesak").fetchall()
        in_db = {}
        for klagesak_id, melding_id, sender, melding in rows:
            t = by_melding.get(melding_id)
            if t is None:
                fail(f"database: case {klagesak_id} has meldingId {melding_id}, never sent")
                continue
            in_db[melding_id] = klagesak_id
            if bytes(melding or b"") != t.body:
                fail(f"database: case {klagesak_id} stores {len(melding or b'')} bytes of message, sent {len(t.body)} (not byte-identical)")
            if sender != t.nav:
                fail(f"database: case {klagesak_id} sender {sender}, sent by {t.nav}")
            if seen_through_api.get(melding_id) != klagesak_id:
                fail(f"database: case {klagesak_id} (meldingId {melding_id}) was not listed through the API")
            docs = con.execute("SELECT dokument_id, sha512, storrelse, mottatt_ms FROM dokument WHERE klagesak_id = ?", (klagesak_id,)).fetchall()
            sent_docs = {d.dokument_id: d for d in t.documents}
            if sorted(d[0] for d in docs) != sorted(sent_docs):
                fail(f"database: case {klagesak_id} has document rows {sorted(d[0] for d in docs)}, sent {sorted(sent_docs)}")
            for dokument_id, digest, size, mottatt in docs:
                doc = sent_docs.get(dokument_id)
                if doc is None:
                    continue
                if mottatt is None:
                    if doc.state == "acked":
                        fail(f"database: document {dokument_id} of {klagesak_id} acknowledged but not received")
                    continue
                path = data / "documents" / "sha512" / digest[:2] / digest[2:]
                try:
                    stored = path.read_bytes()
                except OSError as e:
                    fail(f"database: document {dokument_id} of {klagesak_id} received but its file is missing ({e.strerror})")
                    continue
                if stored != doc.body or digest != doc.sha512 or size != len(doc.body):
                    fail(f"database: document {dokument_id} of {klagesak_id}: the file is not the uploaded bytes")
            events = con.execute(
                "SELECT count(*) FROM hendelse WHERE klagesak_id = ? AND type = 'oversendelseMottatt'", (klagesak_id,)).fetchone()[0]
            if events != 1:
                fail(f"database: case {klagesak_id} has {events} oversendelseMottatt events")
        acked = {t.melding_id for t in results.transfers if t.state == "acked"}
        unknown = {t.melding_id for t in results.transfers if t.state == "unknown"}
        for melding_id in sorted(acked - in_db.keys()):
            fail(f"database: transfer {melding_id} was acknowledged but has no row")
        expected = len(acked) + len(unknown & in_db.keys())
        if len(rows) != expected:
            fail(f"database: {len(rows)} cases, expected {len(acked)} acknowledged + {len(unknown & in_db.keys())} unacknowledged but committed = {expected}")
        return len(rows), len(unknown & in_db.keys())
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", help="the klagebro executable (default: .build/debug/klagebro in the repository)")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    binary = str(pathlib.Path(args.binary).resolve() if args.binary else REPO / ".build" / "debug" / "klagebro")
    os.chdir(REPO)
    if not os.access(binary, os.X_OK):
        sys.exit(f"crash-test: no executable {binary} (build first: swift build --product klagebro)")
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    started = time.monotonic()

    root = pathlib.Path(tempfile.mkdtemp(prefix="klagebro-crash-"))
    data, copies, log_path = root / "data", root / "copies", root / "serve.log"
    copies.mkdir()
    templates = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]

    def create_token(role, orgnr):
        out = subprocess.run([binary, "token", "create", "--role", role, "--orgnr", orgnr, "--data", str(data)],
                             check=True, capture_output=True, text=True, cwd=REPO)
        return out.stdout.strip().splitlines()[-1]

    tokens = {}
    for m in templates:
        tokens.setdefault(("nav", m["navEnhet"]["organisasjonsnummer"]), None)
        tokens.setdefault(("statsforvalter", m["embete"]["organisasjonsnummer"]), None)
    for key in tokens:
        tokens[key] = create_token(*key)

    server = Server(binary, data, free_port(random.Random()), log_path)
    results = Results()
    load = Load(server.port, tokens, templates, results, seed)
    kills, outages, copy_checks = [], [], []
    ok = False
    try:
        server.start()
        threads = [threading.Thread(target=load.run_client, args=(i,), daemon=True) for i in range(args.clients)]
        for t in threads:
            t.start()
        for i in range(args.kills):
            time.sleep(rng.uniform(0.05, 0.6))
            acked_transfers, acked_documents = results.acked_snapshot()
            server.kill()
            down = time.monotonic()
            # The database as the kill left it, checked later (the restart must not wait for it).
            target = copies / f"kill-{i + 1:02d}"
            target.mkdir()
            for suffix in ("", "-wal"):
                source = data / ("klagebro.sqlite" + suffix)
                if source.exists():
                    shutil.copyfile(source, target / source.name)
            copy_checks.append((target / "klagebro.sqlite", acked_transfers, acked_documents, f"after kill {i + 1}"))
            kills.append(len(acked_transfers))
            server.start()
            outages.append(time.monotonic() - down)
        time.sleep(0.3)
        load.deadline = time.monotonic() + 60
        load.stop.set()
        for t in threads:
            t.join(90)
            if t.is_alive():
                results.fail("a client thread did not finish within 90 s after the load ended")
        load_seconds = time.monotonic() - started

        for args_ in copy_checks:
            check_copy(*args_, results)
        seen = verify_api(server.port, tokens, results)
        status = server.stop()
        if status != 0:
            results.fail(f"the SIGTERM stop exited with {status}")
        cases, unknown_committed = verify_database(data, results, seen)
        # Then once more up: every acknowledged transfer re-sent answers its original receipt.
        server.start()
        verify_resend(server.port, tokens, results)
        status = server.stop()
        if status != 0:
            results.fail(f"the final SIGTERM stop exited with {status}")
        integrity = verify_integrity(data)
        if integrity != ["ok"]:
            results.fail(f"integrity_check after the final stop: {integrity[:20]}")
        orphans, leftovers = document_files(data)

        transfers = results.transfers
        acked = [t for t in transfers if t.state == "acked"]
        unknown = [t for t in transfers if t.state == "unknown"]
        docs_acked = sum(1 for t in transfers for d in t.documents if d.state == "acked")
        docs_unknown = sum(1 for t in transfers for d in t.documents if d.state == "unknown")
        print(f"crash-test: seed {seed}, {args.clients} clients, {len(kills)} SIGKILLs "
              f"(restart {min(outages):.2f}-{max(outages):.2f} s), load {load_seconds:.1f} s, total {time.monotonic() - started:.1f} s")
        print(f"  transfers: {len(transfers)} sent, {len(acked)} acknowledged, {len(unknown)} given up "
              f"({unknown_committed} of them committed anyway); {cases} cases in the database")
        print(f"  documents: {docs_acked} uploads acknowledged, {docs_unknown} given up; "
              f"{orphans} stored files not (yet) recorded as received, {leftovers} temporary uploads left after the final stop")
        print(f"  connection errors {results.connection_errors}, retries {results.retries}; "
              f"{results.lost_answers} retries found the write committed though its answer was lost (200); "
              f"re-sends of acknowledged transfers {results.resends} + {len(acked)} at the end")
        print(f"  database copies after each kill: {len(copy_checks)} checked (integrity_check, acknowledged rows present)")
        if results.failures:
            print(f"crash-test: FAILED, {len(results.failures)} problem(s) (data and server log kept in {root}):")
            # Grouped by kind (the text without ids and numbers), a few of each in full.
            kinds = {}
            for f in results.failures:
                kinds.setdefault(re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "#", f)[:120], []).append(f)
            for kind, items in kinds.items():
                print(f"  {len(items)} x {kind}")
                for f in items[:5]:
                    print("    - " + f[:1000])
            args.keep = True
        else:
            print("crash-test: ok")
            ok = True
    except Exception:
        args.keep = True
        print(f"crash-test: aborted (data and server log kept in {root})", file=sys.stderr)
        raise
    finally:
        load.stop.set()
        if server.process is not None and server.process.poll() is None:
            server.kill()
        if args.keep:
            print(f"crash-test: data directory kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
