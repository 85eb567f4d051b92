#!/usr/bin/env python3
"""Memory under hostile clients (issue 16, findings 2 and 3): the server's RSS before, during and
after stuck readers and parallel big APPENDs, read from /proc/PID/status.

    bench/memory.py [--dll PATH] [--readers N] [--messages M] [--message-mb S]
                    [--appends K] [--append-mb A] [--keep] [--env NAME=VALUE ...]

Starts `akkaimap serve` (default: the Release build under src/AkkaImap.Host/bin) on a free
loopback port with a scratch data folder, fills INBOX with M messages of S MB, then:

  stuck   N connections log in, SELECT INBOX, send `FETCH 1:* BODY.PEEK[]` and never read
          (a small receive buffer, so little sits in the kernel); RSS while they hang, then
          after they close (polled for up to 60 s, nothing forced in the server); twice, to
          see whether the second batch reuses what the first one left;
  append  K clients APPEND an A MB message each at once; peak RSS (VmHWM, reset through
          /proc/PID/clear_refs first) and RSS afterwards.

Prints one line per measurement and a last machine-readable line. Everything runs on 127.0.0.1
and stops by itself.
"""
import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024  # MB
    return -1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def message(size, seed):
    rnd = random.Random(seed)
    head = (f"From: bench@example.com\r\nTo: alice@example.com\r\nSubject: bulk {seed}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n").encode()
    line = bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(76)) + b"\r\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return head + body[: size - len(head)]


class Raw:
    def __init__(self, port, rcvbuf=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(("127.0.0.1", port))
        self.buf = b""
        self.n = 0
        self.line()

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def cmd(self, text, literal=None):
        self.n += 1
        tag = f"t{self.n}"
        if literal is None:
            self.s.sendall(f"{tag} {text}\r\n".encode())
        else:
            self.s.sendall(f"{tag} {text} {{{len(literal)}+}}\r\n".encode())
            self.s.sendall(literal + b"\r\n")
        while True:
            line = self.line()
            if line.startswith(tag.encode() + b" "):
                if b" OK " not in line:
                    raise RuntimeError(line.decode(errors="replace"))
                return line

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dll", default=os.path.join(ROOT, "src/AkkaImap.Host/bin/Release/net10.0/akkaimap.dll"))
    p.add_argument("--readers", type=int, default=150)
    p.add_argument("--messages", type=int, default=20)
    p.add_argument("--message-mb", type=float, default=1)
    p.add_argument("--appends", type=int, default=8)
    p.add_argument("--append-mb", type=int, default=48)
    p.add_argument("--extra", default="", help="HOCON inside akka-imap { }")
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server's environment")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--probe", default="", help="a shell command run while the readers hang and after they closed ({pid} is the server's)")
    p.add_argument("--skip-stuck", action="store_true")
    a = p.parse_args()

    folder = tempfile.mkdtemp(prefix="akkaimap-mem-")
    port = free_port()
    conf = os.path.join(folder, "akkaimap.conf")
    with open(conf, "w") as f:
        f.write(f"""akka-imap {{
  port = {port}
  bind = ["127.0.0.1"]
  storage {{ path = data, fsync = off }}
  max-connections = 10000
  limits {{ max-literal = 100M }}
  {a.extra}
}}
""")
    env = dict(os.environ, DOTNET_NOLOGO="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v

    def cli(*args, stdin=""):
        subprocess.run(["dotnet", a.dll, *args, "--config", conf], input=stdin.encode(), check=True,
                       stdout=subprocess.DEVNULL, env=env)

    cli("postoffice", "add", "example.com")
    cli("mailbox", "add", "alice@example.com", "--password-stdin", stdin="pw-Alice-1\n")
    log = open(os.path.join(folder, "server.log"), "w")
    server = subprocess.Popen(["dotnet", a.dll, "serve", "--config", conf], stdout=log, stderr=subprocess.STDOUT,
                              env=env, start_new_session=True)
    pid = server.pid
    results = {}
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start: see " + log.name)
                time.sleep(0.2)

        c = Raw(port)
        c.cmd("LOGIN alice@example.com pw-Alice-1")
        size = int(a.message_mb * 1024 * 1024)
        for i in range(a.messages):
            c.cmd("APPEND INBOX", message(size, i))
        c.cmd("LOGOUT") if False else c.close()
        time.sleep(5)

        def rss():
            return status(pid, "VmRSS")

        def settle(before, label):
            # Nothing is forced in the server: poll until RSS stops falling (or 60 s).
            best = rss()
            end = time.time() + 60
            while time.time() < end:
                time.sleep(2)
                now = rss()
                best = min(best, now)
            return best

        base = rss()
        print(f"idle after fill: RSS {base} MB")
        results["base"] = base
        for batch in (() if a.skip_stuck else (1, 2)):
            conns = []
            for i in range(a.readers):
                r = Raw(port, rcvbuf=4096)
                r.cmd("LOGIN alice@example.com pw-Alice-1")
                r.cmd("SELECT INBOX")
                r.s.sendall(b"f1 FETCH 1:* BODY.PEEK[]\r\n")
                conns.append(r)
            time.sleep(10)
            during = rss()
            if a.probe:
                subprocess.run(a.probe.replace("{pid}", str(pid)), shell=True)
            for r in conns:
                r.close()
            after = settle(during, "stuck")
            if a.probe:
                subprocess.run(a.probe.replace("{pid}", str(pid)), shell=True)
            print(f"stuck batch {batch}: {a.readers} readers, RSS during {during} MB "
                  f"(+{during - base}), after close {after} MB (+{after - base}), "
                  f"{(during - base) * 1024 // max(a.readers, 1)} KB per reader")
            results[f"stuck{batch}-during"] = during
            results[f"stuck{batch}-after"] = after

        if a.appends > 0:
            before = rss()
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")
            body = message(a.append_mb * 1024 * 1024, 999)
            errors = []

            def one(i):
                try:
                    r = Raw(port)
                    r.cmd("LOGIN alice@example.com pw-Alice-1")
                    r.cmd("APPEND INBOX", body)
                    r.close()
                except Exception as e:  # noqa: BLE001
                    errors.append(e)

            threads = [threading.Thread(target=one, args=(i,)) for i in range(a.appends)]
            t0 = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.time() - t0
            peak = status(pid, "VmHWM")
            after = settle(peak, "append")
            total = a.appends * a.append_mb
            print(f"append: {a.appends} x {a.append_mb} MB in {took:.1f} s, errors {len(errors)}: RSS before {before} MB, "
                  f"peak {peak} MB (+{peak - before}, {(peak - before) / total:.2f}x the literals), after {after} MB")
            results["append-before"] = before
            results["append-peak"] = peak
            results["append-after"] = after
        print(" ".join(f"{k}={v}" for k, v in results.items()))
    finally:
        os.killpg(pid, 15)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(pid, 9)
        if a.keep:
            print("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
