#!/usr/bin/env python3
"""Deterministic realistic test mail for the benchmarks, as one mbox file.

    bench/gen_mbox.py OUT.mbox [COUNT=400] [SEED=20240601]

Same seed, same bytes. The mix follows what a mailbox of a desktop user holds (rough shares):
plain text 40%, quoted-printable UTF-8 10%, text + HTML alternatives 22%, multipart/mixed with
one to three binary or CSV attachments (2 KB to 200 KB) 20%, forwarded message/rfc822 8%; a
quarter answer an earlier message (In-Reply-To, References, "Re:"); non-ASCII names and
subjects; bodies mostly 0.3-3 KB, some up to 80 KB; now and then a body line starting with
"From " (mbox quoting). Every message has its own Message-ID. Standard library only.
"""
import mailbox
import random
import sys
import time
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

GIVEN = ("Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy "
         "Rupert Sybil Trent Victor Walter Zoë Jürgen Łukasz Søren Anaïs José").split()
FAMILY = ["Smith", "Jones", "Müller", "García", "Nguyen", "Kowalski", "Dubois", "Rossi",
          "Tanaka", "Olsen", "O'Brien", "van der Berg", "Ivanova"]
HOSTS = ["example.com", "example.org", "example.net", "mail.example.com",
         "lists.example.org", "corp.example"]
VOCABULARY = ("a about after all also an and any are as at back be because been before both but by "
              "can come could day did do down each even first for from get go good great has have "
              "he her here him his how if in into is it its just know last life like little long "
              "made make man many may me might more most much must my never new no not now of off "
              "old on one only or other our out over own people said same see she should since so "
              "some still such take than that the their them then there these they this those "
              "three through time to too two under up us used very was way we well were what when "
              "where which while who will with work world would year years you your server mailbox "
              "message folder index cache quota release deploy meeting budget invoice schedule "
              "review patch").split()
TOPICS = ["Quarterly report", "Re: meeting tomorrow", "Invoice {n}", "Build failed on main",
          "Lunch?", "Project {n} status update", "Your order #{n} has shipped", "Weekly digest",
          "Vacation photos", "Contract draft v{n}", "Server maintenance window",
          "Question about the API", "Minutes from the {n} sync", "Überprüfung der Unterlagen",
          "Réunion de lundi", "日本語のテスト {n}", "Ελληνικά θέματα", "Отчёт за месяц",
          "[list] patch {n}/7: fix parser", "FW: travel plans", "Security advisory {n}"]
