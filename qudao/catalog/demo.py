"""Demo catalog: a category tree, brands, SKUs and their price system at all four levels.

Small scale writes through the services (category_create, brand_create, product_create,
price_add); large scale writes the same plan with bulk_create. Leaves nothing in ctx.
"""

import random
import sys
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qudao.catalog import services
from qudao.catalog.models import PriceLevel, Product, ProductPrice, ProductStatus
from qudao.core import demo as gen

SKU_COUNTS = {"small": 300, "large": 5000}
PRICES_FROM = date(2023, 1, 1)  # three full years of order history before today
PRICE_CHANGE_ON = date(2025, 7, 1)
# Each level's price as a share of the limited retail price: tier1 < tier2 < terminal < retail.
LEVEL_SHARES = {PriceLevel.TIER1: Decimal("0.68"), PriceLevel.TIER2: Decimal("0.75"),
                PriceLevel.TERMINAL: Decimal("0.85"), PriceLevel.RETAIL: Decimal("1")}
CENT = Decimal("0.01")
BATCH = 5000

# (code, name, English name)
BRANDS = [("B01", "清泉源"), ("B02", "茶语"), ("B03", "果鲜生"), ("B04", "劲动力"),
          ("B05", "脆乐多"), ("B06", "香满园"), ("B07", "味鼎"), ("B08", "老坛坊"),
          ("B09", "麦香村")]
# Each brand's GS1 company number (after the Chinese prefix 69) for its barcodes.
BRAND_COMPANY = {code: 31520 + i for i, (code, _name) in enumerate(BRANDS)}


@dataclass(frozen=True)
class Leaf:
    """A leaf category and what its SKUs look like."""

    code: str
    name: str
    name_en: str
    brands: tuple[str, ...]
    flavours: tuple[str, ...]
    # (size, unit of one piece, retail cents of one piece low/high, pieces per case options)
    sizes: tuple[tuple[str, str, int, int, tuple[int, ...]], ...]


