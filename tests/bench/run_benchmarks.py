#!/usr/bin/env python3
"""Issue 7's benchmark scenarios B1-B7: Socket Workbench against socat, ncat, the lesson's
Python server and Packet Sender, in one run, printed as one table.

  python3 tests/bench/run_benchmarks.py --app build-release/app/socket-workbench \
      --logview build-release/tests/bench/bench_logview [--quick] [--only B1,B2]

scripts/bench.sh installs what is needed, builds in Release and runs this under Xvfb.

The workbench runs as a user runs it: the real binary, its window shown (Xvfb when
DISPLAY is set, else offscreen), one tab with its panel and log, `--stats` to a file (its
lateness, RSS and counters), never `--record` but in B7. Each reference peer gets the same
load from tests/bench/loadgen.py; reference peers that are not installed are left out
(their column says so). Everything is on loopback, every loop is bounded, and only
processes this script started are stopped, by PID.
"""
import argparse
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOADGEN = os.path.join(HERE, "loadgen.py")
HOST = "127.0.0.1"
PEERS = ["workbench", "socat", "ncat", "python", "packetsender"]
PEER_TITLES = {"workbench": "Socket Workbench", "socat": "socat", "ncat": "ncat",
               "python": "Python", "packetsender": "Packet Sender"}


def log(text):
    print(f"  {text}", file=sys.stderr, flush=True)


