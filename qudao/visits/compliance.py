"""Contact compliance: who is overdue for a call or a visit, and the shares per rep and
region, with the share of dealers that ordered once and never again.

Every figure is one statement over the dealers the user sees: each dealer's last call,
last visit and order count are correlated subqueries (the (dealer, happened_at) and
(dealer, ordered_on) indexes answer them), grouped by rep or region in the same query.

The clock of a dealer starts at its last call (or visit); a dealer never called starts
when it became active (or was created): one activated last week is not yet overdue.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Least, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import Order
from qudao.territories.models import Territory
from qudao.visits.choices import ContactKind
from qudao.visits.filters import in_region
from qudao.visits.models import Contact
from qudao.visits.rules import Limits, limits

SHARE = Decimal("0.0001")
# How compliance can be grouped: by rep, by 大区 (tree depth 1) or by province (depth 2).
GROUPINGS = {"rep": _("Sales rep"), "region": _("Sales region"), "province": _("Province")}
DEPTHS = {"region": 1, "province": 2}


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the business time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def window_start(as_of: datetime.date, days: int) -> datetime.datetime:
    """The first moment of the last `days` days up to `as_of` (included)."""
    return day_start(as_of - datetime.timedelta(days=days - 1))


def overdue_days(reference: datetime.datetime | None, days: int,
                 as_of: datetime.date) -> int | None:
    """Days past due on `as_of` for a clock started at `reference`; None when not due."""
    if reference is None:
        return None
    late = (as_of - timezone.localdate(reference)).days - days + 1
    return late if late > 0 else None


def _last(kinds: tuple[str, ...], end: datetime.datetime) -> Subquery:
    contacts = (Contact.objects.filter(dealer=OuterRef("pk"), kind__in=kinds,
                                       happened_at__lt=end)
                .order_by("-happened_at").values("happened_at")[:1])
    return Subquery(contacts, output_field=DateTimeField())


def _dealer_filters(dealers: QuerySet[Dealer], filters: dict[str, Any]) -> QuerySet[Dealer]:
    rep = str(filters.get("rep") or "")
    if rep == "none":
        dealers = dealers.filter(assigned_rep__isnull=True)
    elif rep.isdigit():
        dealers = dealers.filter(assigned_rep_id=int(rep))
    region = str(filters.get("region") or "")
    if region.isdigit():
        dealers = in_region(dealers, "territory__path", int(region))
    q = str(filters.get("q") or "").strip()
    if q:
        dealers = dealers.filter(Q(code__istartswith=q) | Q(name__icontains=q))
    return dealers


def dealer_clock(*, user: Any, as_of: datetime.date, rules: Limits | None = None,
                 filters: dict[str, Any] | None = None) -> QuerySet[Dealer]:
    """The user's dealers with last_call, last_visit (up to the end of `as_of`) and the
    moments their call and visit clocks started (call_ref, visit_ref): the last one, or
    the dealer's activation when there was none."""
    rules = rules or limits()
    end = day_start(as_of + datetime.timedelta(days=1))
    active_since = Coalesce(F("status_changed_at"), F("created_at"))
    dealers = _dealer_filters(visible_dealers(user), filters or {})
    if getattr(user, "is_dealer_user", True):
        # Dealers see their own record, but not the reps' follow-up of it.
        dealers = dealers.none()
    return dealers.annotate(
        last_call=_last(rules.call_kinds, end),
        last_visit=_last((ContactKind.VISIT,), end),
        active_since=active_since,
    ).annotate(
        call_ref=Coalesce(F("last_call"), F("active_since")),
        visit_ref=Coalesce(F("last_visit"), F("active_since")),
    )


def overdue_list(*, user: Any, as_of: datetime.date | None = None, kind: str = "any",
                 filters: dict[str, Any] | None = None) -> QuerySet[Dealer]:
    """Active dealers overdue for a call (`kind` "call"), a visit ("visit") or either
    ("any"), the longest overdue first."""
    rules = limits()
    as_of = as_of or timezone.localdate()
    call_cut, visit_cut = window_start(as_of, rules.call_days), window_start(as_of,
                                                                             rules.visit_days)
    dealers = dealer_clock(user=user, as_of=as_of, rules=rules, filters=filters).filter(
        status=DealerStatus.ACTIVE).select_related("territory", "assigned_rep")
    call_due = ExpressionWrapper(F("call_ref") + datetime.timedelta(days=rules.call_days),
                                 output_field=DateTimeField())
    visit_due = ExpressionWrapper(F("visit_ref") + datetime.timedelta(days=rules.visit_days),
                                  output_field=DateTimeField())
    if kind == "call":
        return dealers.filter(call_ref__lt=call_cut).annotate(due=call_due).order_by("due",
                                                                                     "code")
    if kind == "visit":
        return dealers.filter(visit_ref__lt=visit_cut).annotate(due=visit_due).order_by(
            "due", "code")
    return (dealers.filter(Q(call_ref__lt=call_cut) | Q(visit_ref__lt=visit_cut))
            .annotate(due=Least(call_due, visit_due)).order_by("due", "code"))


