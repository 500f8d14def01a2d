"""The project's Celery app with a short Redis visibility timeout, for the redelivery test.

A message a dead worker never acknowledged is handed out again once it has been invisible for
`visibility_timeout` seconds (kombu checks about every 10 s); production keeps the default hour.
"""

from nextmile.celery import app

app.conf.broker_transport_options = {"visibility_timeout": 4}

__all__ = ["app"]