AGENTS = ["bench-gen/1", "Mutt/2.2", "Thunderbird 115", "Apple Mail (2.3731)"]
ATTACHMENTS = [("application", "pdf", "report.pdf"), ("image", "png", "screenshot.png"),
               ("image", "jpeg", "photo.jpg"), ("application", "zip", "archive.zip"),
               ("application", "octet-stream", "data.bin"), ("text", "csv", "export.csv"),
               ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document", "draft.docx")]
START = 1704067200  # 2024-01-01 00:00 UTC


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.ids = []

    def address(self):
        given, family = self.r.choice(GIVEN), self.r.choice(FAMILY)
        local = "".join(ch for ch in f"{given}.{family}".lower().replace(" ", ".")
                        if ch.isascii() and (ch.isalnum() or ch == "."))
        return Address(display_name=f"{given} {family}", username=local or "someone",
                       domain=self.r.choice(HOSTS))

    def text(self, at_least):
        """Paragraphs of words wrapped at 72 columns, at least `at_least` characters."""
        out, size = [], 0
        while size < at_least:
            words = []
            for _ in range(self.r.randint(2, 7)):
                sentence = [self.r.choice(VOCABULARY) for _ in range(self.r.randint(6, 18))]
                sentence[0] = sentence[0].capitalize()
                words.extend(sentence[:-1])
                words.append(sentence[-1] + self.r.choice(".....?!"))
            lines, line = [], ""
            for w in words:
                if line and len(line) + 1 + len(w) > 72:
                    lines.append(line)
                    line = w
                else:
                    line = w if not line else line + " " + w
            lines.append(line)
            out.append("\n".join(lines))
            size += sum(len(x) + 1 for x in lines) + 1
        if self.r.random() < 0.05:
            out.insert(1, "From here on the figures are final; see the attached table.")
        return "\n\n".join(out) + "\n"

    def body_size(self):
        roll = self.r.random()
        if roll < 0.6:
            return self.r.randint(300, 3000)
        if roll < 0.9:
            return self.r.randint(3000, 20000)
        return self.r.randint(20000, 80000)

    def blob(self, maintype, size):
        if maintype != "text":
            return self.r.randbytes(size)
        rows, total = ["id,name,amount,date"], 20
        while total < size:
            row = f"{len(rows)},{self.r.choice(GIVEN)},{self.r.randint(1, 99999) / 100},2024-{self.r.randint(1, 12):02}-{self.r.randint(1, 28):02}"
            rows.append(row)
            total += len(row) + 1
        return ("\n".join(rows) + "\n").encode()

    def message(self, i):
        m = EmailMessage()
        when = START + i * 3600 + self.r.randint(0, 3599)
        m["From"] = self.address()
        m["To"] = [self.address() for _ in range(self.r.randint(1, 3))]
        if self.r.random() < 0.3:
            m["Cc"] = [self.address() for _ in range(self.r.randint(1, 4))]
        m["Date"] = formatdate(when, localtime=False)
        own_id = f"<{i}.{self.r.getrandbits(48):012x}@bench.{self.r.choice(HOSTS)}>"
        m["Message-ID"] = own_id
        subject = self.r.choice(TOPICS).format(n=self.r.randint(1, 9999))
        if self.ids and self.r.random() < 0.25:
            parent = self.r.choice(self.ids[-30:])
            m["In-Reply-To"] = parent
            m["References"] = parent
            if not subject.lower().startswith("re:"):
                subject = "Re: " + subject
        m["Subject"] = subject
        m["X-Mailer"] = self.r.choice(AGENTS)
        if self.r.random() < 0.2:
            m["List-Id"] = "Example list <list.example.org>"
        self.ids.append(own_id)

        kind, body = self.r.random(), self.text(self.body_size())
        if kind < 0.40:
            m.set_content(body)
        elif kind < 0.50:
            m.set_content("Grüße aus Köln — café, smörgåsbord, ½ € ≈ 0.5.\n\n" + body,
                          charset="utf-8", cte="quoted-printable")
        elif kind < 0.72:
            m.set_content(body)
            m.add_alternative(self.html(body), subtype="html")
        elif kind < 0.92:
            m.set_content(body)
            if self.r.random() < 0.5:
                m.add_alternative(self.html(body), subtype="html")
            for _ in range(self.r.randint(1, 3)):
                maintype, subtype, name = self.r.choice(ATTACHMENTS)
                top = self.r.choice([2000, 8000, 30000, 60000, 120000, 200000])
                data = self.blob(maintype, self.r.randint(top // 2, top))
                if maintype == "text":
                    m.add_attachment(data.decode(), subtype=subtype, filename=name)
                else:
                    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        else:
            inner = EmailMessage()
            inner["From"] = self.address()
            inner["To"] = self.address()
            inner["Subject"] = "Original: " + self.r.choice(TOPICS).format(n=i)
            inner["Date"] = formatdate(when - 86400, localtime=False)
            inner["Message-ID"] = f"<fwd.{i}.{self.r.getrandbits(32):08x}@bench.example.net>"
            inner.set_content(self.text(self.r.randint(300, 4000)))
            m.set_content("Forwarding this, see below.\n\n" + self.text(200))
            m.add_attachment(inner, filename="forwarded.eml")
        return m, when

    @staticmethod
    def html(body):
        paragraphs = "".join("<p>" + p.replace("\n", " ") + "</p>\n" for p in body.split("\n\n"))
        return '<html><head><meta charset="utf-8"></head><body>\n' + paragraphs + "</body></html>\n"


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20240601
    gen = Generator(seed)
    random.seed(seed)  # the email package draws MIME boundaries from the global generator
    with open(out, "wb"):
        pass  # start empty
    box = mailbox.mbox(out)
    total = 0
    try:
        for i in range(count):
            msg, when = gen.message(i)
            raw = msg.as_bytes(policy=SMTP.clone(linesep="\n"))
            entry = mailbox.mboxMessage(raw)
            entry.set_from("MAILER-DAEMON", time.gmtime(when))
            box.add(entry)
            total += len(raw)
        box.flush()
    finally:
        box.close()
    print(f"{count} messages, {total} bytes -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