def free_port(kind="tcp"):
    import socket
    with socket.socket(socket.AF_INET,
                       socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def listening(port, kind):
    """Whether something listens on (or is bound to) 127.0.0.1:port, from /proc/net."""
    table = "/proc/net/tcp" if kind == "tcp" else "/proc/net/udp"
    want = f"0100007F:{port:04X}"
    with open(table) as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want and (kind == "udp" or fields[3] == "0A"):
                return True
    return False


def udp_socket_drops(port):
    """The drops column of /proc/net/udp for the socket bound to 127.0.0.1:port."""
    want = f"0100007F:{port:04X}"
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want:
                return int(fields[-1])
    return None


def udp_snmp():
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Udp:")]
    return dict(zip(lines[0][1:], map(int, lines[1][1:])))


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def loadgen(*args, timeout=300):
    out = subprocess.run([sys.executable, LOADGEN, *map(str, args)], capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"loadgen {' '.join(map(str, args))}: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Peer:
    """One receiving program, started by us, stopped by us (its PID only)."""

    def __init__(self, name, argv, port, kind, workdir, env=None, cwd=None, stdout=None):
        self.name, self.port, self.kind = name, port, kind
        self.stats_file = None
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=stdout or subprocess.DEVNULL,
                                     stderr=open(os.path.join(workdir, f"{name}.stderr"), "w"))
        deadline = time.monotonic() + 20
        while not listening(port, kind):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start listening on {HOST}:{port}")
            time.sleep(0.02)

    @property
    def pid(self):
        return self.proc.pid

    def stop(self, grace=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Bench:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="sw-bench-")
        self.results = {}  # scenario -> figure -> peer -> value
        self.have = {
            "workbench": os.access(args.app, os.X_OK),
            "socat": shutil.which("socat") is not None,
            "ncat": shutil.which("ncat") is not None,
            "python": True,
            "packetsender": shutil.which("packetsender") is not None
            and bool(os.environ.get("DISPLAY")),
        }
        # A fresh configuration: no remembered workspace, zoom or window size.
        self.env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.workdir, "config"),
                        XDG_DATA_HOME=os.path.join(self.workdir, "data"))
        if not os.environ.get("DISPLAY"):
            self.env["QT_QPA_PLATFORM"] = "offscreen"

    def put(self, scenario, figure, peer, value):
        self.results.setdefault(scenario, {}).setdefault(figure, {})[peer] = value

    # --- peers ------------------------------------------------------------------------

    def workbench(self, endpoint, port, kind, extra=()):
        stats = os.path.join(self.workdir, f"stats-{port}.jsonl")
        peer = Peer("workbench", [self.args.app, endpoint, "--stats", stats, *extra], port,
                    kind, self.workdir, env=self.env)
        peer.stats_file = stats
        # Its first --stats second holds the window's start-up; the load comes after it.
        time.sleep(1.5)
        return peer

    def reference(self, name, role, port):
        """role: sink (read until EOF), echo, many (accept and hold), udp (count).
        None when the peer has no such role or did not start (said on stderr)."""
        try:
            return self.start_reference(name, role, port)
        except RuntimeError as error:
            log(f"{name}: {error}; left out of this scenario")
            return None

    def start_reference(self, name, role, port):
        py = [sys.executable, LOADGEN]
        argv = None
        kind = "udp" if role == "udp" else "tcp"
        if name == "socat":
            argv = {
                "sink": ["socat", "-u", f"TCP4-LISTEN:{port},bind={HOST},reuseaddr",
                         "OPEN:/dev/null"],
                "echo": ["socat", f"TCP4-LISTEN:{port},bind={HOST},reuseaddr,nodelay", "PIPE"],
                "udp": ["socat", "-u", f"UDP4-RECV:{port},bind={HOST}", "OPEN:/dev/null"],
            }.get(role)
        elif name == "ncat":
            argv = {
                "sink": ["ncat", "-l", "--recv-only", HOST, str(port)],
                "many": ["ncat", "-l", "-k", "--recv-only", "--max-conns", "20000", HOST,
                         str(port)],
                "udp": ["ncat", "-u", "-l", "--recv-only", HOST, str(port)],
            }.get(role)
        elif name == "python":
            argv = [*py, f"serve-{role}", HOST, str(port)]
        elif name == "packetsender":
            return self.packetsender(role, port)
        if argv is None:
            return None
        return Peer(name, argv, port, kind, self.workdir, env=self.env)

    def packetsender(self, role, port):
        if role not in ("sink", "many", "udp"):
            return None
        directory = os.path.join(self.workdir, f"packetsender-{port}")
        os.makedirs(directory, exist_ok=True)
        tcp = port if role != "udp" else free_port()
        udp = port if role == "udp" else free_port("udp")
        # Settings of its portable mode (read from the working directory): servers on
        # loopback only, no SSL server, no update prompt (a modal dialog), and for TCP
        # "persistent" connections, read until closed (its default reads one chunk).
        with open(os.path.join(directory, "ps_settings.ini"), "w") as f:
            f.write("[General]\nipMode=127.0.0.1\n"
                    f"tcpPort={tcp}\nudpPort={udp}\nsslPort=0\n"
                    "tcpServerEnable=true\nudpServerEnable=true\nsslServerEnable=false\n"
                    "persistentTCPCheck=true\ncheckforUpdatesAsked=true\n"
                    "checkforUpdates=false\nSW_VERSION=99.0.0\nrestoreSessionCheck=false\n")
        # Its stdout holds why it quit ("Cannot open display"); kept for the error.
        out_path = os.path.join(directory, "stdout.log")
        with open(out_path, "w") as out:
            try:
                return Peer("packetsender", ["packetsender"], port,
                            "udp" if role == "udp" else "tcp", self.workdir,
                            env=self.packetsender_env(), cwd=directory, stdout=out)
            except RuntimeError as error:
                with open(out_path) as f:
                    said = " ".join(f.read().split())[-300:]
                raise RuntimeError(f"{error} (its stdout: {said or 'nothing'})") from None

    def packetsender_env(self):
        """Its GUI under the X display (never offscreen). Packet Sender 8.1.1 runs `xrandr`
        before it opens its window and quits at once ("Cannot open display", exit 255)
        when that fails, also when xrandr is missing: scripts/bench.sh installs
        x11-xserver-utils with it."""
        env = dict(self.env)
        env.pop("QT_QPA_PLATFORM", None)
        return env

    # --- stats of the workbench -------------------------------------------------------

    @staticmethod
    def stats_lines(peer):
        try:
            with open(peer.stats_file) as f:
                return [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError):
            return []

    @staticmethod
    def epoch_ms(line):
        # "2026-11-25T06:00:01.000Z"
        from datetime import datetime, timezone
        stamp = datetime.strptime(line["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        return stamp.replace(tzinfo=timezone.utc).timestamp() * 1000

    def lateness(self, peer, start_wall, end_wall):
        """Worst max and worst p99 of the --stats seconds that overlap [start, end]."""
        lines = [line for line in self.stats_lines(peer)
                 if start_wall * 1000 < self.epoch_ms(line) <= end_wall * 1000 + 1000]
        if not lines:
            return None, None
        return (max(line["lateness_ms"]["max"] for line in lines),
                max(line["lateness_ms"]["p99"] for line in lines))

    # --- scenarios --------------------------------------------------------------------

    def peers_for(self, scenario):
        wanted = self.args.peers.split(",") if self.args.peers else PEERS
        return [p for p in PEERS if p in wanted and self.have[p]]

    def b1(self, scenario="B1", record=False):
        mib = self.args.mib
        for name in self.peers_for(scenario):
            if record and name != "workbench":
                continue
            rates, late_max, late_p99, rss = [], [], [], []
            for run in range(self.args.runs):
                port = free_port()
                record_file = os.path.join(self.workdir, f"record-{port}.jsonl")
                try:
                    if name == "workbench":
                        extra = ("--record", record_file) if record else ()
                        peer = self.workbench(f"tcp-listen://{HOST}:{port}", port, "tcp", extra)
                    else:
                        peer = self.reference(name, "sink", port)
                except RuntimeError as error:
                    log(f"{scenario} {name}: {error}")
                    break
                if peer is None:
                    break
                # Packet Sender's memory grows with what it receives: a smaller flood, and
                # a watch that stops it before it takes the machine.
                flood_mib = min(mib, 64) if name == "packetsender" else mib
                watch = RssWatch(peer.pid, limit_mib=4096)
                start_wall = time.time()
                result = loadgen("flood", "--mib", flood_mib, "--timeout", 120, HOST, port)
                end_wall = time.time()
                watch.stop()
                if name == "workbench":
                    time.sleep(1.2)  # the --stats line of the second after the flood
                    rss.append(rss_mib(peer.pid))
                    peer.stop()
                    lmax, lp99 = self.lateness(peer, start_wall, end_wall)
                    late_max.append(lmax)
                    late_p99.append(lp99)
                    counted = self.stats_lines(peer)[-1]["totals"]["bytes_in"] \
                        if self.stats_lines(peer) else None
                    if counted != result["bytes_sent"]:
                        log(f"{scenario} workbench counted {counted} of "
                            f"{result['bytes_sent']} bytes")
                    if record:
                        self.check_record(record_file, result)
                else:
                    rss.append(rss_mib(peer.pid))
                    peer.stop()
                if not result.get("closed_by_peer"):
                    log(f"{scenario} {name}: {result.get('error', 'no close')} after "
                        f"{result['bytes_sent'] / 2**20:.0f} MiB"
                        + (f" (stopped at {watch.peak:.0f} MiB RSS)" if watch.killed else ""))
                rates.append(result["mb_per_s"] if result.get("closed_by_peer") else None)
                self.put(scenario, "peak RSS MiB", name, watch.peak)
                if os.path.exists(record_file):
                    os.remove(record_file)
                if name == "packetsender":
                    break  # one run: minutes each
            self.put(scenario, "MB/s", name, median(rates))
            if name == "workbench":
                self.put(scenario, "lateness p99 ms", name, median(late_p99))
                self.put(scenario, "lateness max ms", name, median(late_max))
                self.put(scenario, "RSS after MiB", name, median(rss))

    def check_record(self, record_file, result):
        import hashlib
        digest = hashlib.sha256()
        size = 0
        lines = 0
        with open(record_file) as f:
            for line in f:
                lines += 1
                event = json.loads(line)
                if event.get("event") == "received":
                    data = bytes.fromhex(event["hex"])
                    if len(data) != event["size"]:
                        raise RuntimeError("record: a received event's hex is not its size")
                    digest.update(data)
                    size += len(data)
        kept = size == result["bytes_sent"] and digest.hexdigest() == result["sha256"]
        self.put("B7", "record kept every byte", "workbench",
                 "yes" if kept else f"NO ({size} of {result['bytes_sent']})")
        self.put("B7", "record MiB", "workbench", round(os.path.getsize(record_file) / 2**20))

    def b2(self):
        for name in self.peers_for("B2"):
            p50, p99 = [], []
            for run in range(self.args.runs):
                port = free_port()
                if name == "workbench":
                    peer = self.workbench(f"tcp-listen://{HOST}:{port}?echo", port, "tcp")
                else:
                    peer = self.reference(name, "echo", port)
                if peer is None:
                    break
                try:
                    result = loadgen("pingpong", "--count", self.args.pings, HOST, port)
                finally:
                    peer.stop()
                if result.get("count") != self.args.pings:
                    log(f"B2 {name}: {result.get('error')}")
                    break
                p50.append(result["p50_us"])
                p99.append(result["p99_us"])
            self.put("B2", "p50 µs", name, median(p50))
            self.put("B2", "p99 µs", name, median(p99))

    def b3(self):
        count = self.args.connections
        for name in self.peers_for("B3"):
            port = free_port()
            if name == "workbench":
                peer = self.workbench(f"tcp-listen://{HOST}:{port}", port, "tcp")
            else:
                peer = self.reference(name, "many", port)
            if peer is None:
                continue
            time.sleep(0.5)
            base = fd_count(peer.pid)
            watch = FdWatch(peer.pid, base, count)
            rss = RssWatch(peer.pid, limit_mib=8192)
            start_wall = time.time()
            try:
                result = loadgen("many", "--count", count, "--hold", 3, "--timeout", 60,
                                 HOST, port, timeout=180)
                watch.wait_closed(30)
            finally:
                watch.stop()
                rss.stop()
                end_wall = time.time()
                time.sleep(1.2 if name == "workbench" else 0)
                peer.stop()
            listed = (watch.t_all - result["t_start"]) if watch.t_all else None
            closed = (watch.t_none - result["t_close"]) if watch.t_none else None
            self.put("B3", "connected (of %d)" % count, name, result["connected"])
            self.put("B3", "all accepted s", name,
                     round(listed, 2) if listed is not None else f"{watch.most} max")
            self.put("B3", "all closed s", name, round(closed, 2) if closed is not None else None)
            self.put("B3", "peak RSS MiB", name, rss.peak)
            if name == "workbench":
                lmax, lp99 = self.lateness(peer, start_wall, end_wall)
                self.put("B3", "lateness p99 ms", name, lp99)
                self.put("B3", "lateness max ms", name, lmax)
                opened = [line["totals"]["connections_open"] for line in self.stats_lines(peer)]
                if opened and max(opened) != count:
                    log(f"B3 workbench: --stats saw at most {max(opened)} open connections")

    def b4(self):
        for rate, label in ((self.args.udp_rate, f"{self.args.udp_rate // 1000}k/s"),
                            (0, "full speed")):
            for name in self.peers_for("B4"):
                port = free_port("udp")
                if name == "workbench":
                    peer = self.workbench(f"udp://{HOST}:{port}", port, "udp")
                else:
                    peer = self.reference(name, "udp", port)
                if peer is None:
                    continue
                if name == "ncat":
                    # ncat -u -l takes datagrams from the first sender only once it saw one.
                    pass
                before = udp_snmp()
                watch = RssWatch(peer.pid, limit_mib=4096)
                try:
                    result = loadgen("udp", "--rate", rate, "--seconds", self.args.udp_seconds,
                                     HOST, port, timeout=120)
                    time.sleep(1.5)  # the queue drains; the next --stats line comes
                    drops = udp_socket_drops(port)
                finally:
                    watch.stop()
                    peer.stop()
                self.put(f"B4 {label}", "peak RSS MiB", name, watch.peak)
                after = udp_snmp()
                kernel_drops = drops if drops is not None else \
                    after["RcvbufErrors"] - before["RcvbufErrors"]
                sent = result["sent"]
                taken = sent - kernel_drops
                if name == "workbench":
                    lines = self.stats_lines(peer)
                    counted = lines[-1]["totals"]["datagrams_in"] if lines else 0
                    self.put(f"B4 {label}", "counted by the app %", name,
                             round(100 * counted / max(sent, 1), 2))
                self.put(f"B4 {label}", "sent per s", name, result["per_second"])
                self.put(f"B4 {label}", "taken off the socket %", name,
                         round(100 * taken / max(sent, 1), 2))

    def b5(self):
        if not os.environ.get("DISPLAY") or not shutil.which("xdotool"):
            log("B5 needs a display (Xvfb) and xdotool: skipped")
            return
        for name, argv, title, cwd in (
                ("workbench", [self.args.app], "Socket Workbench", None),
                ("packetsender", ["packetsender"], "Packet Sender",
                 self.packetsender_settings_only())):
            if name not in self.peers_for("B5") or (name == "packetsender" and cwd is None):
                continue
            times, idle = [], []
            for run in range(self.args.startups):
                env = dict(self.env)
                env.pop("QT_QPA_PLATFORM", None)
                t0 = time.monotonic()
                proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                try:
                    shown = None
                    while time.monotonic() - t0 < 20:
                        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                                              title], capture_output=True, text=True)
                        if out.stdout.strip():
                            shown = time.monotonic() - t0
                            break
                        time.sleep(0.005)
                    if shown is not None:
                        times.append(shown * 1000)
                        time.sleep(2)
                        idle.append(rss_mib(proc.pid))
                finally:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(5)
            self.put("B5", "to first window ms", name, median(times))
            self.put("B5", "idle RSS MiB", name, median(idle))

    def packetsender_settings_only(self):
        if not self.have["packetsender"]:
            return None
        directory = os.path.join(self.workdir, "packetsender-startup")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "ps_settings.ini"), "w") as f:
            f.write("[General]\nipMode=127.0.0.1\ntcpServerEnable=false\n"
                    "udpServerEnable=false\nsslServerEnable=false\ncheckforUpdatesAsked=true\n"
                    "checkforUpdates=false\nSW_VERSION=99.0.0\nrestoreSessionCheck=false\n")
        return directory

    def b6(self):
        if not self.args.logview or not os.access(self.args.logview, os.X_OK):
            log("B6: no bench_logview binary: skipped")
            return
        # Each figure is the median over the runs, as for the other scenarios: one run's
        # maximum is one noisy moment of a shared machine. Each budget runs in a process of
        # its own, so that neither inherits the other's heap.
        runs = []
        for _, budget in itertools.product(range(self.args.runs), ("default", "million")):
            try:
                out = subprocess.run([self.args.logview, budget], capture_output=True,
                                     text=True, env=self.env, timeout=600)
            except subprocess.TimeoutExpired:
                log(f"B6: bench_logview {budget} ran over 600 s: that run left out")
                continue
            figures = None
            for line in out.stdout.splitlines():
                if line.startswith("B6-JSON "):
                    figures = json.loads(line[len("B6-JSON "):])
            if figures is None:
                log(f"B6: bench_logview printed no figures: {out.stderr.strip()[-500:]}")
                continue
            runs.append(figures)
        if not runs:
            return

        def med(run, key):
            return median([r[run].get(key) for r in runs if r.get(run)])

        def meds(run, *keys):
            return " / ".join(fmt(med(run, key)) for key in keys)

        self.put("B6 default budget", "first update of a process ms", "workbench",
                 median([r.get("warm_up_update_ms") for r in runs]))
        for run, label in (("default", "B6 default budget"), ("million", "B6 1,000,000 rows")):
            self.put(label, "append ns/event", "workbench", med(run, "append_ns"))
            self.put(label, "RSS MiB", "workbench", med(run, "rss_mib"))
            self.put(label, "rows kept", "workbench", med(run, "rows"))
            self.put(label, "view update ms p99 / max", "workbench",
                     meds(run, "update_ms_p99", "update_ms_max"))
            self.put(label, "switch text/hex/bytes ms", "workbench",
                     meds(run, "switch_text_ms", "switch_hex_ms", "switch_python_ms"))
            self.put(label, "filter / unfilter ms", "workbench",
                     meds(run, "filter_ms", "unfilter_ms"))
            self.put(label, "scroll to end ms", "workbench", med(run, "scroll_end_ms"))

    # --- output -----------------------------------------------------------------------

    def table(self):
        peers = [p for p in PEERS if any(p in figs for s in self.results.values()
                                         for figs in s.values())]
        header = ["scenario", "figure", *(PEER_TITLES[p] for p in peers), "target"]
        rows = []
        for scenario, figures in self.results.items():
            for figure, values in figures.items():
                rows.append([scenario, figure,
                             *(fmt(values[p]) if p in values else "-" for p in peers),
                             TARGETS.get((scenario.split()[0], figure), "")])
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(header, widths)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        for r in rows:
            lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
        return "\n".join(lines)


