"""The needs registry (需求备案, R-NR-01 to -07) and the staff who support a dealer, above all
the seconded manager (输出经理人, R-DS-01 to -04): errors, the list filter, reads already
limited to what the user may see, and every write (audited, in one transaction).

Who may do what. Staff read needs with service.view_need, record them with
service.add_need and handle them with service.change_need, for the dealers in their scope
(and the needs they own). A dealer user raises needs for its own company through the portal
(service.add_request), follows them (service.view_request) and confirms the outcome or says
it is not satisfied (service.rate_request); it never sees another dealer's needs, nor the
common needs' other dealers. Dealer support is kept by staff with service.change_need.
"""

import datetime
from typing import Any

import django_filters
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qudao.accounts.choices import DEALER_ROLES
from qudao.accounts.permissions import ROLE_PERMISSIONS
from qudao.core import audit
from qudao.core.exceptions import DomainError, InvalidTransition, NotAllowed
from qudao.core.numbering import number_assign
from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import visible_dealers
from qudao.service.models import (
    NEED_CLOSED_STATUSES,
    NEED_OPEN_STATUSES,
    CommonNeed,
    DealerSupport,
    DealerSupportReport,
    Need,
    NeedCategory,
    NeedChannel,
    NeedScope,
    NeedStatus,
    ServiceFunction,
    SupportRole,
)
from qudao.stock.periods import add_months

# What a dealer user needs for the portal side of the registry (it has no service.*_need).
DEALER_VIEW = "service.view_request"
DEALER_RAISE = "service.add_request"
DEALER_CONFIRM = "service.rate_request"
# Categories that are about the dealer's money (利益需求) unless the recorder says otherwise.
BENEFIT_CATEGORIES = {NeedCategory.CREDIT_TERMS}
DEALER_CHANNELS = {NeedChannel.PORTAL, NeedChannel.API}
STAFF_CHANNELS = set(NeedChannel.values) - {NeedChannel.PORTAL}
# Where a need (or a common need) may move by hand. Done and declined reopen to review.
NEED_MOVES: dict[str, set[str]] = {
    NeedStatus.RECORDED: {NeedStatus.UNDER_REVIEW, NeedStatus.PLANNED, NeedStatus.DONE,
                          NeedStatus.DECLINED},
    NeedStatus.UNDER_REVIEW: {NeedStatus.PLANNED, NeedStatus.DONE, NeedStatus.DECLINED},
    NeedStatus.PLANNED: {NeedStatus.UNDER_REVIEW, NeedStatus.DONE, NeedStatus.DECLINED},
    NeedStatus.DONE: {NeedStatus.UNDER_REVIEW},
    NeedStatus.DECLINED: {NeedStatus.UNDER_REVIEW},
}
# Statuses that say someone is on it: they need an owner (R-NR-02).
OWNED_STATUSES = {NeedStatus.UNDER_REVIEW, NeedStatus.PLANNED, NeedStatus.DONE}
NEED_FIELDS = ["title", "description", "category", "benefit", "department", "owner", "due_on"]
COMMON_FIELDS = ["title", "description", "category", "action", "department", "owner",
                 "due_on"]
SUPPORT_FIELDS = ["dealer_superior", "trainee_name", "trainee_qualified_on", "sales_stable",
                  "salary_paid_by_hq", "notes"]
# Open individual needs of this many dealers in one category suggest a common need (R-NR-07).
COMMON_MIN_DEALERS = 3
PANEL_SHOWN = 10
TITLE_MAX = 120


# -- errors -----------------------------------------------------------------------------------

class NeedInvalid(DomainError):
    """A need, common need or status change is missing something; `errors` maps each field
    to why."""

    code = "need_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class NeedStatusNotAllowed(InvalidTransition):
    """The need cannot move to that status from where it is."""

    code = "need_status_not_allowed"


class NeedFollowsCommon(DomainError):
    """The need is attached to a common need and follows it: change the common need, or
    detach the need first."""

    code = "need_follows_common"


class SupportInvalid(DomainError):
    """A dealer-support assignment or report is not valid; `errors` maps fields to why."""

    code = "dealer_support_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class SupportCannotEnd(DomainError):
    """A seconded manager leaves only once the dealer's sales are stable and the business
    manager he develops is qualified (R-DS-04)."""

    code = "dealer_support_cannot_end"


# -- permissions ------------------------------------------------------------------------------

def _is_dealer(user: Any) -> bool:
    return bool(getattr(user, "is_dealer_user", False))


def may_view(user: Any) -> bool:
    """Whether the user may open the registry at all (its own needs, for a dealer)."""
    return user.has_perm(DEALER_VIEW if _is_dealer(user) else "service.view_need")


def may_raise(user: Any) -> bool:
    return user.has_perm(DEALER_RAISE if _is_dealer(user) else "service.add_need")


def may_confirm(user: Any) -> bool:
    return user.has_perm(DEALER_CONFIRM if _is_dealer(user) else "service.change_need")


def _require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def _require_visible(actor: Any, need: Need) -> None:
    if not visible_needs(actor).filter(pk=need.pk).exists():
        raise NotAllowed(_("This need is outside your area."))


# -- filter -----------------------------------------------------------------------------------

STATES = [("open", _lazy("Open")), ("closed", _lazy("Done or declined")), ("all", _lazy("All"))]


