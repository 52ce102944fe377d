#!/usr/bin/env python3
"""A real SMTP server for fault scripts (aiosmtpd): accepts every message, appends
"<Message-ID>\t<recipients>" to a log file, optionally waits before answering (so that mail stays
pending and jobs are in hand), and refuses with 451 while a flag file exists (a mail server down).

    python3 scripts/smtp-sink.py --port 18025 --log mail.tsv [--delay-ms 150] [--refuse-flag FILE]

Needs `pip install aiosmtpd`.
"""
import argparse
import asyncio
import email.parser
import os

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, log, delay, refuse_flag):
        self.log = log
        self.delay = delay
        self.refuse_flag = refuse_flag

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_flag and os.path.exists(self.refuse_flag):
            return "451 4.3.0 Mail server unavailable, try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.content)
        message_id = (headers.get("Message-ID") or "").strip()
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"{message_id}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--refuse-flag")
    args = parser.parse_args()
    sink = Sink(args.log, args.delay_ms / 1000, args.refuse_flag)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
