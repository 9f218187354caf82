"""Demo retail data: store profiles and audits of about thirty terminals (three hundred at
large scale), registration applications in every state with certificates issued (one
about to expire), and store-entry negotiations with a few stores.

Written through the services, so the demo obeys the production rules. Runs after the
dealers (and their reps and managers) exist; it does not need the dealer-month facts.
The qualification conditions, entitlements and audit checklist are the seeded defaults.

Call it as ``retail_demo.run(scale=scale, rng=rng, ctx=ctx)`` (a step "retail" of
demo_data, after dealers and users).
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone

from qudao.accounts.models import User
from qudao.core.exceptions import DomainError
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer
from qudao.retail import services
from qudao.retail.models import ChecklistItem, RetailerProfile
from qudao.retail.queries import visible_retailers
from qudao.territories.models import TerritoryAssignment

AUDITED = {"small": 30, "large": 300}
NEW_STORES = ["万家福便利店", "好又多生活超市", "鑫源副食店", "佳佳乐购物中心", "惠民平价超市",
              "百姓优选超市", "金太阳便利店", "福满多商行"]
STREETS = ["中山路", "建设大街", "人民路", "解放路", "和平路", "胜利街", "新华路", "友谊大街"]
FINDINGS = ["主销产品排面不足，已要求补齐。", "促销堆头按方案布置，效果良好。",
            "价签缺失两处，现场已补。", "店员对新品卖点掌握较好。", "门头灯箱破损，需申请更换。",
            "货架干净整洁，库存充足。"]
TERMS = ["进场费减半，首批铺货20个单品", "要求端架陈列三个月，免收堆头费",
         "年度促销6次，厂家承担一半促销费", "货架费按季度结算，账期45天"]


def _checklist() -> list[ChecklistItem]:
    items = list(ChecklistItem.objects.filter(is_active=True).order_by("position", "id"))
    if not items:  # a flushed database: put the seeded defaults back
        from importlib import import_module

        import_module("qudao.retail.migrations.0002_defaults").install(apps, None)
        items = list(ChecklistItem.objects.filter(is_active=True).order_by("position", "id"))
    return items


def _manager_for(dealer: Dealer) -> User | None:
    """A regional manager covering the dealer's region."""
    path = dealer.territory.path
    for assignment in (TerritoryAssignment.objects.filter(role="manager",
                                                          user__role="regional_manager")
                       .select_related("user", "territory")):
        if path.startswith(assignment.territory.path):
            return assignment.user
    return None


def _auditor(store: Dealer, admin: User) -> User:
    rep = store.assigned_rep
    if rep is not None and rep.role == "sales_rep" and visible_retailers(rep).filter(
            pk=store.pk).exists():
        return rep
    return admin


