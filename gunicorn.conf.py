"""gunicorn's settings beyond the command line. gunicorn reads this file from the directory
it starts in: the deploy command in README.md and bench/pages.py start it in the project's root."""

import gc


def post_worker_init(worker):
    # What a worker loads at start (Django, the apps, the URLconf) lives as long as the worker.
    # Frozen, the garbage collector no longer walks it at every collection of the oldest
    # generation, only what requests made: about a seventh of a page's CPU time here.
    gc.freeze()
