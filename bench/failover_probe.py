#!/usr/bin/env python3
"""Kill-to-first-success probe for bench/cluster.sh.

    failover_probe.py PORT PASSWORD USER [USER...] --kill PID [--before S] [--bound S]

One thread per account APPENDs a small message through the node on PORT (a survivor) in a loop,
each attempt on its own connection with a 0.5 s socket timeout (a stalled attempt is abandoned, not
waited for). After --before seconds it sends SIGKILL to PID (another node) and notes the time.
For each account it notes the time from the kill to the first APPEND that started after the kill
and succeeded; accounts the killed node owned stall until the cluster has downed it and moved their
owners, the others do not. It prints how many stalled and the largest time: the failover time.
"""
import imaplib
import os
import signal
import socket
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    kill_pid = int(args[args.index("--kill") + 1])
    before = float(args[args.index("--before") + 1]) if "--before" in args else 3.0
    bound = float(args[args.index("--bound") + 1]) if "--bound" in args else 60.0
    positional = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or not args[i - 1].startswith("--"))]
    port, password, users = int(positional[0]), positional[1], positional[2:]
    killed_at = [None]
    first_after = {}
    stop = threading.Event()
    lock = threading.Lock()

    def attempt(user, n):
        c = imaplib.IMAP4("127.0.0.1", port, timeout=0.5)
        try:
            c.login(user, password)
            msg = f"Subject: probe {n}\r\nMessage-Id: <probe-{user}-{n}@bench>\r\n\r\nprobe\r\n".encode()
            typ, _ = c.append("INBOX", None, None, msg)
            return typ == "OK"
        finally:
            try:
                c.shutdown()
            except Exception:
                pass

    def loop(user):
        n = 0
        while not stop.is_set():
            n += 1
            started = time.monotonic()
            try:
                ok = attempt(user, n)
            except (OSError, socket.timeout, imaplib.IMAP4.error):
                ok = False
            with lock:
                k = killed_at[0]
                if ok and k is not None and started > k and user not in first_after:
                    first_after[user] = time.monotonic() - k
            if not ok:
                time.sleep(0.05)

    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in users]
    for t in threads:
        t.start()
    time.sleep(before)
    with lock:
        killed_at[0] = time.monotonic()
    os.kill(kill_pid, signal.SIGKILL)
    killed_wall = time.strftime("%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}"
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        with lock:
            if len(first_after) == len(users):
                break
        time.sleep(0.1)
    stop.set()
    times = sorted(first_after.get(u, bound) for u in users)
    # An account whose owner was elsewhere answers within about one attempt; the others waited
    # for the cluster to down the killed node and start their owners on a survivor.
    stalled = [t for t in times if t > 1.0]
    never = [u for u in users if u not in first_after]
    print(f"  accounts: {len(users)}, of which stalled over 1 s (owner on the killed node): {len(stalled)}"
          + (f", never served again within {bound:.0f} s: {len(never)}" if never else ""))
    if stalled:
        print(f"  stalled accounts' first APPEND after the kill: fastest {stalled[0]:.2f} s, median {stalled[len(stalled) // 2]:.2f} s")
    print(f"  kill-to-first-success (slowest account): {times[-1]:.2f} s (killed at {killed_wall} UTC, to read beside the nodes' logs)")


if __name__ == "__main__":
    main()