def _audit(store: Dealer, *, auditor: User, items: list[ChecklistItem], rng: random.Random,
           day: datetime.date, quality: float) -> None:
    scores = []
    for item in items:
        share = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
        scores.append(services.ItemScore(item_id=item.pk, score=round(item.max_score * share)))
    services.audit_create(actor=auditor, retailer=store, audited_on=day, scores=scores,
                          notes=rng.choice(FINDINGS), counterfeit_found=rng.random() < 0.04)


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write the demo profiles, audits, applications, certificates and negotiations."""
    admin = ctx.get("admin") or User.objects.filter(role="hq_admin").first()
    if admin is None:
        return
    items = _checklist()
    today = timezone.localdate()
    terminals = list(Dealer.objects.filter(channel_level=ChannelLevel.TERMINAL,
                                           status=DealerStatus.ACTIVE)
                     .select_related("territory", "assigned_rep", "parent").order_by("code"))
    if not terminals:
        return
    chosen = rng.sample(terminals, min(AUDITED.get(scale, 30), len(terminals)))
    for store in chosen:
        RetailerProfile.objects.update_or_create(retailer=store, defaults={
            "store_area": rng.choice([25, 40, 60, 80, 120, 150, 200]),
            "management_rating": rng.choice([2, 3, 3, 4, 4, 5])})
        auditor = _auditor(store, admin)
        quality = rng.choice([0.55, 0.7, 0.8, 0.9])
        for back in sorted(rng.sample(range(2, 80), rng.randint(1, 3)), reverse=True):
            _audit(store, auditor=auditor, items=items, rng=rng,
                   day=today - datetime.timedelta(days=back), quality=quality)
    _applications(rng=rng, admin=admin, terminals=chosen, today=today)
    _negotiations(rng=rng, admin=admin, today=today)


def _applications(*, rng: random.Random, admin: User, terminals: list[Dealer],
                  today: datetime.date) -> None:
    """New stores under a few dealers, in every state; renewals of audited terminals, one
    certificate of which expires within a month."""
    parents = list(Dealer.objects.filter(channel_level__in=(ChannelLevel.TIER1,
                                                            ChannelLevel.TIER2),
                                         status=DealerStatus.ACTIVE,
                                         assigned_rep__role="sales_rep")
                   .select_related("territory", "assigned_rep").order_by("code")[:40])
    states = ["approved", "approved", "reviewed", "reviewed", "submitted", "submitted",
              "rejected", "submitted"]
    for n, (name, state) in enumerate(zip(NEW_STORES, states, strict=True)):
        if not parents:
            break
        parent = parents[n % len(parents)]
        rep = parent.assigned_rep
        values = {"store_name": f"{parent.territory.name[:2]}{name}",
                  "address": f"{parent.territory.name}{rng.choice(STREETS)}"
                             f"{rng.randint(1, 300)}号",
                  "territory": parent.territory, "parent": parent,
                  "contact_name": rng.choice(["王", "李", "张", "刘", "陈"]) + "店长",
                  "phone": f"139{rng.randint(10000000, 99999999)}",
                  "store_area": rng.choice([30, 50, 80, 120]),
                  "staff_count": rng.randint(2, 8), "management_rating": rng.randint(2, 5),
                  "retailer_type": rng.choice(["authorized", "cooperating", "exclusive"]),
                  "business_categories": "食品饮料、日用百货", "terms_accepted": True}
        _walk(values=values, state=state, rep=rep, approver=_manager_for(parent) or admin,
              retailer=None, valid_from=None)
    for n, store in enumerate(terminals[:4]):
        rep = store.assigned_rep if store.assigned_rep and store.assigned_rep.role == \
            "sales_rep" else None
        if rep is None or not visible_retailers(rep).filter(pk=store.pk).exists():
            continue
        profile = RetailerProfile.objects.filter(retailer=store).first()
        values = {"store_name": store.name, "address": store.address or store.territory.name,
                  "territory": store.territory, "parent": store.parent,
                  "contact_name": "店长", "phone": store.phone or "13900000000",
                  "store_area": (profile.store_area if profile else None) or 60,
                  "staff_count": store.staff_count or 3,
                  "management_rating": (profile.management_rating if profile else None) or 3,
                  "retailer_type": store.retailer_type or "authorized",
                  "terms_accepted": True}
        # The first renewal dates from eleven months ago: its certificate is about to expire.
        valid_from = today - datetime.timedelta(days=345) if n == 0 else None
        _walk(values=values, state="approved", rep=rep,
              approver=_manager_for(store) or admin, retailer=store, valid_from=valid_from)


def _walk(*, values: dict, state: str, rep: User, approver: User, retailer: Dealer | None,
          valid_from: datetime.date | None) -> None:
    try:
        application = services.application_submit(actor=rep, values=values,
                                                  retailer=retailer)
    except DomainError:  # a rep looking after a dealer outside his own territories
        return
    if state == "submitted":
        return
    if state == "rejected":
        services.application_review(actor=rep, application=application, accept=False,
                                    note="门店面积与人员不满足申请类型要求")
        return
    services.application_review(actor=rep, application=application, accept=True,
                                note="实地查看，资料属实")
    if state == "approved":
        services.application_decide(actor=approver, application=application, approve=True,
                                    grade="C", valid_from=valid_from)


def _negotiations(*, rng: random.Random, admin: User, today: datetime.date) -> None:
    """Two or three rounds with each of a few key-account stores (terminals if none)."""
    stores = list(Dealer.objects.filter(channel_level=ChannelLevel.KEY_ACCOUNT,
                                        status=DealerStatus.ACTIVE).order_by("code")[:3])
    if not stores:
        stores = list(Dealer.objects.filter(channel_level=ChannelLevel.TERMINAL,
                                            status=DealerStatus.ACTIVE).order_by("-code")[:3])
    for store in stores:
        rounds = rng.randint(2, 3)
        for n in range(rounds):
            last = n == rounds - 1
            services.negotiation_add(actor=admin, retailer=store, values={
                "held_on": today - datetime.timedelta(days=(rounds - n) * 12),
                "terms": rng.choice(TERMS),
                "entry_fee": Decimal(rng.choice([5000, 8000, 12000, 20000])),
                "shelf_fee": Decimal(rng.choice([0, 2000, 3000, 6000])),
                "promotion_fee": Decimal(rng.choice([0, 1500, 4000])),
                "outcome": (rng.choice(["agreed", "failed", "pending"]) if last
                            else "pending"),
                "notes": "" if not last else "双方确认条款，待签合同"})
