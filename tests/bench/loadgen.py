#!/usr/bin/env python3
"""Load generators for the benchmarks (tests/bench/run_benchmarks.py), loopback only.

  loadgen.py flood HOST PORT --mib N [--timeout S]
      one connection sends N MiB in 64 KiB send()s, then shutdown(SHUT_WR), and reads
      until the peer closes: the rate counts until the peer has read everything.
  loadgen.py pingpong HOST PORT --count N [--size B]
      N round trips of B bytes (TCP_NODELAY): send, then recv until B bytes are back.
  loadgen.py many HOST PORT --count K --hold S [--timeout T]
      K concurrent connections, opened as fast as the peer accepts them, held S seconds,
      then all closed.
  loadgen.py udp HOST PORT --rate R --seconds S [--size B]
      datagrams of B bytes for S seconds, R a second (0 = as fast as possible).

The lesson's own Python as the reference peer (runs until SIGTERM):
  loadgen.py serve-sink HOST PORT     accept, recv(65536) until b'', close; next
  loadgen.py serve-echo HOST PORT     accept, send back what recv(65536) returns
  loadgen.py serve-many HOST PORT     accept every connection, close each at its EOF
  loadgen.py serve-udp HOST PORT      recvfrom(65536) forever

Every generator prints one JSON line of figures on stdout. Times are time.monotonic()
(CLOCK_MONOTONIC), so the caller can line them up with its own. Every loop is bounded in
count and time. A target outside 127.0.0.0/8 and ::1 is refused.
"""
import argparse
import errno
import hashlib
import ipaddress
import json
import resource
import selectors
import socket
import sys
import time

CHUNK = 64 * 1024


def loopback(host):
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        sys.exit(f"loadgen: {host!r}: give a loopback address (127.0.0.1 or ::1)")
    if not address.is_loopback:
        sys.exit(f"loadgen: {host} is not a loopback address; refused")
    return host


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def pattern(size):
    """The flood's bytes: every 64 KiB chunk differs, so a lost or reordered chunk shows."""
    return bytes((i * 7 + (i >> 8)) & 0xFF for i in range(size))


