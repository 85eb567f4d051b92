#!/usr/bin/env python3
"""Writes a deterministic Dovecot-style Maildir++ tree for the import benchmark (issue 14).

    bench/gen_maildir.py OUT COUNT [SEED]

Messages of 1-12 KB (plain text, some quoted-printable UTF-8, some with a small base64
attachment), LF line ends as Dovecot stores them, spread over INBOX (60%) and four folders
(.Sent, .Archive.2024, .Lists.Akka, .Lists.Dotnet); flags :2,S / RS / FS / and keywords through
dovecot-keywords; mtimes (the internal dates) spread over two years.
"""
import base64, os, random, sys

out, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 14)
folders = ["", ".Sent", ".Archive.2024", ".Lists.Akka", ".Lists.Dotnet"]
weights = [60, 10, 10, 10, 10]
for f in folders:
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(out, f, sub), exist_ok=True)
    with open(os.path.join(out, f, "dovecot-keywords"), "w") as k:
        k.write("0 $Important\n1 Work\n")
words = ("akka actor mailbox cluster shard folder message server client flag keyword import export "
         "backup restore delivery queue latency throughput store commit index search thread").split()
start = 1_672_531_200  # 2023-01-01
for i in range(count):
    folder = rng.choices(folders, weights)[0]
    subject = " ".join(rng.choice(words) for _ in range(rng.randint(3, 8)))
    paragraphs = []
    for _ in range(rng.randint(2, 20)):
        paragraphs.append(" ".join(rng.choice(words) for _ in range(rng.randint(20, 60))))
    body = "\n\n".join(paragraphs)
    headers = (f"From: Sender {i % 97} <sender{i % 97}@example.org>\nTo: user@example.com\n"
               f"Subject: {subject}\nMessage-ID: <{i}.{rng.getrandbits(32)}@bench.example.org>\n"
               f"Date: Mon, 1 Jan 2024 10:00:00 +0000\nMIME-Version: 1.0\n")
    kind = rng.random()
    if kind < 0.7:
        text = headers + "Content-Type: text/plain; charset=us-ascii\n\n" + body + "\n"
    elif kind < 0.85:
        text = (headers + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + body.replace("mailbox", "Postf=C3=A4cher") + "\n")
    else:
        blob = base64.encodebytes(rng.randbytes(rng.randint(500, 4000))).decode()
        text = (headers + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\n'
                + body + '\n--b1\nContent-Type: application/octet-stream; name="a.bin"\nContent-Transfer-Encoding: base64\n\n'
                + blob + "--b1--\n")
    flags = rng.choice(["", "S", "S", "RS", "FS", "Sa", "Sb", "FSab"])
    when = start + rng.randint(0, 2 * 365 * 86400)
    name = f"{when}.M{i}P1.bench,S={len(text)}:2,{flags}"
    sub = "new" if flags == "" and rng.random() < 0.3 else "cur"
    if sub == "new":
        name = name.split(":2,")[0]
    path = os.path.join(out, folder, sub, name)
    with open(path, "w") as f:
        f.write(text)
    os.utime(path, (when, when))
