#!/usr/bin/env python3
"""LMTP load for bench/lmtp.sh: parallel LMTP clients delivering 10 KB messages, then the
delivery-to-IDLE latency. Prints one JSON object. Stdlib only; loopback only; bounded in time.

  lmtp_load.py --lmtp PORT --imap PORT --pid PID --users N --password PW
               [--clients 4] [--seconds 20] [--warmup 5] [--size 10240] [--latency 200]

Server CPU is the server's process tree (utime+stime+cutime+cstime of every live process under
--pid, so Dovecot's lmtp children count too), read from /proc before and after the timed part.
"""
import argparse, json, os, random, socket, statistics, threading, time

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root):
    """CPU seconds of root and its live descendants, reaped children included (cutime/cstime)."""
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        cpu[pid] = sum(int(x) for x in fields[11:15]) / TICK
    total = 0.0
    for pid, seconds in cpu.items():
        p = pid
        while p in parents and p != root and p > 1:
            p = parents[p]
        if p == root:
            total += seconds
    return total


def message(i, size, rnd):
    """A plausible text message of about `size` bytes (deterministic for a seed)."""
    words = ["delivery", "mailbox", "queue", "report", "meeting", "invoice", "server", "budget",
             "release", "review", "schedule", "customer", "update", "status", "question", "thanks"]
    head = (f"From: Sender {i % 97} <sender{i % 97}@client.test>\r\nTo: recipient@example.com\r\n"
            f"Subject: load test message {i}\r\nMessage-ID: <{i}.{rnd.randrange(1 << 30)}@client.test>\r\n"
            f"Date: Wed, 02 Dec 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n")
    body, n = [], len(head)
    while n < size:
        line = " ".join(rnd.choice(words) for _ in range(11))
        if line.startswith("."):
            line = "." + line
        body.append(line)
        n += len(line) + 2
    return (head + "\r\n".join(body) + "\r\n").encode()


class Lmtp:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        self.reply()
        self.sock.sendall(b"LHLO bench.test\r\n")
        self.reply()

    def reply(self):
        """One whole reply (multi-line counts once); returns its last line."""
        while True:
            while b"\r\n" not in self.buf:
                data = self.sock.recv(65536)
                if not data:
                    raise IOError("connection closed")
                self.buf += data
            line, self.buf = self.buf.split(b"\r\n", 1)
            if len(line) < 4 or line[3:4] != b"-":
                return line

    def deliver(self, rcpt, body):
        # PIPELINING (RFC 2920): the envelope in one write, then the data.
        self.sock.sendall(f"MAIL FROM:<sender@client.test>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n".encode())
        for _ in range(3):
            last = self.reply()
        if not last.startswith(b"354"):
            raise IOError(f"DATA refused: {last!r}")
        self.sock.sendall(body + b".\r\n")
        return self.reply()


class Idler:
    """One IMAP connection idling on INBOX; counts EXISTS as they arrive."""
    def __init__(self, port, user, password):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        self.line()
        self.command(f'a LOGIN "{user}" "{password}"', b"a ")
        self.command("b SELECT INBOX", b"b ")
        self.sock.sendall(b"c IDLE\r\n")
        while not self.line().startswith(b"+"):
            pass

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise IOError("IMAP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def command(self, text, tag):
        self.sock.sendall(text.encode() + b"\r\n")
        while True:
            line = self.line()
            if line.startswith(tag):
                if b" OK" not in line[:10]:
                    raise IOError(f"{text.split()[1]} failed: {line!r}")
                return

    def wait_exists(self):
        while True:
            line = self.line()
            if line.startswith(b"* ") and line.endswith(b" EXISTS"):
                return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmtp", type=int, required=True)
    ap.add_argument("--imap", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--password", required=True)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--size", type=int, default=10240)
    ap.add_argument("--latency", type=int, default=200)
    a = ap.parse_args()

    rnd = random.Random(14)
    bodies = [message(i, a.size, rnd) for i in range(64)]
    counts = [0] * a.clients
    errors = []
    phase = {"measuring": False, "stop": False}

    def client(k):
        try:
            c = Lmtp(a.lmtp)
            i = k
            while not phase["stop"]:
                rcpt = f"user{1 + i % a.users}@example.com"
                last = c.deliver(rcpt, bodies[i % len(bodies)])
                if not last.startswith(b"250"):
                    raise IOError(f"delivery refused: {last!r}")
                if phase["measuring"]:
                    counts[k] += 1
                i += a.clients
        except Exception as e:  # reported in the JSON
            errors.append(str(e))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(a.clients)]
    for t in threads:
        t.start()
    time.sleep(a.warmup)
    cpu0, t0 = tree_cpu(a.pid), time.monotonic()
    phase["measuring"] = True
    time.sleep(a.seconds)
    phase["measuring"] = False
    cpu1, t1 = tree_cpu(a.pid), time.monotonic()
    phase["stop"] = True
    for t in threads:
        t.join(60)
    delivered = sum(counts)
    cpu = cpu1 - cpu0

    # Delivery to IDLE notification: one idling client on user0's INBOX, deliveries one at a time.
    idler = Idler(a.imap, "user0@example.com", a.password)
    sender = Lmtp(a.lmtp)
    samples = []
    for i in range(a.latency):
        body = bodies[i % len(bodies)]
        sender.sock.sendall(b"MAIL FROM:<sender@client.test>\r\nRCPT TO:<user0@example.com>\r\nDATA\r\n")
        for _ in range(3):
            sender.reply()
        start = time.monotonic()
        sender.sock.sendall(body + b".\r\n")
        idler.wait_exists()
        samples.append((time.monotonic() - start) * 1000)
        sender.reply()
    samples.sort()
    print(json.dumps({
        "clients": a.clients, "seconds": round(t1 - t0, 2), "delivered": delivered,
        "messages_per_second": round(delivered / (t1 - t0), 1),
        "server_cpu_seconds": round(cpu, 2),
        "messages_per_cpu_second": round(delivered / cpu, 1) if cpu > 0 else None,
        "idle_latency_ms": {"p50": round(statistics.median(samples), 1),
                            "p99": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
                            "max": round(samples[-1], 1), "samples": len(samples)},
        "errors": errors[:3],
    }))


if __name__ == "__main__":
    main()
