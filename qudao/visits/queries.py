"""Reads of calls, visits and plans, already limited to what the user may see.

Contacts are staff records: they follow the dealers the user sees, and dealer users see
none at all (the notes are the reps' own). A plan is seen by its rep, by the managers of
the territories he covers and by the company-wide roles.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers, visible_staff
from qudao.stock.periods import add_months
from qudao.visits.choices import ContactKind, PlanKind
from qudao.visits.compliance import overdue_days
from qudao.visits.filters import ContactFilter
from qudao.visits.models import Contact, ContactPhoto, MonthPlan, PlanItem
from qudao.visits.rules import limits

PANEL_RECENT = 5
DEALER_OPTIONS = 15


def _staff_user(user: Any) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and not user.is_dealer_user)


def visible_contacts(user: Any) -> QuerySet[Contact]:
    """Calls and visits with the dealers the user sees; none for dealer users."""
    if not _staff_user(user):
        return Contact.objects.none()
    return dealer_rows(Contact.objects.all(), user)


def contact_list(*, user: Any, filters: Any = None) -> QuerySet[Contact]:
    """The contact log, newest first, with the dealer and the person who logged it."""
    contacts = visible_contacts(user).select_related("dealer", "staff")
    contacts = ContactFilter(filters_copy(filters), queryset=contacts, request_user=user).qs
    # A correlated count, not a join and GROUP BY: the database counts photos for the rows
    # of the page only, after the index on happened_at has picked them.
    photos = (ContactPhoto.objects.filter(contact=OuterRef("pk")).order_by()
              .values("contact").annotate(n=Count("id")).values("n"))
    return contacts.annotate(
        photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), Value(0)),
    ).order_by("-happened_at", "-id")


def contact_get(*, user: Any, pk: int) -> Contact:
    """One call or visit; Contact.DoesNotExist outside the user's scope."""
    return (visible_contacts(user)
            .select_related("dealer", "dealer__territory", "staff", "alert", "alert__rule")
            .get(pk=pk))


def contact_photos(*, contact: Contact) -> QuerySet:
    return contact.photos.order_by("created_at", "id")


def contact_history(*, contact: Contact) -> QuerySet:
    """Who logged and changed the record, newest first."""
    return audit.history(contact)


def dealer_options(*, user: Any, q: str) -> list[Dealer]:
    """Dealers of the user's scope whose code starts with, or name contains, `q`."""
    q = (q or "").strip()
    if not q or not _staff_user(user):
        return []
    return list(visible_dealers(user).filter(Q(code__istartswith=q) | Q(name__icontains=q))
                .only("pk", "code", "name").order_by("code")[:DEALER_OPTIONS])


def _days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The dealer page's "calls and visits" panel: the last call and the last visit (and
    whether either is overdue by the company's rules), the open next step, recent ones."""
    rules = limits()
    today = timezone.localdate()
    contacts = visible_contacts(user).filter(dealer=dealer).select_related("staff")
    recent = list(contacts.order_by("-happened_at", "-id")[:PANEL_RECENT])
    last_call = contacts.filter(kind__in=rules.call_kinds).order_by("-happened_at").first()
    last_visit = contacts.filter(kind=ContactKind.VISIT).order_by("-happened_at").first()
    next_step = (contacts.exclude(next_step="").filter(next_step_done_on__isnull=True)
                 .order_by(F("next_step_due").asc(nulls_last=True), "-happened_at").first())
    call_days = _days_since(last_call.happened_at if last_call else None, today)
    visit_days = _days_since(last_visit.happened_at if last_visit else None, today)
    # As on the overdue list: a dealer never called counts from its activation.
    active = dealer.status == DealerStatus.ACTIVE
    since = dealer.status_changed_at or dealer.created_at
    call_late = overdue_days(last_call.happened_at if last_call else since, rules.call_days,
                             today)
    visit_late = overdue_days(last_visit.happened_at if last_visit else since,
                              rules.visit_days, today)
    return {
        "dealer": dealer, "recent": recent, "last_call": last_call, "last_visit": last_visit,
        "call_days": call_days, "visit_days": visit_days, "next_step": next_step,
        "call_overdue": active and call_late is not None,
        "visit_overdue": active and visit_late is not None,
        "limits": rules, "today": today, "can_log": user.has_perm("visits.add_visit"),
    }


