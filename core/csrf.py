"""The CSRF token of a page, masked as Django masks it, with one call for randomness.

Django's `get_token` draws each of the 32 characters of a token's mask with its own call to
`secrets.choice` (32 reads of the system's randomness): a tenth of a small page's time,
on every page with a form. This draws the mask from one read of `os.urandom`, uniformly
over the same 62 characters, and masks the secret exactly as `get_token` does (a token it
makes is one Django's CsrfViewMiddleware accepts: tests/test_csrf_tokens.py). A request
whose secret is not known yet goes to Django's own `get_token`, which makes it.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_COUNT = len(CSRF_ALLOWED_CHARS)  # 62
_INDEX = {char: position for position, char in enumerate(CSRF_ALLOWED_CHARS)}
# Bytes at or above this are dropped, so that byte % 62 is uniform over the 62 characters.
_BELOW = 256 - 256 % _COUNT  # 248


def _random_indexes(count):
    found = []
    while len(found) < count:
        found += [byte % _COUNT for byte in os.urandom(2 * count) if byte < _BELOW]
    return found[:count]


def masked_token(request):
    """The page's CSRF token, as `django.middleware.csrf.get_token` answers it."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH or any(char not in _INDEX for char in secret):
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie's expiry renews
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    chars = CSRF_ALLOWED_CHARS
    return "".join(chars[m] for m in mask) + "".join(chars[(_INDEX[s] + m) % _COUNT] for s, m in zip(secret, mask, strict=True))


def csrf(request):
    """Context processor: `csrf_token` for {% csrf_token %}, in place of Django's built-in one."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}