def flood(a):
    total = a.mib * 1024 * 1024
    block = pattern(CHUNK * 16)
    digest = hashlib.sha256()
    sock = socket.socket(family(a.host), socket.SOCK_STREAM)
    sock.settimeout(a.timeout)
    result = {"mode": "flood", "bytes_wanted": total}
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    sent = 0
    try:
        sock.connect((a.host, a.port))
        t_connected = time.monotonic()
        view = memoryview(block)
        while sent < total and time.monotonic() < deadline:
            offset = sent % len(block)
            n = min(CHUNK, total - sent, len(block) - offset)
            done = sock.send(view[offset:offset + n])
            digest.update(view[offset:offset + done])
            sent += done
        t_sent = time.monotonic()
        sock.shutdown(socket.SHUT_WR)
        # The peer closes once it has read the FIN, that is every byte before it.
        closed = False
        while not closed and time.monotonic() < deadline:
            closed = not sock.recv(CHUNK)
        t_closed = time.monotonic()
        result.update(closed_by_peer=closed)
        if sent < total:
            result.update(error=f"timeout after {a.timeout} s, {sent} of {total} bytes sent")
        elif not closed:
            result.update(error=f"timeout after {a.timeout} s waiting for the peer to close")
    except (OSError, socket.timeout) as error:
        t_connected = locals().get("t_connected", t0)
        t_sent = t_closed = time.monotonic()
        result.update(closed_by_peer=False, error=str(error))
    finally:
        sock.close()
    elapsed = max(t_closed - t_connected, 1e-9)
    result.update(bytes_sent=sent, sha256=digest.hexdigest(), t_start=t_connected,
                  t_sent=t_sent, t_end=t_closed, seconds=round(elapsed, 4),
                  mb_per_s=round(sent / elapsed / 1e6, 1))
    return result


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def pingpong(a):
    message = bytes(i % 256 for i in range(a.size))
    sock = socket.create_connection((a.host, a.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rtts = []
    deadline = time.monotonic() + a.timeout
    result = {"mode": "pingpong", "count_wanted": a.count, "size": a.size}
    try:
        # A few round trips first, so that the first connection's set-up is not measured.
        for i in range(a.count + 100):
            if time.monotonic() > deadline:
                result["error"] = "timeout"
                break
            t = time.perf_counter_ns()
            sock.sendall(message)
            got = 0
            while got < a.size:
                chunk = sock.recv(a.size - got)
                if not chunk:
                    raise ConnectionError("peer closed")
                got += len(chunk)
            if i >= 100:
                rtts.append(time.perf_counter_ns() - t)
    except OSError as error:
        result["error"] = str(error)
    finally:
        sock.close()
    rtts.sort()
    result.update(count=len(rtts),
                  p50_us=round(percentile(rtts, 0.50) / 1e3, 1) if rtts else None,
                  p99_us=round(percentile(rtts, 0.99) / 1e3, 1) if rtts else None,
                  max_us=round(rtts[-1] / 1e3, 1) if rtts else None)
    return result


def raise_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def many(a):
    limit = raise_file_limit(a.count + 64)
    result = {"mode": "many", "count_wanted": a.count, "file_limit": limit}
    selector = selectors.DefaultSelector()
    pending, connected, failed = {}, [], 0
    errors = {}
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    opened = 0
    # Connects without waiting for each: at most `window` handshakes in flight, as a class
    # of scripts would start; the listen backlog (4096) is never overrun by us alone.
    window = 1000
    while (opened < a.count or pending) and time.monotonic() < deadline:
        while opened < a.count and len(pending) < window:
            sock = socket.socket(family(a.host), socket.SOCK_STREAM)
            sock.setblocking(False)
            code = sock.connect_ex((a.host, a.port))
            opened += 1
            if code in (0, errno.EINPROGRESS):
                pending[sock.fileno()] = sock
                selector.register(sock, selectors.EVENT_WRITE)
            else:
                failed += 1
                errors[errno.errorcode.get(code, str(code))] = errors.get(
                    errno.errorcode.get(code, str(code)), 0) + 1
                sock.close()
        for key, _ in selector.select(timeout=0.05):
            sock = key.fileobj
            selector.unregister(sock)
            del pending[sock.fileno()]
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code == 0:
                connected.append(sock)
            else:
                failed += 1
                name = errno.errorcode.get(code, str(code))
                errors[name] = errors.get(name, 0) + 1
                sock.close()
    t_all = time.monotonic()
    for sock in pending.values():
        sock.close()
    result.update(connected=len(connected), failed=failed + len(pending), errors=errors,
                  t_start=t0, t_connected=t_all,
                  connect_seconds=round(t_all - t0, 3))
    hold_until = time.monotonic() + a.hold
    while time.monotonic() < hold_until:
        time.sleep(0.05)
    t_close = time.monotonic()
    for sock in connected:
        sock.close()
    result.update(t_close=t_close, t_closed=time.monotonic())
    return result


def udp(a):
    sock = socket.socket(family(a.host), socket.SOCK_DGRAM)
    payload = b"u" * a.size
    target = (a.host, a.port)
    sent = 0
    errors = 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    if a.rate > 0:
        # Bursts every millisecond keep the rate exact without a timer per datagram.
        per_ms = a.rate / 1000.0
        owed = 0.0
        next_tick = t0
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if now < next_tick:
                time.sleep(min(next_tick - now, 0.0005))
                continue
            owed += per_ms
            burst = int(owed)
            owed -= burst
            for _ in range(burst):
                try:
                    sock.sendto(payload, target)
                    sent += 1
                except OSError:
                    errors += 1
            next_tick += 0.001
    else:
        sendto = sock.sendto
        while time.monotonic() < end:
            for _ in range(256):
                try:
                    sendto(payload, target)
                    sent += 1
                except OSError:
                    errors += 1
    t1 = time.monotonic()
    sock.close()
    return {"mode": "udp", "sent": sent, "send_errors": errors, "size": a.size,
            "t_start": t0, "t_end": t1, "seconds": round(t1 - t0, 3),
            "per_second": round(sent / max(t1 - t0, 1e-9))}


def listener(a):
    sock = socket.socket(family(a.host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((a.host, a.port))
    sock.listen(4096)
    return sock


def serve_sink(a):
    sock = listener(a)
    while True:
        con, addr = sock.accept()
        while True:
            data = con.recv(65536)
            if not data:
                break
        con.close()


def serve_echo(a):
    sock = listener(a)
    while True:
        con, addr = sock.accept()
        con.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            data = con.recv(65536)
            if not data:
                break
            con.sendall(data)
        con.close()


def serve_many(a):
    raise_file_limit(20000)
    sock = listener(a)
    sock.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is sock:
                try:
                    while True:
                        con, addr = sock.accept()
                        con.setblocking(False)
                        selector.register(con, selectors.EVENT_READ)
                except BlockingIOError:
                    pass
            else:
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()


def serve_udp(a):
    sock = socket.socket(family(a.host), socket.SOCK_DGRAM)
    sock.bind((a.host, a.port))
    while True:
        sock.recvfrom(65536)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("flood")
    p.add_argument("--mib", type=int, default=1024)
    p.add_argument("--timeout", type=float, default=120)
    p = sub.add_parser("pingpong")
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("many")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--hold", type=float, default=3)
    p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("udp")
    p.add_argument("--rate", type=int, default=100000)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--size", type=int, default=64)
    for name in ("serve-sink", "serve-echo", "serve-many", "serve-udp"):
        sub.add_parser(name)
    for p in sub.choices.values():
        p.add_argument("host", type=loopback)
        p.add_argument("port", type=int)
    a = parser.parse_args()
    a.seconds = min(getattr(a, "seconds", 0), 60)  # bounded whatever is asked
    servers = {"serve-sink": serve_sink, "serve-echo": serve_echo, "serve-many": serve_many,
               "serve-udp": serve_udp}
    if a.command in servers:
        servers[a.command](a)
        return
    result = {"flood": flood, "pingpong": pingpong, "many": many, "udp": udp}[a.command](a)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
