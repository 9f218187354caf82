"""API of events: thin handlers over queries and services."""

from ninja import Router

router = Router(tags=["events"])
