"""API of history imports: thin handlers over the import services."""

from ninja import Router

router = Router(tags=["Imports"])
