"""A real SMTP server on 127.0.0.1 for the integration tests (aiosmtpd).

Each accepted message is written to --out as NNNNNN.eml, with the envelope recipients in
a first header line "X-Test-Rcpt: ...". Faults are chosen by the recipient's local part:
  bounce*    -> 550 at RCPT TO (a permanent refusal of the address)
  tempfail*  -> 451 at RCPT TO the first --tempfail-times times for that address, then accepted
  reject*    -> 554 after DATA (the message is refused, not the address)
With --auth user:password the server requires AUTH before MAIL FROM.
Every RCPT TO attempt is appended to --out/rcpt.log, so a test can see what was retried.
Prints "READY <port>" on stdout once it listens; stops on SIGTERM or when stdin closes.
"""
import argparse
import asyncio
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class RecordingHandler:
    def __init__(self, out, tempfail_times):
        self.out = out
        self.tempfail_times = tempfail_times
        self.tempfails = {}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(self.out, "rcpt.log"), "a") as log:
            log.write(address + "\n")
        local = address.split("@", 1)[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 <%s>: mailbox does not exist" % address
        if local.startswith("tempfail"):
            seen = self.tempfails.get(address, 0)
            if seen < self.tempfail_times:
                self.tempfails[address] = seen + 1
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.split("@", 1)[0].lower().startswith("reject") for r in envelope.rcpt_tos):
            return "554 5.7.1 message refused"
        with self.lock:
            self.count += 1
            number = self.count
        path = os.path.join(self.out, "%06d.eml" % number)
        temporary = path + ".tmp"
        with open(temporary, "wb") as f:
            f.write(("X-Test-Rcpt: %s\r\n" % ",".join(envelope.rcpt_tos)).encode("ascii"))
            f.write(envelope.original_content)
        os.rename(temporary, path)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tempfail-times", type=int, default=2)
    parser.add_argument("--auth", help="user:password the server requires (AUTH PLAIN/LOGIN, no TLS)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    handler = RecordingHandler(args.out, args.tempfail_times)
    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=args.port,
                            data_size_limit=20 * 1024 * 1024, decode_data=False, **options)
    controller.start()
    print("READY %d" % args.port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin():
        # The test process holds our stdin: when it goes away, so do we.
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