TARGETS = {
    ("B1", "MB/s"): "≥ 1.5× socat",
    ("B1", "lateness p99 ms"): "≤ 16",
    ("B1", "lateness max ms"): "≤ 100",
    ("B1", "RSS after MiB"): "≤ 200",
    ("B2", "p50 µs"): "≤ 1.5× socat",
    ("B2", "p99 µs"): "≤ 2000",
    ("B3", "all accepted s"): "≤ 2",
    ("B3", "peak RSS MiB"): "≤ 500",
    ("B3", "lateness p99 ms"): "≤ 50",
    ("B4", "counted by the app %"): "≥ 99.9 at 100k/s, ≥ 90 full speed",
    ("B5", "to first window ms"): "≤ 150",
    ("B5", "idle RSS MiB"): "≤ 70",
    ("B6", "append ns/event"): "≤ 1000",
    ("B6", "view update ms p99 / max"): "≤ 16",
    ("B6", "switch text/hex/bytes ms"): "≤ 100",
    ("B6", "filter / unfilter ms"): "≤ 100",
    ("B6", "scroll to end ms"): "≤ 100",
    ("B7", "record kept every byte"): "yes",
}


def median(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return round(statistics.median(values), 2)


def fmt(value):
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class RssWatch:
    """Peak RSS of a process, sampled every 100 ms; stops (SIGKILL) it past limit_mib."""

    def __init__(self, pid, limit_mib):
        self.pid, self.limit, self.peak, self.killed = pid, limit_mib, None, False
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            rss = rss_mib(self.pid)
            if rss is not None:
                self.peak = round(max(self.peak or 0, rss), 1)
                if rss > self.limit:
                    self.killed = True
                    os.kill(self.pid, signal.SIGKILL)
                    return
            time.sleep(0.1)

    def stop(self):
        self.running = False
        self.thread.join()


class FdWatch:
    """When a process holds `count` more descriptors than `base` (all accepted), and when
    it is back to `base` (all closed). Polled every 20 ms; listing 10,000 descriptors takes
    a few ms of the other core."""

    def __init__(self, pid, base, count):
        self.pid, self.base, self.count = pid, base, count
        self.t_all = self.t_none = None
        self.most = 0
        self.running = True
        self.closing = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            n = fd_count(self.pid)
            if n is None:
                return
            extra = n - self.base
            self.most = max(self.most, extra)
            now = time.monotonic()
            if self.t_all is None and extra >= self.count:
                self.t_all = now
            if self.most > 0 and extra <= 0 and self.t_none is None and self.closing:
                self.t_none = now
            time.sleep(0.02)

    def wait_closed(self, timeout):
        self.closing = True
        deadline = time.monotonic() + timeout
        while self.t_none is None and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", required=True, help="the socket-workbench binary")
    parser.add_argument("--logview", help="the bench_logview binary (B6)")
    parser.add_argument("--only", default="B1,B2,B3,B4,B5,B6,B7")
    parser.add_argument("--peers", help="comma-separated subset of " + ",".join(PEERS))
    parser.add_argument("--quick", action="store_true",
                        help="smaller loads (256 MiB, 2,000 connections, 3 s of UDP)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    args.runs = 1 if args.quick else 3
    args.mib = 256 if args.quick else 1024
    args.pings = 5000 if args.quick else 20000
    args.connections = 2000 if args.quick else 10000
    args.udp_rate = 100000
    args.udp_seconds = 3 if args.quick else 10
    args.startups = 3 if args.quick else 10

    bench = Bench(args)
    missing = [PEER_TITLES[p] for p, ok in bench.have.items() if not ok]
    if missing:
        log("not measured (not installed, or no display): " + ", ".join(missing))
    scenarios = {"B1": bench.b1, "B2": bench.b2, "B3": bench.b3, "B4": bench.b4,
                 "B5": bench.b5, "B6": bench.b6,
                 "B7": lambda: bench.b1("B7", record=True)}
    try:
        for name in args.only.split(","):
            log(f"{name} ...")
            t0 = time.monotonic()
            scenarios[name]()
            log(f"{name} took {time.monotonic() - t0:.0f} s")
    finally:
        shutil.rmtree(bench.workdir, ignore_errors=True)
    print(bench.table())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(bench.results, f, indent=1)


if __name__ == "__main__":
    main()
