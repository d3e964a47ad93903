"""The cache keeps one redis-py client per connection pool instead of making one per call."""

from django.core.cache import caches


def test_every_cache_call_shares_one_client_and_still_reads_what_it_wrote():
    cache = caches["default"]
    first, second = cache._cache.get_client("a"), cache._cache.get_client("b", write=True)
    assert first is second
    cache.set("shared-client-check", {"ok": 1}, 5)
    assert cache.get("shared-client-check") == {"ok": 1}