class NeedFilter(django_filters.FilterSet):
    """Filters of the need list, shared by the page, its Excel export and the API."""

    state = django_filters.ChoiceFilter(label=_lazy("State"), choices=STATES,
                                        method="in_state", empty_label=None)
    status = django_filters.ChoiceFilter(label=_lazy("Status"), choices=NeedStatus.choices)
    category = django_filters.ChoiceFilter(label=_lazy("Category"),
                                           choices=NeedCategory.choices)
    scope = django_filters.ChoiceFilter(label=_lazy("Scope"), choices=NeedScope.choices)
    benefit = django_filters.BooleanFilter(label=_lazy("Benefit need"))
    owner = django_filters.NumberFilter(label=_lazy("Owner"), field_name="owner_id")
    mine = django_filters.BooleanFilter(label=_lazy("Owned by me"), method="owned_by_me")
    dealer = django_filters.NumberFilter(label=_lazy("Dealer"), field_name="dealer_id")
    common_need = django_filters.NumberFilter(label=_lazy("Common need"),
                                              field_name="common_need_id")
    overdue = django_filters.BooleanFilter(label=_lazy("Overdue"), method="is_overdue")
    q = django_filters.CharFilter(label=_lazy("Dealer, number or title"), method="search")

    class Meta:
        model = Need
        fields = ["state", "status", "category", "scope", "benefit", "owner", "mine",
                  "dealer", "common_need", "overdue", "q"]

    def __init__(self, *args: Any, request_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_user = request_user

    def in_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=NEED_OPEN_STATUSES)
        if value == "closed":
            return queryset.filter(status__in=NEED_CLOSED_STATUSES)
        return queryset

    def owned_by_me(self, queryset, name, value):
        if value and self.request_user is not None:
            return queryset.filter(owner=self.request_user)
        return queryset

    def is_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=NEED_OPEN_STATUSES, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value)
                               | Q(number__iexact=value) | Q(title__icontains=value))


# -- reads ------------------------------------------------------------------------------------

def visible_needs(user: Any) -> QuerySet[Need]:
    """Needs of the dealers the user may see; staff also see the needs they own (a product
    manager answering a region he does not cover). A dealer user sees its own company's."""
    needs = Need.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return needs.none()
    if user.sees_all_dealers:
        return needs
    if user.is_dealer_user:
        return needs.filter(dealer_id=user.dealer_id) if user.dealer_id else needs.none()
    if user.is_territory_user:
        return needs.filter(Q(dealer__in=visible_dealers(user)) | Q(owner=user))
    return needs.none()


def need_list(*, user: Any, filters: Any = None) -> QuerySet[Need]:
    """The registry, newest first: staff see open needs unless they ask for others, dealers
    all of theirs."""
    data = filters_copy(filters)
    if not data.get("state"):
        data["state"] = "all" if (_is_dealer(user) or data.get("status")) else "open"
    if _is_dealer(user):
        # Dealers filter their own needs; a dealer or owner filter means nothing to them.
        for name in ("dealer", "owner", "mine", "q", "common_need"):
            data.pop(name, None)
    needs = visible_needs(user).select_related("dealer", "owner", "common_need")
    needs = NeedFilter(data, queryset=needs, request_user=user).qs
    return needs.order_by("-created_at", "-id")


def need_get(*, user: Any, pk: int) -> Need:
    """One need in the user's scope (Need.DoesNotExist otherwise)."""
    return visible_needs(user).select_related(
        "dealer", "owner", "common_need", "raised_by", "confirmed_by").get(pk=pk)


def history(*, record: Need | CommonNeed) -> QuerySet:
    """A need's or a common need's audit trail, newest first (staff only)."""
    return audit.history(record)


def owner_choices() -> QuerySet:
    """Staff who may own a need: active users whose role handles needs."""
    from qudao.accounts.models import User

    roles = [role for role, perms in ROLE_PERMISSIONS.items()
             if "service.change_need" in perms and role not in DEALER_ROLES]
    return User.objects.filter(is_active=True).filter(
        Q(role__in=roles) | Q(is_superuser=True)).order_by("full_name", "username")


def support_staff_choices() -> QuerySet:
    """Staff who may be assigned to support a dealer: any active non-dealer user."""
    from qudao.accounts.models import User

    return (User.objects.filter(is_active=True).exclude(role__in=list(DEALER_ROLES))
            .order_by("full_name", "username"))


def departments() -> list[str]:
    """Departments already named in the service directory, to pick an owning one from."""
    return sorted(set(ServiceFunction.objects.values_list("department", flat=True)))


def common_need_list(*, filters: Any = None) -> QuerySet[CommonNeed]:
    """Common needs with how many dealers and needs each groups, open ones first unless
    asked (company-level actions: every staff member with the registry sees them all)."""
    data = filters_copy(filters)
    common = CommonNeed.objects.select_related("owner").annotate(
        need_count=Count("needs", distinct=True),
        dealer_count=Count("needs__dealer", distinct=True))
    state = data.get("state") or ("all" if data.get("status") else "open")
    if state == "open":
        common = common.filter(status__in=NEED_OPEN_STATUSES)
    elif state == "closed":
        common = common.filter(status__in=NEED_CLOSED_STATUSES)
    if data.get("status") in NeedStatus.values:
        common = common.filter(status=data["status"])
    if data.get("category") in NeedCategory.values:
        common = common.filter(category=data["category"])
    return common.order_by("-created_at", "-id")


