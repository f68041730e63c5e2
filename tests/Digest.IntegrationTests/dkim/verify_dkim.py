"""Verifies a message's DKIM signature with dkimpy (Debian python3-dkim), an implementation
independent of ours. The public key comes from a file instead of DNS.
Usage: verify_dkim.py MESSAGE.eml DNS_TXT_FILE    Prints "pass" or "fail: ..."; exit 0 on pass."""
import sys

import dkim

message = open(sys.argv[1], "rb").read()
record = open(sys.argv[2], "rb").read().strip()
asked = []


def dns(name, timeout=5):
    asked.append(name)
    return record


try:
    ok = dkim.verify(message, dnsfunc=dns)
except dkim.DKIMException as error:
    print("fail: %s" % error)
    sys.exit(1)
print("pass" if ok else "fail: signature does not verify (asked for %s)" % b", ".join(asked).decode())
sys.exit(0 if ok else 1)
