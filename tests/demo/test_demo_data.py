"""`manage.py demo_data --scale small`: the demo network obeys the production rules."""

import io
import random
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from qudao.accounts import demo as accounts_demo
from qudao.accounts.models import User
from qudao.catalog import demo as catalog_demo
from qudao.catalog.models import Category, PriceLevel, Product, ProductPrice
from qudao.catalog.services import gtin_valid
from qudao.core import demo as gen
from qudao.dealers import demo as dealers_demo
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Contact, Dealer, DealerStatusChange
from qudao.dealers.scoping import visible_dealers
from qudao.dealers.validators import validate_credit_code
from qudao.recruitment.models import Candidate
from qudao.retail.models import Application
from qudao.territories import demo as territories_demo

LEVELS = [PriceLevel.TIER1, PriceLevel.TIER2, PriceLevel.TERMINAL, PriceLevel.RETAIL]


def _province_path(dealer: Dealer) -> str:
    return dealer.territory.path[:8]  # region (4) + province (4) in treebeard's path


@pytest.mark.django_db
def test_small_demo_data_is_a_realistic_network_that_obeys_the_rules(client):
    out = io.StringIO()
    call_command("demo_data", scale="small", stdout=out)
    assert "dealer_admin" in out.getvalue()

    # One login per role works with the printed password.
    first_per_role = {}
    for username, role, password in accounts_demo.DEMO_LOGINS:
        first_per_role.setdefault(str(role), (username, password))
    assert len(first_per_role) == 8
    for username, password in first_per_role.values():
        assert client.login(username=username, password=password), username
        client.logout()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == "hq_admin"
    assert all(u.full_name for u in User.objects.all())

    # The dealer portal users work for an active tier-1 in 石家庄.
    dealer = User.objects.get(username="dealer_admin").dealer
    assert dealer.code == "QD-HB-0001" and dealer.name == "石家庄恒顺商贸有限公司"
    assert dealer.channel_level == ChannelLevel.TIER1 and dealer.status == DealerStatus.ACTIVE
    assert dealer.territory.code == "130100"
    assert User.objects.get(username="dealer_staff").dealer == dealer

    # Counts as specified: the network the dealers step builds (coded by region); the later
    # steps add the dealer of the accepted candidate and the stores whose registration was
    # approved (numbered by the system), and nothing else.
    levels = defaultdict(int)
    network = set()
    for pk, code, level in Dealer.objects.values_list("pk", "code", "channel_level"):
        if re.fullmatch(r"[A-Z]{2}-[A-Z]{2}-\d+", code):
            levels[level] += 1
            network.add(pk)
    assert levels == {"tier1": 30, "tier2": 70, "terminal": 100}
    added = set(Dealer.objects.exclude(pk__in=network).values_list("pk", flat=True))
    recruited = set(Candidate.objects.exclude(dealer=None).values_list("dealer_id", flat=True))
    registered = set(Application.objects.filter(status="approved")
                     .values_list("retailer_id", flat=True))
    assert recruited and recruited <= added <= recruited | registered
    assert Product.objects.count() == 300
    assert Category.objects.filter(numchild=0).count() >= 15

    # The tree: tier-2 under a tier-1 of its province, terminals under a tier-2 or tier-1.
    dealers = list(Dealer.objects.select_related("parent__territory", "territory"))
    for d in dealers:
        if d.channel_level == ChannelLevel.TIER1:
            assert d.parent is None
            continue
        allowed = {"tier1"} if d.channel_level == ChannelLevel.TIER2 else {"tier1", "tier2"}
        assert d.parent.channel_level in allowed
        assert _province_path(d.parent) == _province_path(d)
        assert (d.retailer_type != "") == (d.channel_level == ChannelLevel.TERMINAL)
    assert sum(d.parent is not None and d.parent.channel_level == "tier2" for d in dealers) > 60

    # Every credit code of the network is valid (a recruited dealer or a registered store
    # gives it during onboarding); every non-prospect has its status history with reasons.
    for d in dealers:
        if d.pk in network or d.credit_code:
            validate_credit_code(d.credit_code)
    with_history = set(DealerStatusChange.objects.values_list("dealer_id", flat=True))
    for d in dealers:
        if d.status != DealerStatus.PROSPECT:
            assert d.pk in with_history, d.code
        if d.status == DealerStatus.TERMINATED:
            assert d.exit_reason
    assert not DealerStatusChange.objects.filter(reason="").exists()
    statuses = {d.status for d in dealers}
    assert {"active", "onboarding", "probation", "terminated"} <= statuses

    # Contacts: 2-3 per tier-1/tier-2 of the network, one per terminal and per dealer added
    # later (the lead's or the applicant store's contact), one primary each.
    contacts = defaultdict(list)
    for dealer_id, primary in Contact.objects.values_list("dealer_id", "is_primary"):
        contacts[dealer_id].append(primary)
    for d in dealers:
        low, high = ((1, 1) if d.channel_level == ChannelLevel.TERMINAL or d.pk not in network
                     else (2, 3))
        assert low <= len(contacts[d.pk]) <= high and sum(contacts[d.pk]) == 1

    # The personas see data: reps cover their province's dealers, the manager all of 华北.
    rep = User.objects.get(username="rep_hebei")
    manager = User.objects.get(username="manager_north")
    hebei = [d for d in dealers if d.territory.path.startswith(dealer.territory.path[:8])]
    assert all(d.assigned_rep == rep for d in hebei)
    assert visible_dealers(rep).count() == len(hebei) >= 30
    assert visible_dealers(manager).count() > len(hebei)

    # Products: valid EAN-13s with the Chinese prefix; prices ordered by level.
    barcodes = list(Product.objects.values_list("barcode", flat=True))
    assert len(set(barcodes)) == len(barcodes)
    assert all(gtin_valid(b) and len(b) == 13 and b.startswith("69") for b in barcodes)
    periods = defaultdict(list)
    for price in ProductPrice.objects.order_by("valid_from"):
        assert isinstance(price.unit_price, Decimal)
        periods[(price.product_id, price.level)].append(price)
    assert len({product for product, _level in periods}) == 300
    changed = 0
    for product in Product.objects.all():
        current = [periods[(product.pk, level)][-1].unit_price for level in LEVELS]
        assert current == sorted(current) and len(set(current)) == 4, product.sku
    # No two periods of one SKU and level overlap; a change closes the old price the day before.
    for rows in periods.values():
        assert rows[-1].valid_to is None
        for old, new in zip(rows, rows[1:], strict=False):
            assert old.valid_to is not None and old.valid_to < new.valid_from
            changed += 1
    assert 40 <= changed <= 240  # ~10% of SKUs changed price at all four levels

    # Deterministic: the plan regenerated from the same seed is what was written.
    provinces = territories_demo.province_tree()
    plan = dealers_demo.NetworkPlan(rng=random.Random("2026:dealers"), scale="small",
                                    provinces=provinces)
    written = {d.code: (d.name, d.credit_code) for d in dealers
               if d.channel_level == "tier1" and d.pk in network}
    assert {s.code: (s.values["name"], s.values["credit_code"]) for s in plan.tier1()} == written

    # Running again leaves the data as it is.
    count = Dealer.objects.count()
    out = io.StringIO()
    call_command("demo_data", scale="small", stdout=out)
    assert "already present" in out.getvalue()
    assert Dealer.objects.count() == count == 200 + len(added)


def test_generators_are_deterministic_and_valid():
    def sample(seed):
        rng = random.Random(seed)
        return [
            (gen.person_name(rng), gen.company_name(rng, place="石家庄"), gen.mobile(rng),
             gen.credit_code_body(rng, division="130100"), gen.address(rng, city="石家庄市"))
            for _ in range(20)
        ]

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)
    plan_a = catalog_demo.product_plan(rng=random.Random(3), count=50)
    plan_b = catalog_demo.product_plan(rng=random.Random(3), count=50)
    assert plan_a == plan_b
    for spec in plan_a:
        assert spec.prices["tier1"] < spec.prices["tier2"] < spec.prices["terminal"]
        assert spec.prices["terminal"] < spec.prices["retail"]
    for number in sample(7):
        assert number[2][:2] in {"13", "15", "18"} and len(number[2]) == 11
    assert gen.place_prefix("延边朝鲜族自治州") == "延边"
    assert gen.place_prefix("东城区", province="北京市") == "北京"
    assert gen.place_prefix("石家庄市") == "石家庄"
    assert sum(gen.weighted_counts(1000, {"a": 3, "b": 5, "c": 7}).values()) == 1000
