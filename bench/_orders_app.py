"""The order benchmark's server side: its URL conf (every project URL plus the minimal
order view), the fixture it orders against, and the check of what the run wrote.

Served by gunicorn with DJANGO_SETTINGS_MODULE=_orders_settings (bench/ on the Python path).
Run as a script for the fixture and the check, with DATABASE_URL set to the scratch database:

    python bench/_orders_app.py setup DEALERS PRODUCTS   # prints the fixture as JSON
    python bench/_orders_app.py check                   # prints what the run wrote as JSON
    python bench/_orders_app.py queries TOKEN BODY      # queries of one order per endpoint
"""

import json
import os
import sys
import uuid
from decimal import Decimal

import django
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

if __name__ == "__main__":  # a script: set Django up before the URL conf below is built
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "_orders_settings")
    django.setup()

# The minimal view prices every unit at this, so its orders cost about what the API's do.
MINIMAL_UNIT_PRICE = Decimal("60.00")
CREDIT_LIMIT = Decimal("1000000000.00")  # every order of the run is approved
MINIMAL_PREFIX = "MIN"


@csrf_exempt
def minimal_order(request):
    """The yardstick: the same bearer-token check as the API, then in one transaction lock
    the dealer's credit account, check the available credit, insert one order row and
    reserve its amount. No agreement, product, price or territory check, no lines, no audit.
    """
    from django.db import transaction
    from django.db.models import F
    from django.http import JsonResponse
    from django.utils import timezone

    from qudao.accounts.services import token_authenticate
    from qudao.finance.models import CreditAccount
    from qudao.orders.models import Order

    if request.method != "POST":
        return JsonResponse({"code": "method"}, status=405)
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    user = token_authenticate(key.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return JsonResponse({"code": "unauthenticated"}, status=401)
    if not user.has_perm("orders.add_order") or user.dealer_id is None:
        return JsonResponse({"code": "not_allowed"}, status=403)
    payload = json.loads(request.body)
    quantity = sum(int(line["quantity"]) for line in payload["lines"])
    amount = MINIMAL_UNIT_PRICE * quantity
    now = timezone.now()
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(dealer_id=user.dealer_id)
        if account.limit - account.receivable - account.reserved < amount:
            return JsonResponse({"code": "credit"}, status=409)
        order = Order.objects.create(
            number=f"{MINIMAL_PREFIX}{uuid.uuid4().hex[:16]}", dealer_id=user.dealer_id,
            status="approved", channel="api", ordered_on=timezone.localdate(),
            total_amount=amount, total_quantity=quantity, placed_by=user,
            submitted_at=now, approved_at=now)
        CreditAccount.objects.filter(pk=account.pk).update(reserved=F("reserved") + amount)
    return JsonResponse({"id": order.pk, "number": order.number,
                         "total_amount": str(amount)}, status=201)


urlpatterns = [
    path("bench/minimal-order", minimal_order),
    path("", include("qudao.urls")),
]


def fixture_create(*, dealers: int, products: int) -> dict:
    """Dealers that may order: each in its own city, with an active all-products agreement
    over that city for a term around today, a credit account with a limit no run reaches,
    and a dealer admin holding an API token; products priced at the agreement's level."""
    import datetime
    import random

    from django.db import transaction
    from django.utils import timezone

    from qudao.accounts.models import User
    from qudao.accounts.services import token_create
    from qudao.agreements.models import Agreement
    from qudao.catalog.models import Brand, Category, Product, ProductPrice
    from qudao.dealers.models import Dealer
    from qudao.finance.models import CreditAccount
    from qudao.territories.models import Territory

    today = timezone.localdate()
    rng = random.Random(7)
    with transaction.atomic():
        region = Territory.objects.add_root({"code": "BENCH", "name": "压测大区",
                                             "level": "region"})
        province = Territory.objects.add_child(region, {"code": "BENCH-P", "name": "压测省",
                                                        "level": "province"})
        category = Category.objects.add_root({"code": "BENCH", "name": "压测品类"})
        brand = Brand.objects.create(code="BENCH", name="压测品牌")
        product_ids = []
        for n in range(products):
            product = Product.objects.create(sku=f"BENCH-{n:03d}", name=f"压测饮料{n} 500ml×12",
                                             category=category, brand=brand, unit="箱",
                                             units_per_case=12)
            ProductPrice.objects.create(product=product, level="tier1",
                                        unit_price=Decimal(rng.randrange(2000, 12000)) / 100,
                                        valid_from=today - datetime.timedelta(days=365))
            product_ids.append(product.pk)
        tokens, dealer_ids = [], []
        for n in range(dealers):
            city = Territory.objects.add_child(
                Territory.objects.get(pk=province.pk),
                {"code": f"BENCH-C{n:03d}", "name": f"压测市{n}", "level": "city"})
            dealer = Dealer.objects.create(code=f"BD{n:04d}", name=f"压测商贸有限公司{n}",
                                           channel_level="tier1", status="active",
                                           territory=city)
            agreement = Agreement.objects.create(
                number=f"AG-BENCH-{n:04d}", dealer=dealer, status="active",
                agreement_type="distribution", start_date=today - datetime.timedelta(days=30),
                end_date=today + datetime.timedelta(days=335), all_products=True,
                price_level="tier1", credit_limit=CREDIT_LIMIT, payment_terms_days=30,
                annual_target=Decimal("1200000.00"))
            agreement.territories.set([city])
            CreditAccount.objects.create(dealer=dealer, limit=CREDIT_LIMIT)
            user = User(username=f"bench-dealer-{n}", full_name=f"压测{n}",
                        role="dealer_admin", dealer=dealer)
            user.set_unusable_password()
            user.save()
            _token, key = token_create(user=user, name="bench")
            tokens.append(key)
            dealer_ids.append(dealer.pk)
    return {"tokens": tokens, "dealers": dealer_ids, "products": product_ids}


def run_check() -> dict:
    """What the run wrote: orders per kind and status, orders whose lines do not add up to
    their total, and accounts whose reserve differs from their approved orders' totals."""
    from django.db.models import Count, Q, Sum

    from qudao.finance.models import CreditAccount
    from qudao.orders.models import Order

    orders = Order.objects.all()
    api = orders.exclude(number__startswith=MINIMAL_PREFIX)
    minimal = orders.filter(number__startswith=MINIMAL_PREFIX)
    line_counts = (api.annotate(n=Count("lines"), line_sum=Sum("lines__amount"))
                   .values_list("n", "line_sum", "total_amount"))
    bad_lines = sum(1 for n, line_sum, total in line_counts
                    if not 3 <= n <= 5 or line_sum != total)
    approved = dict(orders.filter(status="approved").values_list("dealer_id")
                    .annotate(total=Sum("total_amount")))
    wrong_reserve = [account.dealer_id for account in CreditAccount.objects.all()
                     if account.reserved != approved.get(account.dealer_id, Decimal("0.00"))]
    return {
        "api_orders": api.count(),
        "api_not_approved": api.filter(~Q(status="approved")).count(),
        "minimal_orders": minimal.count(),
        "api_orders_with_bad_lines": bad_lines,
        "accounts_with_wrong_reserve": wrong_reserve,
        "reserved_total": str(CreditAccount.objects.aggregate(s=Sum("reserved"))["s"]),
    }


def request_queries(*, token: str, body: str) -> dict:
    """Queries of one more order through each endpoint (the token used within the minute,
    as under load, so its last-used stamp is not written again)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, url in (("api", "/api/orders"), ("minimal", "/bench/minimal-order")):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code != 201:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content!r}")
        counts[name] = len(queries.captured_queries)
        if os.environ.get("BENCH_ORDERS_SHOW_QUERIES"):
            for query in queries.captured_queries:
                print(query["sql"][:300], file=sys.stderr)
    return counts


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        result = fixture_create(dealers=int(sys.argv[2]), products=int(sys.argv[3]))
    elif sys.argv[1] == "queries":
        result = request_queries(token=sys.argv[2], body=sys.argv[3])
    else:
        result = run_check()
    print(json.dumps(result))