CATEGORIES: list[tuple[str, str, str, list[Leaf]]] = [
    ("C01", "饮料", "Beverages", [
        Leaf("C0101", "茶饮料", "Tea drinks", ("B02", "B01"),
             ("冰红茶", "绿茶", "茉莉蜜茶", "乌龙茶", "柠檬茶", "大麦茶", "菊花茶"),
             (("500ml", "瓶", 300, 400, (12, 24)), ("1L", "瓶", 500, 650, (6, 12)),
              ("250ml", "盒", 200, 300, (24,)))),
        Leaf("C0102", "果汁", "Fruit juice", ("B03", "B01"),
             ("橙汁", "苹果汁", "葡萄汁", "芒果汁", "桃汁", "山楂汁", "NFC橙汁"),
             (("450ml", "瓶", 350, 500, (12, 24)), ("1L", "瓶", 800, 1200, (6, 12)),
              ("300ml", "瓶", 300, 400, (12, 24)))),
        Leaf("C0103", "包装水", "Bottled water", ("B01",),
             ("饮用天然水", "纯净水", "天然矿泉水", "苏打水", "弱碱性水"),
             (("550ml", "瓶", 150, 250, (24,)), ("380ml", "瓶", 120, 200, (24,)),
              ("1.5L", "瓶", 300, 400, (12,)), ("4L", "桶", 600, 900, (6,)))),
        Leaf("C0104", "碳酸饮料", "Carbonated drinks", ("B04", "B03"),
             ("可乐", "柠檬味汽水", "橙味汽水", "无糖气泡水", "荔枝味汽水"),
             (("330ml", "罐", 250, 350, (24,)), ("500ml", "瓶", 300, 400, (12, 24)),
              ("2L", "瓶", 550, 700, (6,)))),
        Leaf("C0105", "功能饮料", "Energy drinks", ("B04",),
             ("维生素饮料", "能量饮料", "电解质水", "牛磺酸饮料"),
             (("250ml", "罐", 450, 650, (24,)), ("500ml", "瓶", 500, 700, (12, 24)))),
        Leaf("C0106", "乳饮料", "Milk drinks", ("B03", "B02"),
             ("乳酸菌饮品", "核桃乳", "椰子汁", "花生奶"),
             (("250ml", "盒", 200, 400, (12, 24)), ("1L", "瓶", 900, 1300, (6,)))),
    ]),
    ("C02", "休闲食品", "Snacks", [
        Leaf("C0201", "饼干", "Biscuits", ("B05", "B09"),
             ("苏打饼干", "夹心饼干", "消化饼干", "薄脆饼干", "黄油曲奇"),
             (("100g", "袋", 350, 600, (20, 24)), ("200g", "盒", 600, 1000, (12, 20)),
              ("400g", "盒", 1200, 1800, (6, 12)))),
        Leaf("C0202", "膨化食品", "Puffed snacks", ("B05",),
             ("原味薯片", "番茄味薯片", "鲜虾条", "玉米卷", "麻辣锅巴"),
             (("70g", "袋", 450, 700, (20, 24)), ("150g", "袋", 800, 1200, (12, 20)))),
        Leaf("C0203", "坚果炒货", "Nuts and seeds", ("B06",),
             ("每日坚果", "五香瓜子", "焦糖瓜子", "开心果", "碧根果", "盐焗花生"),
             (("160g", "袋", 1200, 2500, (12, 20)), ("500g", "罐", 2500, 6000, (6,)))),
        Leaf("C0204", "糖果", "Candy", ("B05", "B06"),
             ("水果硬糖", "牛奶糖", "水果软糖", "薄荷糖"),
             (("100g", "袋", 400, 800, (20, 24)), ("250g", "袋", 900, 1500, (12, 20)))),
    ]),
    ("C03", "调味品", "Condiments", [
        Leaf("C0301", "酱油", "Soy sauce", ("B07", "B08"),
             ("生抽", "老抽", "特级生抽", "零添加酱油", "蒸鱼豉油"),
             (("500ml", "瓶", 600, 1200, (12, 20)), ("800ml", "瓶", 900, 1500, (12,)),
              ("1.9L", "瓶", 1800, 3000, (6,)))),
        Leaf("C0302", "醋", "Vinegar", ("B08", "B07"),
             ("老陈醋", "香醋", "米醋", "白醋", "饺子醋"),
             (("420ml", "瓶", 400, 800, (12, 20)), ("800ml", "瓶", 700, 1200, (12,)))),
        Leaf("C0303", "料酒", "Cooking wine", ("B08", "B07"),
             ("料酒", "黄酒料酒", "葱姜料酒"),
             (("500ml", "瓶", 400, 800, (12, 20)), ("1.75L", "瓶", 1200, 2000, (6,)))),
        Leaf("C0304", "蚝油", "Oyster sauce", ("B07",),
             ("蚝油", "鲜蚝油", "零添加蚝油"),
             (("260g", "瓶", 500, 800, (12, 24)), ("700g", "瓶", 900, 1500, (12,)))),
    ]),
    ("C04", "方便食品", "Convenience food", [
        Leaf("C0401", "方便面", "Instant noodles", ("B09",),
             ("红烧牛肉面", "老坛酸菜面", "香辣牛肉面", "番茄鸡蛋面", "鲜虾鱼板面"),
             (("105g", "袋", 300, 450, (24,)), ("桶装120g", "桶", 450, 650, (12,)),
              ("五连包", "袋", 1200, 1600, (6,)))),
    ]),
]
# Packaging variants that tell SKUs of one brand, flavour and size apart at large scale.
VARIANTS = ["", "(新包装)", "(促销装)", "(家庭装)", "(礼盒装)", "(量贩装)", "(清爽版)",
            "(经典版)"]


@dataclass
class ProductSpec:
    """One SKU to create, with its prices from PRICES_FROM and perhaps from PRICE_CHANGE_ON."""

    sku: str
    name: str
    spec: str
    category: str
    brand: str
    unit: str
    units_per_case: int
    order_multiple: int
    barcode: str
    status: str
    prices: dict[str, Decimal]
    new_prices: dict[str, Decimal] | None


def level_prices(retail: Decimal, rng: random.Random) -> dict[str, Decimal]:
    """Prices at every level from the retail price, each within ±1% of its share."""
    prices = {}
    for level, share in LEVEL_SHARES.items():
        jitter = Decimal(1000 + rng.randint(-10, 10)) / 1000 if share < 1 else Decimal(1)
        prices[level] = (retail * share * jitter).quantize(CENT, ROUND_HALF_UP)
    return prices


