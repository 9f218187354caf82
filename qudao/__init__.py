"""Qudao (渠道): a dealer management system for manufacturers."""

from qudao.celery import app as celery_app

__all__ = ["celery_app"]
