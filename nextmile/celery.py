"""The Celery app: a light `default` queue and a separate `optimize` queue for solves."""

import os
from pathlib import Path

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextmile.settings.dev")

app = Celery("nextmile")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("optimize"))
app.autodiscover_tasks()

# The embedded filesystem broker (bare-machine default) needs its folders before a worker polls.
for folder in (app.conf.broker_transport_options or {}).values():
    if isinstance(folder, str) and folder.startswith(("/", ".")):
        Path(folder).mkdir(parents=True, exist_ok=True)
