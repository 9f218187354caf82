"""Celery application: Redis broker when CELERY_BROKER_URL is set, eager tasks otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")

app = Celery("qudao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