# --- plans ----------------------------------------------------------------------------

def visible_plans(user: Any) -> QuerySet[MonthPlan]:
    """Plans the user may read: his own, his reps' (by territory), or all for company-wide
    roles; none for dealer users."""
    plans = MonthPlan.objects.all()
    if not _staff_user(user):
        return plans.none()
    if user.sees_all_dealers:
        return plans
    return plans.filter(Q(rep=user) | Q(rep__in=visible_staff(user)))


def plan_reps(*, user: Any) -> list[Any]:
    """People whose plans the user may open: himself first, then the reps he manages."""
    if not _staff_user(user):
        return []
    others = [rep for rep in visible_staff(user).order_by("full_name", "username")
              if rep.pk != user.pk]
    return [user, *others]


def _matches(planned: list[PlanItem], actual: list[Contact]) -> dict[int, Contact]:
    """Each planned item with the contact that carried it out: in date order, the closest
    contact not yet taken (the earlier one on a tie)."""
    taken: set[int] = set()
    result: dict[int, Contact] = {}
    for item in sorted(planned, key=lambda i: (i.day, i.pk)):
        best = None
        for contact in actual:
            if contact.pk in taken:
                continue
            gap = abs((timezone.localdate(contact.happened_at) - item.day).days)
            if best is None or gap < best[0]:
                best = (gap, contact)
        if best is not None:
            taken.add(best[1].pk)
            result[item.pk] = best[1]
    return result


def plan_month(*, user: Any, rep: Any, month: datetime.date) -> dict[str, Any]:
    """A rep's plan for a month against what he logged: every planned item with the call or
    visit that carried it out (if any), and per dealer the planned and actual counts.

    A planned call is carried out by a call that counts for the monthly call rule, a planned
    visit by a visit, with the same dealer, by the rep, in the same month.
    """
    rules = limits()
    month = month.replace(day=1)
    plan = (visible_plans(user).filter(rep=rep, month=month).select_related("rep").first())
    items = list(dealer_rows(PlanItem.objects.filter(plan=plan), user)
                 .select_related("dealer").order_by("day", "id")) if plan else []
    kinds = {PlanKind.CALL: rules.kinds_of(PlanKind.CALL),
             PlanKind.VISIT: rules.kinds_of(PlanKind.VISIT)}
    actual = list(visible_contacts(user).filter(staff=rep, month=month)
                  .select_related("dealer").order_by("happened_at", "id"))
    by_key: dict[tuple[int, str], list[Contact]] = defaultdict(list)
    for contact in actual:
        for plan_kind, contact_kinds in kinds.items():
            if contact.kind in contact_kinds:
                by_key[(contact.dealer_id, plan_kind)].append(contact)
    planned_by_key: dict[tuple[int, str], list[PlanItem]] = defaultdict(list)
    for item in items:
        planned_by_key[(item.dealer_id, item.kind)].append(item)
    done: dict[int, Contact] = {}
    for key, planned in planned_by_key.items():
        done.update(_matches(planned, by_key.get(key, [])))
    today = timezone.localdate()
    rows = [{"item": item, "done_by": done.get(item.pk),
             "missed": item.pk not in done and item.day < today} for item in items]
    dealers: dict[int, dict[str, Any]] = {}
    for item in items:
        row = dealers.setdefault(item.dealer_id, _dealer_row(item.dealer))
        row[f"planned_{item.kind}s"] += 1
    for (dealer_id, plan_kind), contacts in by_key.items():
        row = dealers.setdefault(dealer_id, _dealer_row(contacts[0].dealer))
        row[f"actual_{plan_kind}s"] += len(contacts)
    for row in dealers.values():
        row["unplanned"] = (row["planned_calls"] + row["planned_visits"]) == 0
    totals = {key: sum(row[key] for row in dealers.values()) for key in
              ("planned_calls", "planned_visits", "actual_calls", "actual_visits")}
    totals["done"] = len(done)
    totals["planned"] = len(items)
    totals["missed"] = sum(1 for row in rows if row["missed"])
    totals["done_share"] = (len(done) / len(items)) if items else None
    return {
        "plan": plan, "rep": rep, "month": month, "rows": rows,
        "dealers": sorted(dealers.values(), key=lambda r: r["dealer"].code),
        "totals": totals, "other_contacts": len(actual) - sum(
            len(v) for v in by_key.values()),
        "comments": list(plan.comments.select_related("author")) if plan else [],
        "is_open": month >= today.replace(day=1),
    }


