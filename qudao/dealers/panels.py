"""Panels other apps show on the dealer page (agreement, orders, credit, stock, targets).

The dealer page must not import the apps that build on dealers, so each of them registers
its panel here when Django starts (AppConfig.ready). The page loads every panel the user
may see on its own request, which keeps the page itself at a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    name: str
    query: str  # dotted path of a function (*, user, dealer) -> template context
    template: str
    perm: str
    order: int = 100
    as_name: str = ""  # the template reads the query's result under this name, if given

    def context(self, *, user: Any, dealer: Any) -> dict[str, Any]:
        function: Callable[..., dict[str, Any]] = import_string(self.query)
        result = function(user=user, dealer=dealer)
        return {self.as_name: result} if self.as_name else result


PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, on a reload) a panel of the dealer page."""
    PANELS[panel.name] = panel


def panels_for(user: Any) -> list[Panel]:
    """The panels `user` may see, in page order."""
    return sorted((p for p in PANELS.values() if user.has_perm(p.perm)),
                  key=lambda p: (p.order, p.name))
