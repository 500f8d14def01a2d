"""Running test code side by side, each thread on its own database connection."""

import threading

from django.db import connection


def in_thread(target, results: dict, key) -> threading.Thread:
    """Start `target` in a thread; what it returns, or the exception it raises, is stored in
    `results[key]` (the outcome is what the test checks). Join the thread before reading."""

    def run():
        try:
            results[key] = target()
        except Exception as exc:  # the outcome is what the test checks
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