def product_plan(*, rng: random.Random, count: int) -> list[ProductSpec]:
    """`count` SKUs over the leaf categories, the same for the same seed."""
    # A SKU sold by the case per case size (…500ml×12, …500ml×24), and one sold by the piece
    # (…500ml); a name repeats only with another packaging variant.
    combos = [
        (leaf, brand, flavour, size, per_case)
        for _code, _name, _en, leaves in CATEGORIES for leaf in leaves
        for brand in leaf.brands for flavour in leaf.flavours for size in leaf.sizes
        for per_case in (*size[4], None)
    ]
    rng.shuffle(combos)
    brand_names = dict(BRANDS)
    plan: list[ProductSpec] = []
    for n in range(1, count + 1):
        leaf, brand, flavour, size_spec, per_case = combos[(n - 1) % len(combos)]
        size, piece, low, high, cases = size_spec
        variant = VARIANTS[((n - 1) // len(combos)) % len(VARIANTS)]
        by_case = per_case is not None
        per_case = per_case or rng.choice(cases)
        piece_cents = (rng.randint(low, high) + 25) // 50 * 50  # retail prices end in .00/.50
        if by_case:
            retail = Decimal(piece_cents * per_case // 100)  # whole yuan per case
            unit, spec = "箱", f"{size}×{per_case}"
        else:
            retail = Decimal(piece_cents) / 100
            unit, spec = piece, size
        retail = retail.quantize(CENT)
        roll = rng.random()
        status = (ProductStatus.ACTIVE if roll < 0.9
                  else ProductStatus.DISCONTINUED if roll < 0.97 else ProductStatus.DRAFT)
        prices = level_prices(retail, rng)
        new_prices = None
        if rng.random() < 0.1:
            rise = Decimal(100 + rng.randint(3, 8)) / 100
            new_prices = level_prices((retail * rise).quantize(CENT, ROUND_HALF_UP), rng)
        plan.append(ProductSpec(
            sku=f"SKU-{n:06d}", name=f"{brand_names[brand]}{flavour}{variant} {spec}",
            spec=f"{size}×{per_case}", category=leaf.code, brand=brand, unit=unit,
            units_per_case=per_case, order_multiple=1 if by_case else per_case,
            barcode=gen.barcode(company=BRAND_COMPANY[brand], item=n),
            status=status, prices=prices, new_prices=new_prices,
        ))
    return plan


def _categories_and_brands(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    categories: dict[str, Any] = {}
    for code, name, name_en, leaves in CATEGORIES:
        root = services.category_create(actor=actor, code=code, name=name, name_en=name_en)
        for leaf in leaves:
            # treebeard needs the parent as it is now (numchild grows with every child).
            root.refresh_from_db()
            categories[leaf.code] = services.category_create(
                actor=actor, code=leaf.code, name=leaf.name, name_en=leaf.name_en, parent=root)
    brands = {code: services.brand_create(actor=actor, code=code, name=name)
              for code, name in BRANDS}
    return categories, brands


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Create categories and brands through the services, then the SKUs and their prices."""
    actor = ctx["admin"]
    categories, brands = _categories_and_brands(actor)
    plan = product_plan(rng=rng, count=SKU_COUNTS[scale])
    if scale == "large":
        _bulk(plan, categories=categories, brands=brands, actor=actor)
        return
    for spec in plan:
        product = services.product_create(actor=actor, values={
            "sku": spec.sku, "name": spec.name, "spec": spec.spec,
            "category": categories[spec.category], "brand": brands[spec.brand],
            "unit": spec.unit, "units_per_case": spec.units_per_case,
            "order_multiple": spec.order_multiple, "barcode": spec.barcode,
            "status": spec.status,
        })
        for level, price in spec.prices.items():
            services.price_add(actor=actor, product=product, level=level, unit_price=price,
                               valid_from=PRICES_FROM)
        for level, price in (spec.new_prices or {}).items():
            # price_add closes the open price the day before (2025-06-30).
            services.price_add(actor=actor, product=product, level=level, unit_price=price,
                               valid_from=PRICE_CHANGE_ON)


def _bulk(plan: list[ProductSpec], *, categories: dict[str, Any], brands: dict[str, Any],
          actor: Any) -> None:
    """The same plan with bulk_create: valid barcodes, unique SKUs, non-overlapping periods.

    No audit events at this scale (one "product.created" per SKU would double the rows).
    """
    from tqdm import tqdm

    progress = tqdm(total=len(plan), desc="products", unit="sku", file=sys.stderr)
    closed = date.fromordinal(PRICE_CHANGE_ON.toordinal() - 1)
    for start in range(0, len(plan), BATCH):
        batch = plan[start:start + BATCH]
        Product.objects.bulk_create([
            Product(sku=s.sku, name=s.name, spec=s.spec, category=categories[s.category],
                    brand=brands[s.brand], unit=s.unit, units_per_case=s.units_per_case,
                    order_multiple=s.order_multiple,
                    barcode=s.barcode, status=s.status)
            for s in batch
        ], batch_size=BATCH)
        ids = dict(Product.objects.filter(sku__in=[s.sku for s in batch])
                   .values_list("sku", "pk"))
        prices = []
        for s in batch:
            for level, price in s.prices.items():
                prices.append(ProductPrice(
                    product_id=ids[s.sku], level=level, unit_price=price, valid_from=PRICES_FROM,
                    valid_to=closed if s.new_prices else None, created_by=actor))
            for level, price in (s.new_prices or {}).items():
                prices.append(ProductPrice(
                    product_id=ids[s.sku], level=level, unit_price=price,
                    valid_from=PRICE_CHANGE_ON, created_by=actor))
        ProductPrice.objects.bulk_create(prices, batch_size=BATCH)
        progress.update(len(batch))
    progress.close()
