"""RFC 6238 computed independently of allauth, so a test proves the codes agree."""

import base64
import hashlib
import hmac
import struct
import time


def totp_now(secret, at=None, step=30, digits=6):
    counter = int(at if at is not None else time.time()) // step
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
