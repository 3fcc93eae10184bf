#!/usr/bin/env python3
"""Connection-pressure benchmarks for the HTTP layer, against a server this script starts itself
on a free loopback port (and stops at the end).

  bench-connections.py idle      BIN [--count 10000] [--seconds 10]
      Opens COUNT keep-alive connections, sends one request on each and keeps them open (idle).
      Then runs wrk on 64 other connections for SECONDS while they stay open. Reports the server's
      RSS with all of them open, and whether wrk got every answer (no socket errors, no non-2xx).

  bench-connections.py slowloris BIN [--count 500] [--seconds 15] [--header-timeout 5]
      Measures GET /health with wrk alone, then again while COUNT connections each send one byte
      of a request head per second. Reports both (req/s, p50, p99) and when the server closed the
      slow connections (it must be at the header timeout, counted from their first byte).

BIN is the klagebro executable (serve is used) or klagebro-echo. Loopback only; every loop is
bounded in count and time.
"""
import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_server(binary, port, extra):
    cmd = [binary]
    if os.path.basename(binary) == "klagebro":
        cmd += ["serve", "--data", f"/tmp/klagebro-bench-conn-{port}"]
    cmd += ["--port", str(port)] + extra
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("server did not start")


def wrk(port, seconds, conns=64):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s", "--latency", f"http://127.0.0.1:{port}/health"],
        capture_output=True, text=True, timeout=seconds + 30).stdout
    def grab(pattern, convert=float, default=0):
        m = re.search(pattern, out)
        return convert(m.group(1)) if m else default
    def ms(text):
        value = float(re.match(r"[\d.]+", text).group(0))
        return value / 1000 if text.endswith("us") else value * 1000 if text.endswith("s") and not text.endswith("ms") else value
    # Anchored to the start of a line: "90.50%" in the thread statistics also ends in "50%".
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": grab(r"Requests/sec:\s+([\d.]+)"),
        "requests": grab(r"(\d+) requests in", int),
        "p50_ms": ms(p50.group(1)) if p50 else None,
        "p99_ms": ms(p99.group(1)) if p99 else None,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": grab(r"Non-2xx or 3xx responses: (\d+)", int),
    }


def idle(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    server = start_server(args.binary, port, [])
    try:
        base = rss_mb(server.pid)
        sockets = []
        t0 = time.time()
        for i in range(args.count):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            sockets.append(s)
        answered = 0
        for s in sockets:
            data = s.recv(4096)
            answered += data.startswith(b"HTTP/1.1 200")
        opened = time.time() - t0
        held = rss_mb(server.pid)
        load = wrk(port, args.seconds)
        after = rss_mb(server.pid)
        still_open = 0
        for s in sockets:
            s.setblocking(False)
            try:
                still_open += s.recv(1) != b""
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        for s in sockets:
            s.close()
        print(json.dumps({
            "scenario": "idle-keepalive", "connections": args.count, "answered": answered,
            "open_seconds": round(opened, 2), "still_open_after_load": still_open,
            "rss_mb_before": round(base, 1), "rss_mb_with_idle": round(held, 1), "rss_mb_after_load": round(after, 1),
            "wrk_on_other_connections": load,
        }))
        ok = answered == args.count and load["socket_errors"] == 0 and load["non_2xx"] == 0 and after < 200
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=20)


def slowloris(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    server = start_server(args.binary, port, ["--header-timeout", str(args.header_timeout)])
    try:
        baseline = wrk(port, args.seconds)
        head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        slow = []
        for _ in range(args.count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            slow.append({"sock": s, "start": None, "closed_at": None, "answered_at": None, "last_send": 0.0,
                         "sent": 0, "status": None})
        stop = threading.Event()

        def trickle():
            deadline = time.time() + args.seconds + args.header_timeout + 5
            while not stop.is_set() and time.time() < deadline:
                now = time.time()
                for c in slow:
                    if c["closed_at"] is not None:
                        continue
                    try:
                        data = c["sock"].recv(4096)
                        if data == b"":
                            c["closed_at"] = now
                            continue
                        if c["status"] is None:
                            c["status"] = data[:12].decode("latin-1")
                            c["answered_at"] = now
                    except BlockingIOError:
                        pass
                    except OSError:
                        c["closed_at"] = now
                        continue
                    if c["sent"] < len(head) and now - c["last_send"] >= 1.0:
                        c["last_send"] = now
                        try:
                            c["sock"].send(head[c["sent"]:c["sent"] + 1])
                            if c["start"] is None:
                                c["start"] = now
                            c["sent"] += 1
                        except OSError:
                            c["closed_at"] = now
                stop.wait(0.1)

        thread = threading.Thread(target=trickle)
        thread.start()
        time.sleep(1.5)
        during = wrk(port, args.seconds)
        thread.join()
        lifetimes = sorted(c["closed_at"] - c["start"] for c in slow if c["closed_at"] and c["start"])
        answered = sorted(c["answered_at"] - c["start"] for c in slow if c["answered_at"] and c["start"])
        for c in slow:
            c["sock"].close()
        print(json.dumps({
            "scenario": "slowloris", "slow_connections": args.count, "header_timeout_s": args.header_timeout,
            "baseline": baseline, "during_slowloris": during,
            "slow_closed_by_server": len(lifetimes),
            "slow_lifetime_s_min": round(lifetimes[0], 2) if lifetimes else None,
            "slow_lifetime_s_max": round(lifetimes[-1], 2) if lifetimes else None,
            "slow_answered_408": sum(1 for c in slow if c["status"] and "408" in c["status"]),
            "slow_answered_after_s_min": round(answered[0], 2) if answered else None,
            "slow_answered_after_s_max": round(answered[-1], 2) if answered else None,
        }))
        return 0 if len(lifetimes) == args.count and during["socket_errors"] == 0 else 1
    finally:
        server.terminate()
        server.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("idle")
    p.add_argument("binary")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--seconds", type=int, default=10)
    p = sub.add_parser("slowloris")
    p.add_argument("binary")
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seconds", type=int, default=15)
    p.add_argument("--header-timeout", type=int, default=5)
    args = parser.parse_args()
    return idle(args) if args.mode == "idle" else slowloris(args)


if __name__ == "__main__":
    sys.exit(main())
