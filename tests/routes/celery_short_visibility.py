"""The project's Celery app with a short Redis visibility timeout, for the redelivery test.

A message a dead worker never acknowledged is handed out again once it has been invisible for
`visibility_timeout` seconds; production keeps the default hour. Kombu's sweep for such
messages runs every `unacked_restore_interval` seconds but scans Redis only every
`unacked_restore_throttle`-th time (10 × 10 s by default): here it scans every second.
"""

from nextmile.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
