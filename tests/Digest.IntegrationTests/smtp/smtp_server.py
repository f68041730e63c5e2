"""A real SMTP server on 127.0.0.1 for the integration tests (aiosmtpd).

Each accepted message is written to --out as NNNNNN.eml, with the envelope recipients in
a first header line "X-Test-Rcpt: ...". Faults are chosen by the recipient's local part:
  bounce*    -> 550 at RCPT TO (a permanent refusal of the address)
  tempfail*  -> 451 at RCPT TO the first --tempfail-times times for that address, then accepted
  reject*    -> 554 after DATA (the message is refused, not the address)
  silent*    -> no answer at all after the message body (a server that hangs)
  lostreply* -> the first message is accepted and kept, then the connection is dropped before the
                "250" reply is sent: the client cannot know it was delivered (the one fault that
                makes a second copy); later ones are answered as usual
With --auth user:password the server requires AUTH before MAIL FROM.
With --delay SECONDS every message waits that long for its "250" (a slow, rate-limited relay).
With --faults SEED it also misbehaves at random (seeded), for messages to other addresses:
  --fault-rate of messages get, in equal shares, 451 after DATA, 421 after DATA with the
  connection closed, the connection dropped after the body with no answer at all (the
  message is not kept in these three cases), or "lost": the message kept, then the connection
  dropped before the reply; and after --refuse-after accepted messages it
  drops the connection and refuses new ones (closes them at once) for --refuse-for seconds.
Every fault and every RCPT is logged with a timestamp to --out/faults.log.
Every RCPT TO attempt is appended to --out/rcpt.log, so a test can see what was retried.
Prints "READY <port>" on stdout once it listens; stops on SIGTERM or when stdin closes.
"""
import argparse
import asyncio
import os
import random
import time
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Faults:
    def __init__(self, seed, rate, refuse_after, refuse_for, out):
        self.random = random.Random(seed)
        self.rate = rate
        self.refuse_after = refuse_after
        self.refuse_for = refuse_for
        self.refusing_until = 0.0
        self.refused_once = False
        self.out = out
        self.lock = threading.Lock()

    def log(self, what):
        with self.lock, open(os.path.join(self.out, "faults.log"), "a") as log:
            log.write("%.3f %s\n" % (time.time(), what))

    def refusing(self):
        return time.time() < self.refusing_until

    def start_refusing(self, accepted):
        if self.refuse_after and not self.refused_once and accepted >= self.refuse_after:
            self.refused_once = True
            self.refusing_until = time.time() + self.refuse_for
            self.log("refusing connections for %.1f s" % self.refuse_for)
            return True
        return False

    def pick(self):
        with self.lock:
            roll = self.random.random()
        if roll >= self.rate:
            return None
        return ("451", "421", "drop", "lost")[int(roll / self.rate * 4)]


class FaultySMTP(SMTP):
    faults = None

    def connection_made(self, transport):
        super().connection_made(transport)
        if self.faults is not None and self.faults.refusing():
            self.faults.log("refused a connection")
            transport.abort()


class RecordingHandler:
    def __init__(self, out, tempfail_times, faults=None, delay=0.0):
        self.delay = delay
        self.faults = faults
        self.out = out
        self.tempfail_times = tempfail_times
        self.tempfails = {}
        self.lost = set()
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(self.out, "rcpt.log"), "a") as log:
            log.write(address + "\n")
        if self.faults is not None:
            self.faults.log("RCPT " + address)
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
        if self.delay:
            await asyncio.sleep(self.delay)
        if any(r.split("@", 1)[0].lower().startswith("reject") for r in envelope.rcpt_tos):
            return "554 5.7.1 message refused"
        if any(r.split("@", 1)[0].lower().startswith("silent") for r in envelope.rcpt_tos):
            await asyncio.sleep(3600)
        special = any(r.split("@", 1)[0].lower().startswith(("bounce", "tempfail", "lostreply")) for r in envelope.rcpt_tos)
        fault = None
        if any(r.split("@", 1)[0].lower().startswith("lostreply") and r not in self.lost for r in envelope.rcpt_tos):
            self.lost.update(envelope.rcpt_tos)
            fault = "lost"
        if self.faults is not None and not special:
            fault = self.faults.pick()
            if fault is not None:
                self.faults.log("%s %s" % (fault, ",".join(envelope.rcpt_tos)))
            if fault == "451":
                return "451 4.3.0 temporary failure, try again"
            if fault == "421":
                server.transport.close()
                return "421 4.3.2 service shutting down"
            if fault == "drop":
                server.transport.abort()
                return "451 4.3.0 (never sent: the connection is gone)"
        with self.lock:
            self.count += 1
            number = self.count
        path = os.path.join(self.out, "%06d.eml" % number)
        temporary = path + ".tmp"
        with open(temporary, "wb") as f:
            # Envelope, the client's address and port (one per session), and when it was accepted.
            f.write(("X-Test-Rcpt: %s\t%s:%s\t%.6f\r\n" % (",".join(envelope.rcpt_tos), session.peer[0], session.peer[1], time.time())).encode("ascii"))
            f.write(envelope.original_content)
        os.rename(temporary, path)
        if fault == "lost":
            # Kept, and the answer never goes out: the client sees the connection die after its message.
            if self.faults is not None and special:
                self.faults.log("lost %s" % ",".join(envelope.rcpt_tos))
            server.transport.abort()
            return "250 (never sent: the connection is gone)"
        if self.faults is not None and self.faults.start_refusing(number):
            # Accept this one, then go away: the client finds the door shut when it comes back.
            asyncio.get_event_loop().call_soon(server.transport.close)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tempfail-times", type=int, default=2)
    parser.add_argument("--auth", help="user:password the server requires (AUTH PLAIN/LOGIN, no TLS)")
    parser.add_argument("--faults", type=int, help="seed: misbehave at random (see above)")
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--refuse-after", type=int, default=0)
    parser.add_argument("--refuse-for", type=float, default=5.0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    faults = None if args.faults is None else Faults(args.faults, args.fault_rate, args.refuse_after, args.refuse_for, args.out)
    FaultySMTP.faults = faults
    handler = RecordingHandler(args.out, args.tempfail_times, faults, args.delay)
    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    class FaultyController(Controller):
        def factory(self):
            return FaultySMTP(self.handler, **self.SMTP_kwargs)

    controller = FaultyController(handler, hostname="127.0.0.1", port=args.port,
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