def _dealer_row(dealer: Dealer) -> dict[str, Any]:
    return {"dealer": dealer, "planned_calls": 0, "planned_visits": 0, "actual_calls": 0,
            "actual_visits": 0}


def plan_overview(*, user: Any, month: datetime.date) -> list[dict[str, Any]]:
    """Each rep the user may follow, for one month: planned calls and visits, calls and
    visits logged, and comments. Three grouped queries whatever the number of reps."""
    rules = limits()
    month = month.replace(day=1)
    reps = plan_reps(user=user)
    ids = [rep.pk for rep in reps]
    planned = defaultdict(int)
    for rep_id, kind, n in (PlanItem.objects.filter(plan__month=month, plan__rep_id__in=ids)
                            .order_by().values_list("plan__rep_id", "kind")
                            .annotate(n=Count("id"))):
        planned[(rep_id, kind)] = n
    actual = defaultdict(int)
    for rep_id, kind, n in (visible_contacts(user).filter(month=month, staff_id__in=ids)
                            .order_by().values_list("staff_id", "kind").annotate(n=Count("id"))):
        actual[(rep_id, kind)] = n
    plans = {rep_id: (pk, comments) for pk, rep_id, comments in
             MonthPlan.objects.filter(month=month, rep_id__in=ids)
             .annotate(n=Count("comments")).values_list("pk", "rep_id", "n")}
    rows = []
    for rep in reps:
        calls = sum(actual[(rep.pk, kind)] for kind in rules.call_kinds)
        rows.append({
            "rep": rep, "planned_calls": planned[(rep.pk, PlanKind.CALL)],
            "planned_visits": planned[(rep.pk, PlanKind.VISIT)], "actual_calls": calls,
            "actual_visits": actual[(rep.pk, ContactKind.VISIT)],
            "plan_id": plans.get(rep.pk, (None, 0))[0],
            "comments": plans.get(rep.pk, (None, 0))[1],
        })
    return rows


def months_around(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month before and the month after (for the plan page's arrows)."""
    return add_months(month, -1), add_months(month, 1)


def contact_counts_by_month(*, first: datetime.date, last: datetime.date,
                            dealer_ids: list[int] | None = None) -> QuerySet:
    """Calls from us, calls from the dealer and visits per dealer and month, from month
    `first` to month `last` (month starts), for the dealer-month facts: one GROUP BY on the
    stored local month, no time-zone arithmetic in the database. Rows are dicts with
    dealer_id, month, calls_out, calls_in, visits, messages; company-wide (no user scope).
    """
    contacts = Contact.objects.filter(month__gte=first, month__lte=last)
    if dealer_ids is not None:
        contacts = contacts.filter(dealer_id__in=list(dealer_ids))
    return (contacts.order_by().values("dealer_id", "month").annotate(
        calls_out=Count("id", filter=Q(kind=ContactKind.CALL_OUT)),
        calls_in=Count("id", filter=Q(kind=ContactKind.CALL_IN)),
        visits=Count("id", filter=Q(kind=ContactKind.VISIT)),
        messages=Count("id", filter=Q(kind=ContactKind.MESSAGE)),
    ).order_by("dealer_id", "month"))