def common_need_get(*, pk: int) -> CommonNeed:
    """One common need with its counts (CommonNeed.DoesNotExist otherwise)."""
    return common_need_list(filters={"state": "all"}).get(pk=pk)


def common_need_needs(*, user: Any, common_need: CommonNeed) -> list[Need]:
    """The needs grouped under a common need that the user may see, by dealer code."""
    return list(visible_needs(user).filter(common_need=common_need)
                .select_related("dealer", "owner").order_by("dealer__code", "id"))


def open_common_needs() -> QuerySet[CommonNeed]:
    """Common needs that still take needs, newest first (for the attach choices)."""
    return CommonNeed.objects.filter(status__in=NEED_OPEN_STATUSES).order_by("-created_at",
                                                                             "-id")


def common_candidates(*, user: Any, min_dealers: int = COMMON_MIN_DEALERS) -> list[dict]:
    """Categories in which at least `min_dealers` dealers in the user's scope have an open
    individual need: likely common needs to group (R-NR-07). One grouped query."""
    rows = (visible_needs(user).filter(scope=NeedScope.INDIVIDUAL,
                                       status__in=NEED_OPEN_STATUSES)
            .order_by().values("category")
            .annotate(dealers=Count("dealer", distinct=True), needs=Count("id"))
            .filter(dealers__gte=min_dealers).order_by("-dealers", "category"))
    labels = dict(NeedCategory.choices)
    return [{"category": row["category"], "label": labels.get(row["category"], ""),
             "dealers": row["dealers"], "needs": row["needs"]} for row in rows]


def _report_due_month(today: datetime.date) -> datetime.date:
    """The month whose report a seconded manager owes now: the last full month."""
    return add_months(today, -1)