def overdue_rows(dealers: Any, *, as_of: datetime.date) -> list[dict[str, Any]]:
    """The page's (or sheet's) rows of overdue dealers: last call and visit dates and the
    days each is overdue."""
    rules = limits()
    rows = []
    for dealer in dealers:
        rows.append({
            "dealer": dealer,
            "last_call": timezone.localdate(dealer.last_call) if dealer.last_call else None,
            "last_visit": timezone.localdate(dealer.last_visit) if dealer.last_visit else None,
            "call_overdue": overdue_days(dealer.call_ref, rules.call_days, as_of),
            "visit_overdue": overdue_days(dealer.visit_ref, rules.visit_days, as_of),
        })
    return rows


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP)


def compliance(*, user: Any, by: str = "rep", as_of: datetime.date | None = None,
               filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compliance per rep (the dealers assigned to him) or per region / province (the
    dealers under it), as of the end of `as_of`, in one grouped query.

    For the active dealers: how many were called within the call limit and visited within
    the visit limit (not overdue), and the shares. For every dealer that ever ordered
    (whatever its status now, so ending a one-order dealer does not hide it): how many
    have exactly one order, placed at least `first_order_days` before, and that share
    against the company limit (a share equal to the limit passes).
    """
    rules = limits()
    as_of = as_of or timezone.localdate()
    by = by if by in GROUPINGS else "rep"
    call_cut, visit_cut = window_start(as_of, rules.call_days), window_start(as_of,
                                                                             rules.visit_days)
    orders = (Order.objects.filter(dealer=OuterRef("pk"), status__in=SALES_STATUSES,
                                   ordered_on__lte=as_of)
              .order_by("ordered_on", "pk").values("ordered_on"))
    # The first and the second order day: two index probes per dealer, where counting
    # would read every order of a dealer with years of history.
    dealers = dealer_clock(user=user, as_of=as_of, rules=rules, filters=filters).annotate(
        first_order=Subquery(orders[:1], output_field=DateField()),
        second_order=Subquery(orders[1:2], output_field=DateField()))
    if by == "rep":
        key = "assigned_rep_id"
    else:
        key = "group_path"
        dealers = dealers.annotate(group_path=Substr("territory__path", 1,
                                                     Territory.steplen * DEPTHS[by]))
    active = Q(status=DealerStatus.ACTIVE)
    ordered = Q(first_order__isnull=False)
    single_before = as_of - datetime.timedelta(days=rules.first_order_days)
    grouped = (dealers.filter(active | ordered).order_by().values(key).annotate(
        dealers=Count("pk", filter=active),
        calls_ok=Count("pk", filter=active & Q(call_ref__gte=call_cut)),
        visits_ok=Count("pk", filter=active & Q(visit_ref__gte=visit_cut)),
        ordering=Count("pk", filter=ordered),
        single=Count("pk", filter=Q(first_order__lte=single_before)
                     & Q(second_order__isnull=True)),
    ))
    rows = [_row(values, key, rules) for values in grouped]
    _label(rows, by)
    rows.sort(key=lambda r: (r["label"] == "", str(r["label"])))
    total = _row({k: sum(r[k] for r in rows) for k in
                  ("dealers", "calls_ok", "visits_ok", "ordering", "single")},
                 None, rules)
    return {"by": by, "as_of": as_of, "rows": rows, "total": total, "limits": rules,
            "grouping_label": GROUPINGS[by]}


def _row(values: dict[str, Any], key: str | None, rules: Limits) -> dict[str, Any]:
    dealers, ordering, single = values["dealers"], values["ordering"], values["single"]
    single_share = _share(single, ordering)
    return {
        "key": values.get(key) if key else None,
        "label": "", "rep_id": None, "territory_id": None,
        "dealers": dealers, "calls_ok": values["calls_ok"], "visits_ok": values["visits_ok"],
        "call_overdue": dealers - values["calls_ok"],
        "visit_overdue": dealers - values["visits_ok"],
        "call_share": _share(values["calls_ok"], dealers),
        "visit_share": _share(values["visits_ok"], dealers),
        "ordering": ordering, "single": single, "single_share": single_share,
        "single_ok": single_share is None or single_share <= rules.first_order_limit,
    }


def _label(rows: list[dict[str, Any]], by: str) -> None:
    """Names of the groups: the rep's name, or the region's display name (two queries at
    most, whatever the number of rows)."""
    if by == "rep":
        from qudao.accounts.models import User

        users = User.objects.in_bulk([r["key"] for r in rows if r["key"]])
        for row in rows:
            user = users.get(row["key"])
            row["rep_id"] = row["key"]
            row["label"] = str(user) if user else ""
        return
    nodes = {t.path: t for t in Territory.objects.filter(path__in=[r["key"] for r in rows
                                                                     if r["key"]])}
    for row in rows:
        node = nodes.get(row["key"])
        row["territory_id"] = node.pk if node else None
        row["label"] = node.display_name if node else ""