def supports_of(*, dealer: Any, today: datetime.date | None = None) -> list[DealerSupport]:
    """Everyone who supports or supported the dealer, current first; each seconded manager
    marked `report_missing` when last month's report to HQ has not come (R-DS-02)."""
    today = today or timezone.localdate()
    due = _report_due_month(today)
    reported = DealerSupportReport.objects.filter(support=OuterRef("pk"), month=due)
    rows = (DealerSupport.objects.filter(dealer=dealer).select_related("user")
            .annotate(reported_last_month=Exists(reported))
            .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id"))
    result = list(rows)
    for row in result:
        # Owed by a seconded manager still in place who was there before this month began.
        row.report_missing = (row.role == SupportRole.SECONDED_MANAGER
                              and row.ended_on is None
                              and row.started_on < add_months(due, 1)
                              and not row.reported_last_month)
    return result


def visible_supports(user: Any) -> QuerySet[DealerSupport]:
    """Support assignments of the dealers the user may see."""
    supports = DealerSupport.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return supports.none()
    if user.sees_all_dealers:
        return supports
    return supports.filter(dealer__in=visible_dealers(user))


def support_list(*, user: Any, dealer_id: int | None = None,
                 active: bool | None = None) -> QuerySet[DealerSupport]:
    """Support assignments in the user's scope, by dealer, current ones first."""
    supports = visible_supports(user).select_related("dealer", "user")
    if dealer_id is not None:
        supports = supports.filter(dealer_id=dealer_id)
    if active is not None:
        today = timezone.localdate()
        current = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        supports = supports.filter(current) if active else supports.exclude(current)
    return supports.order_by("dealer__code", F("ended_on").desc(nulls_first=True),
                            "-started_on", "-id")


def support_get(*, user: Any, pk: int) -> DealerSupport:
    """One assignment in the user's scope (DealerSupport.DoesNotExist otherwise)."""
    return visible_supports(user).select_related("dealer", "user", "created_by").get(pk=pk)


def support_reports(*, support: DealerSupport) -> list[DealerSupportReport]:
    return list(support.reports.select_related("submitted_by").order_by("-month"))


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The dealer page's needs panel: open needs, how many are done, and who supports the
    dealer (with a seconded manager's missing monthly report flagged)."""
    needs = visible_needs(user).filter(dealer=dealer)
    counts = needs.order_by().aggregate(
        open=Count("id", filter=Q(status__in=NEED_OPEN_STATUSES)),
        done=Count("id", filter=Q(status=NeedStatus.DONE)),
        declined=Count("id", filter=Q(status=NeedStatus.DECLINED)))
    return {
        "dealer": dealer,
        "needs": list(needs.filter(status__in=NEED_OPEN_STATUSES)
                      .select_related("owner", "common_need")
                      .order_by("-created_at", "-id")[:PANEL_SHOWN]),
        "open_count": counts["open"], "done_count": counts["done"],
        "declined_count": counts["declined"],
        "supports": supports_of(dealer=dealer),
        "can_add": may_raise(user),
        "can_support": user.has_perm("service.change_need") and not _is_dealer(user),
        "today": timezone.localdate(),
    }


# -- writes: needs ----------------------------------------------------------------------------

def _text(value: Any) -> str:
    return (value or "").strip()


def _staff_error(user: Any) -> str | None:
    if user is not None and (_is_dealer(user) or not user.is_active):
        return _("Choose an active member of staff.")
    return None


def _locked(need: Need) -> Need:
    return (Need.objects.select_for_update(of=("self",))
            .select_related("dealer", "common_need").get(pk=need.pk))


def _check_need_values(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "title" in values:
        if not values["title"]:
            errors["title"] = _("Say in a few words what the dealer needs.")
        elif len(values["title"]) > TITLE_MAX:
            errors["title"] = _("Keep the title under 120 characters.")
    if "category" in values and values["category"] not in NeedCategory.values:
        errors["category"] = _("Choose a category.")
    if "owner" in values and (why := _staff_error(values["owner"])):
        errors["owner"] = why
    if "department" in values and len(values["department"] or "") > 60:
        errors["department"] = _("Keep the department under 60 characters.")
    return errors


@transaction.atomic
def need_create(*, actor: Any, dealer: Any, title: str, category: str, description: str = "",
                benefit: bool | None = None, channel: str | None = None, owner: Any = None,
                department: str = "", due_on: datetime.date | None = None,
                at: datetime.datetime | None = None) -> Need:
    """Register (备案) a need of `dealer`: a dealer user for its own company (portal or API),
    or staff recording what they heard on a call, a visit, at a meeting or in the
    newsletter's post (R-NR-01, -02).

    A dealer's need goes to its sales rep (its owner until someone reassigns it); staff own
    what they record unless they name another owner. Benefit-type is the category's default
    unless said. Raises NeedInvalid or NotAllowed; nothing is written then.
    """
    dealer_side = _is_dealer(actor)
    _require(actor, DEALER_RAISE if dealer_side else "service.add_need")
    if dealer_side:
        if dealer.pk != actor.dealer_id:
            raise NotAllowed(_("You can raise needs for your own company only."))
        channel = channel or NeedChannel.PORTAL
        allowed = DEALER_CHANNELS
        rep = dealer.assigned_rep if dealer.assigned_rep_id else None
        owner = rep if rep is not None and rep.is_active else None
        department, due_on = "", None
    else:
        if not actor.sees_all_dealers and not visible_dealers(actor).filter(
                pk=dealer.pk).exists():
            raise NotAllowed(_("This dealer is outside your area."))
        channel = channel or NeedChannel.PHONE
        allowed = STAFF_CHANNELS
        owner = owner or actor
    values = {"title": _text(title), "category": category, "owner": owner,
              "department": _text(department)}
    errors = _check_need_values(values)
    if channel not in allowed:
        errors["channel"] = _("Choose how the need came in.")
    if errors:
        raise NeedInvalid(errors)
    at = at or timezone.now()
    need = Need.objects.create(
        dealer=dealer, title=values["title"], description=_text(description),
        category=category,
        benefit=(category in BENEFIT_CATEGORIES) if benefit is None else bool(benefit),
        channel=channel, raised_by=actor, raised_by_dealer=dealer_side,
        department=values["department"], owner=owner, due_on=due_on, created_at=at,
        status_changed_at=at)
    number_assign(need, prefix="XQ", day=timezone.localtime(at).date())
    audit.record(actor=actor, target=need, event="need.recorded", data={
        "dealer": dealer.code, "category": category, "channel": channel,
        "owner": str(owner) if owner is not None else None})
    return need


@transaction.atomic
def need_update(*, actor: Any, need: Need, values: dict[str, Any]) -> Need:
    """Correct a need's title, description, category, benefit flag, owning department and
    person, or due date. An attached need's due date is its common need's.

    Raises NeedInvalid, NeedFollowsCommon or NotAllowed; nothing is saved then.
    """
    _require(actor, "service.change_need")
    need = _locked(need)
    _require_visible(actor, need)
    unknown = set(values) - set(NEED_FIELDS)
    if unknown:
        raise NeedInvalid({name: _("Not a field of a need.") for name in sorted(unknown)})
    values = {k: (_text(v) if k in ("title", "description", "department") else v)
              for k, v in values.items()}
    errors = _check_need_values(values)
    if "owner" in values and values["owner"] is None and need.status in OWNED_STATUSES:
        errors["owner"] = _("A need under review, planned or done keeps an owner.")
    if errors:
        raise NeedInvalid(errors)
    if need.common_need_id and "due_on" in values and values["due_on"] != need.due_on:
        raise NeedFollowsCommon(_("This need's due date is its common need's: change the "
                                  "common need, or detach the need first."))
    before = audit.snapshot(need, NEED_FIELDS)
    for name, value in values.items():
        setattr(need, name, value)
    need.save()
    changes = audit.diff(before, audit.snapshot(need, NEED_FIELDS))
    if changes:
        audit.record(actor=actor, target=need, event="need.updated", data=changes)
    return need


def _status_errors(obj: Need | CommonNeed, to: str, *, outcome: str, reason: str,
                   due_on: datetime.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if to in OWNED_STATUSES and obj.owner_id is None:
        errors["owner"] = _("Give the need an owner first: the person who answers for it.")
    if to == NeedStatus.PLANNED and (due_on or obj.due_on) is None:
        errors["due_on"] = _("Say by when the plan will be carried out.")
    if to == NeedStatus.DONE and not outcome:
        errors["outcome"] = _("Say what was done for the dealer.")
    if to == NeedStatus.DECLINED and not reason:
        errors["reason"] = _("Say why the need is declined: the dealer will read it.")
    return errors


def _apply_status(obj: Need | CommonNeed, to: str, *, at: datetime.datetime, outcome: str,
                  reason: str, due_on: datetime.date | None) -> dict[str, Any]:
    """Set the status and what goes with it; returns the audit details."""
    before = obj.status
    data: dict[str, Any] = {"status": [before, to]}
    if due_on is not None and due_on != obj.due_on:
        data["due_on"] = [obj.due_on, due_on]
        obj.due_on = due_on
    if to == NeedStatus.DONE:
        obj.outcome = outcome
        data["outcome"] = outcome
    elif to == NeedStatus.DECLINED:
        obj.decline_reason = reason
        data["decline_reason"] = reason
    if before in NEED_CLOSED_STATUSES and to in NEED_OPEN_STATUSES:
        # Reopened: the old answer no longer stands (the trail keeps it).
        obj.outcome, obj.decline_reason, obj.closed_at = "", "", None
        if isinstance(obj, Need):
            obj.confirmed_at, obj.confirmed_by, obj.confirmation_note = None, None, ""
    if to in NEED_CLOSED_STATUSES:
        obj.closed_at = at
    obj.status = to
    obj.status_changed_at = at
    return data


@transaction.atomic
def need_status_change(*, actor: Any, need: Need, to_status: str, note: str = "",
                       outcome: str = "", reason: str = "",
                       due_on: datetime.date | None = None,
                       at: datetime.datetime | None = None) -> Need:
    """Move a need: under review (it has an owner), planned (by a due date), done (with
    what was done) or declined (with the reason the dealer reads); done and declined reopen
    to review. A need attached to a common need follows it instead.

    Raises NeedStatusNotAllowed, NeedInvalid, NeedFollowsCommon or NotAllowed.
    """
    _require(actor, "service.change_need")
    need = _locked(need)
    _require_visible(actor, need)
    if need.common_need_id:
        raise NeedFollowsCommon(_("This need follows common need %(number)s: change the "
                                  "common need, or detach the need first.")
                                % {"number": need.common_need.number})
    if to_status not in NEED_MOVES.get(need.status, set()):
        raise NeedStatusNotAllowed(_("A need cannot move from %(from)s to %(to)s.") % {
            "from": NeedStatus(need.status).label,
            "to": NeedStatus(to_status).label if to_status in NeedStatus.values
            else to_status})
    outcome, reason = _text(outcome), _text(reason)
    errors = _status_errors(need, to_status, outcome=outcome, reason=reason, due_on=due_on)
    if errors:
        raise NeedInvalid(errors)
    at = at or timezone.now()
    data = _apply_status(need, to_status, at=at, outcome=outcome, reason=reason,
                         due_on=due_on)
    need.save()
    if _text(note):
        data["note"] = _text(note)
    audit.record(actor=actor, target=need, event="need.status_changed", data=data)
    return need


def _follow(need: Need, common: CommonNeed, *, at: datetime.datetime) -> None:
    """Make an attached need take its common need's status, due date and answer."""
    if need.status != common.status:
        need.status_changed_at = at
    if need.status in NEED_CLOSED_STATUSES and common.status in NEED_OPEN_STATUSES:
        need.confirmed_at, need.confirmed_by, need.confirmation_note = None, None, ""
    need.status = common.status
    need.due_on = common.due_on
    need.outcome = common.outcome
    need.decline_reason = common.decline_reason
    need.closed_at = common.closed_at


def _attach(actor: Any, need: Need, common: CommonNeed, *, at: datetime.datetime) -> bool:
    """Attach one (locked, visible) need; False when it already was."""
    if need.common_need_id == common.pk:
        return False
    if not need.is_open:
        raise NeedInvalid({"need": _("Need %(number)s is done or declined: only open needs "
                                     "can be grouped.") % {"number": need.number}})
    before = need.status
    data: dict[str, Any] = {"common_need": common.number}
    if need.common_need_id:
        data["moved_from"] = need.common_need.number
    need.scope = NeedScope.COMMON
    need.common_need = common
    _follow(need, common, at=at)
    need.save()
    if need.status != before:
        data["status"] = [before, need.status]
    audit.record(actor=actor, target=need, event="need.attached", data=data)
    return True


def _locked_common(common: CommonNeed) -> CommonNeed:
    return CommonNeed.objects.select_for_update().get(pk=common.pk)


@transaction.atomic
def need_attach(*, actor: Any, needs: list[Need], common_need: CommonNeed,
                at: datetime.datetime | None = None) -> int:
    """Group open needs under an open common need (merging several dealers' requests into
    one company action); each then follows it. A need attached elsewhere moves over.

    Returns how many needs were newly attached. Raises NeedInvalid or NotAllowed; if any
    need is refused, none is attached.
    """
    _require(actor, "service.change_need")
    common = _locked_common(common_need)
    if not common.is_open:
        raise NeedInvalid({"common_need": _("Common need %(number)s is done or declined: "
                                            "it takes no more needs.")
                           % {"number": common.number}})
    at = at or timezone.now()
    attached = 0
    for need in sorted(needs, key=lambda n: n.pk):
        need = _locked(need)
        _require_visible(actor, need)
        attached += _attach(actor, need, common, at=at)
    return attached


@transaction.atomic
def need_detach(*, actor: Any, need: Need) -> Need:
    """Take a need out of its common need: it becomes individual again and keeps its
    current status. Raises NeedInvalid or NotAllowed."""
    _require(actor, "service.change_need")
    need = _locked(need)
    _require_visible(actor, need)
    if not need.common_need_id:
        raise NeedInvalid({"common_need": _("This need is not part of a common need.")})
    number = need.common_need.number
    need.scope = NeedScope.INDIVIDUAL
    need.common_need = None
    need.save()
    audit.record(actor=actor, target=need, event="need.detached",
                 data={"common_need": number})
    return need


@transaction.atomic
def need_confirm(*, actor: Any, need: Need, satisfied: bool, note: str = "",
                 at: datetime.datetime | None = None) -> Need:
    """The dealer's word on a need marked done (R-NR-06): satisfied closes the matter;
    not satisfied (with why) sends it back to review, out of any common need. Staff may
    record what a dealer said on the phone.

    Raises NeedStatusNotAllowed, NeedInvalid or NotAllowed.
    """
    dealer_side = _is_dealer(actor)
    _require(actor, DEALER_CONFIRM if dealer_side else "service.change_need")
    need = _locked(need)
    if dealer_side and need.dealer_id != actor.dealer_id:
        raise NotAllowed(_("This need is not your company's."))
    if not dealer_side:
        _require_visible(actor, need)
    if need.status != NeedStatus.DONE:
        raise NeedStatusNotAllowed(_("Only a need marked done can be confirmed."))
    if need.confirmed_at is not None:
        raise NeedStatusNotAllowed(_("This need has already been confirmed."))
    note = _text(note)
    at = at or timezone.now()
    if satisfied:
        need.confirmed_at, need.confirmed_by, need.confirmation_note = at, actor, note
        need.save()
        audit.record(actor=actor, target=need, event="need.confirmed", data={"note": note})
        return need
    if not note:
        raise NeedInvalid({"note": _("Say what is still missing.")})
    data = _apply_status(need, NeedStatus.UNDER_REVIEW, at=at, outcome="", reason="",
                         due_on=None)
    if need.common_need_id:
        data["common_need"] = need.common_need.number
        need.scope, need.common_need = NeedScope.INDIVIDUAL, None
    data["note"] = note
    need.save()
    audit.record(actor=actor, target=need, event="need.not_satisfied", data=data)
    return need


# -- writes: common needs ---------------------------------------------------------------------

def _may_run_common(actor: Any, common: CommonNeed) -> None:
    """A common need is a company action: its owner, its creator or a company-wide role
    moves it (a rep must not decline what dealers of other regions asked for)."""
    if actor.sees_all_dealers or actor.pk in (common.owner_id, common.created_by_id):
        return
    raise NotAllowed(_("Only the common need's owner or head office can change it."))


@transaction.atomic
def common_need_create(*, actor: Any, title: str, category: str, description: str = "",
                       action: str = "", department: str = "", owner: Any = None,
                       due_on: datetime.date | None = None, needs: list[Need] | None = None,
                       at: datetime.datetime | None = None) -> CommonNeed:
    """Start a common need (R-NR-04), optionally grouping needs at once (each must be open
    and in the actor's scope). The actor owns it unless another owner is named.

    Raises NeedInvalid or NotAllowed; nothing is written then.
    """
    _require(actor, "service.change_need")
    owner = owner or actor
    values = {"title": _text(title), "category": category, "owner": owner,
              "department": _text(department)}
    errors = _check_need_values(values)
    if errors:
        raise NeedInvalid(errors)
    at = at or timezone.now()
    common = CommonNeed.objects.create(
        title=values["title"], description=_text(description), category=category,
        action=_text(action), department=values["department"], owner=owner, due_on=due_on,
        status=NeedStatus.RECORDED, status_changed_at=at, created_by=actor)
    number_assign(common, prefix="GX", day=timezone.localtime(at).date())
    numbers = []
    for need in sorted(needs or [], key=lambda n: n.pk):
        need = _locked(need)
        _require_visible(actor, need)
        _attach(actor, need, common, at=at)
        numbers.append(need.number)
    audit.record(actor=actor, target=common, event="common_need.created", data={
        "category": category, "owner": str(owner), "needs": numbers})
    return common


@transaction.atomic
def common_need_update(*, actor: Any, common_need: CommonNeed,
                       values: dict[str, Any]) -> CommonNeed:
    """Correct a common need; a new due date reaches every need attached to it.
    Raises NeedInvalid or NotAllowed."""
    _require(actor, "service.change_need")
    common = _locked_common(common_need)
    _may_run_common(actor, common)
    unknown = set(values) - set(COMMON_FIELDS)
    if unknown:
        raise NeedInvalid({name: _("Not a field of a common need.") for name in sorted(unknown)})
    values = {k: (_text(v) if k in ("title", "description", "department", "action") else v)
              for k, v in values.items()}
    errors = _check_need_values(values)
    if "owner" in values and values["owner"] is None and common.status in OWNED_STATUSES:
        errors["owner"] = _("A need under review, planned or done keeps an owner.")
    if errors:
        raise NeedInvalid(errors)
    before = audit.snapshot(common, COMMON_FIELDS)
    for name, value in values.items():
        setattr(common, name, value)
    common.save()
    changes = audit.diff(before, audit.snapshot(common, COMMON_FIELDS))
    if "due_on" in changes:
        common.needs.update(due_on=common.due_on)
    if changes:
        audit.record(actor=actor, target=common, event="common_need.updated", data=changes)
    return common


@transaction.atomic
def common_need_status_change(*, actor: Any, common_need: CommonNeed, to_status: str,
                              note: str = "", outcome: str = "", reason: str = "",
                              due_on: datetime.date | None = None,
                              at: datetime.datetime | None = None) -> CommonNeed:
    """Move a common need as one would a need; every need attached to it follows, so each
    dealer who raised it sees the decision, its date and its outcome (and each need's
    trail records the move).

    Raises NeedStatusNotAllowed, NeedInvalid or NotAllowed.
    """
    _require(actor, "service.change_need")
    common = _locked_common(common_need)
    _may_run_common(actor, common)
    if to_status not in NEED_MOVES.get(common.status, set()):
        raise NeedStatusNotAllowed(_("A need cannot move from %(from)s to %(to)s.") % {
            "from": NeedStatus(common.status).label,
            "to": NeedStatus(to_status).label if to_status in NeedStatus.values
            else to_status})
    outcome, reason = _text(outcome), _text(reason)
    errors = _status_errors(common, to_status, outcome=outcome, reason=reason, due_on=due_on)
    if errors:
        raise NeedInvalid(errors)
    at = at or timezone.now()
    data = _apply_status(common, to_status, at=at, outcome=outcome, reason=reason,
                         due_on=due_on)
    common.save()
    if _text(note):
        data["note"] = _text(note)
    audit.record(actor=actor, target=common, event="common_need.status_changed", data=data)
    attached = list(Need.objects.select_for_update().filter(common_need=common)
                    .order_by("pk"))
    for need in attached:
        before = need.status
        _follow(need, common, at=at)
        need.save()
        audit.record(actor=actor, target=need, event="need.status_changed", data={
            "status": [before, need.status], "common_need": common.number})
    return common


# -- writes: dealer support -------------------------------------------------------------------

def _support_locked(support: DealerSupport) -> DealerSupport:
    return (DealerSupport.objects.select_for_update(of=("self",))
            .select_related("dealer", "user").get(pk=support.pk))


def _require_support_visible(actor: Any, support: DealerSupport) -> None:
    if not visible_supports(actor).filter(pk=support.pk).exists():
        raise NotAllowed(_("This dealer is outside your area."))


@transaction.atomic
def support_add(*, actor: Any, dealer: Any, user: Any, role: str,
                started_on: datetime.date, salary_paid_by_hq: bool = True,
                dealer_superior: str = "", trainee_name: str = "",
                notes: str = "") -> DealerSupport:
    """Assign a member of staff to support a dealer from a date (R-DS-01): a seconded
    manager (one at a time per dealer), business support or a trainer.

    Raises SupportInvalid or NotAllowed; nothing is written then.
    """
    _require(actor, "service.change_need")
    if _is_dealer(actor) or not visible_dealers(actor).filter(pk=dealer.pk).exists():
        raise NotAllowed(_("This dealer is outside your area."))
    errors: dict[str, str] = {}
    if user is None or _staff_error(user):
        errors["user"] = _("Choose an active member of staff.")
    if role not in SupportRole.values:
        errors["role"] = _("Choose a role.")
    if started_on is None:
        errors["started_on"] = _("Say from when.")
    if role == SupportRole.SECONDED_MANAGER and DealerSupport.objects.filter(
            dealer=dealer, role=role, ended_on__isnull=True).exists():
        errors["role"] = _("This dealer already has a seconded manager: end that "
                           "assignment first.")
    if errors:
        raise SupportInvalid(errors)
    try:
        with transaction.atomic():
            support = DealerSupport.objects.create(
                dealer=dealer, user=user, role=role, started_on=started_on,
                salary_paid_by_hq=salary_paid_by_hq, dealer_superior=_text(dealer_superior),
                trainee_name=_text(trainee_name), notes=_text(notes), created_by=actor)
    except IntegrityError:
        # Another assignment of a seconded manager got in first.
        raise SupportInvalid({"role": _("This dealer already has a seconded manager: end "
                                        "that assignment first.")}) from None
    audit.record(actor=actor, target=support, subject=dealer, event="dealer_support.added",
                 data={"user": str(user), "role": role, "started_on": started_on})
    return support


@transaction.atomic
def support_update(*, actor: Any, support: DealerSupport,
                   values: dict[str, Any]) -> DealerSupport:
    """Record the assignment's progress: who at the dealer the seconded manager also
    reports to, the business manager he develops and when that one qualified (R-DS-03),
    whether the dealer's sales are stable, notes. Raises SupportInvalid or NotAllowed."""
    _require(actor, "service.change_need")
    support = _support_locked(support)
    _require_support_visible(actor, support)
    unknown = set(values) - set(SUPPORT_FIELDS)
    if unknown:
        raise SupportInvalid({name: _("Not a field of an assignment.")
                              for name in sorted(unknown)})
    if support.ended_on is not None:
        raise SupportInvalid({"ended_on": _("This assignment has ended.")})
    before = audit.snapshot(support, SUPPORT_FIELDS)
    for name, value in values.items():
        setattr(support, name, _text(value) if name in ("dealer_superior", "trainee_name",
                                                        "notes") else value)
    if support.trainee_qualified_on is not None and not support.trainee_name:
        raise SupportInvalid({"trainee_name": _("Name the business manager who qualified.")})
    support.save()
    changes = audit.diff(before, audit.snapshot(support, SUPPORT_FIELDS))
    if changes:
        audit.record(actor=actor, target=support, subject=support.dealer,
                     event="dealer_support.updated", data=changes)
    return support


@transaction.atomic
def support_report_add(*, actor: Any, support: DealerSupport, month: datetime.date,
                       summary: str, at: datetime.datetime | None = None
                       ) -> DealerSupportReport:
    """File the monthly report to HQ for a month (R-DS-02): by the person seconded, or by
    staff who keep the assignment. One report per month; not for a month to come.

    Raises SupportInvalid or NotAllowed.
    """
    if actor is None or (actor.pk != support.user_id
                         and not actor.has_perm("service.change_need")):
        raise NotAllowed(_("Your role may not do this."))
    support = _support_locked(support)
    if actor.pk != support.user_id:
        _require_support_visible(actor, support)
    at = at or timezone.now()
    month = month.replace(day=1)
    errors: dict[str, str] = {}
    if month > timezone.localtime(at).date().replace(day=1):
        errors["month"] = _("A month to come cannot be reported yet.")
    elif month < support.started_on.replace(day=1) or (
            support.ended_on is not None and month > support.ended_on):
        errors["month"] = _("The assignment did not run in that month.")
    if not _text(summary):
        errors["summary"] = _("Write the report.")
    if not errors and support.reports.filter(month=month).exists():
        errors["month"] = _("That month has been reported already.")
    if errors:
        raise SupportInvalid(errors)
    report = DealerSupportReport.objects.create(support=support, month=month,
                                                summary=_text(summary), submitted_by=actor,
                                                submitted_at=at)
    audit.record(actor=actor, target=support, subject=support.dealer,
                 event="dealer_support.reported", data={"month": f"{month:%Y-%m}"})
    return report


@transaction.atomic
def support_end(*, actor: Any, support: DealerSupport, ended_on: datetime.date,
                note: str = "") -> DealerSupport:
    """End an assignment on a date. A seconded manager's ends only once the business
    manager he developed is qualified and the dealer's sales are stable (R-DS-04), and
    with a word on how it went.

    Raises SupportCannotEnd, SupportInvalid or NotAllowed.
    """
    _require(actor, "service.change_need")
    support = _support_locked(support)
    _require_support_visible(actor, support)
    if support.ended_on is not None:
        raise SupportInvalid({"ended_on": _("This assignment has ended already.")})
    if ended_on is None or ended_on < support.started_on:
        raise SupportInvalid({"ended_on": _("The end cannot be before the start.")})
    note = _text(note)
    if support.role == SupportRole.SECONDED_MANAGER:
        missing = []
        if support.trainee_qualified_on is None:
            missing.append(_("the business manager he develops is not qualified yet"))
        if not support.sales_stable:
            missing.append(_("the dealer's sales are not marked stable"))
        if missing:
            raise SupportCannotEnd(_("The seconded manager cannot leave yet: %(why)s.")
                                   % {"why": "; ".join(missing)})
        if not note:
            raise SupportInvalid({"note": _("Say how the assignment went.")})
    support.ended_on = ended_on
    support.end_note = note
    support.save()
    audit.record(actor=actor, target=support, subject=support.dealer,
                 event="dealer_support.ended", data={"ended_on": ended_on, "note": note})
    return support


# -- start-up ---------------------------------------------------------------------------------

def register() -> None:
    """Add the needs panel to the dealer page and the registry's audit labels. Safe to call
    more than once (ServiceConfig.ready is the place; the pages call it on import too)."""
    from qudao.core.audit import event_labels_add
    from qudao.dealers.panels import Panel
    from qudao.dealers.panels import register as panel_register

    panel_register(Panel("needs", "qudao.service.needs.dealer_panel",
                         "service/needs/_dealer_panel.html", "service.view_need", order=32,
                         as_name="needs_panel"))
    event_labels_add({
        "need.recorded": _lazy("Need recorded"),
        "need.updated": _lazy("Need edited"),
        "need.status_changed": _lazy("Need status changed"),
        "need.attached": _lazy("Need grouped into a common need"),
        "need.detached": _lazy("Need taken out of its common need"),
        "need.confirmed": _lazy("Dealer confirmed the need is met"),
        "need.not_satisfied": _lazy("Dealer says the need is not met"),
        "common_need.created": _lazy("Common need started"),
        "common_need.updated": _lazy("Common need edited"),
        "common_need.status_changed": _lazy("Common need status changed"),
        "dealer_support.added": _lazy("Support staff assigned"),
        "dealer_support.updated": _lazy("Support assignment updated"),
        "dealer_support.reported": _lazy("Monthly report to HQ filed"),
        "dealer_support.ended": _lazy("Support assignment ended"),
    })
