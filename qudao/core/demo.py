"""Generators for realistic demo records: names, companies, phones, codes, addresses.

Pure functions: each takes a `random.Random` (or plain values) and touches no database, so
the same seed always yields the same demo network. The apps' `demo.py` modules use them.
"""

import random
from bisect import bisect_right
from decimal import Decimal
from itertools import accumulate
from typing import Any

# Surnames roughly in order of frequency; the weights below favour the common ones.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
)
_SURNAME_CUM = list(accumulate(max(1, 40 - i // 2) for i in range(len(SURNAMES))))
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁建国志海峰亮东林文浩宇俊凯"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳颖慧晶红梅洁琴莉兰萍倩佳蕾月"
GIVEN_MIDDLE = "建志永国晓海春文立俊德秀丽雪小红玉金明世子"

# Two characters from this list make a plausible trade name (字号): 恒顺, 鑫达, 华盛 ...
TRADE_CHARS = "恒顺鑫达华盛金宏永兴瑞丰德润嘉隆源泰昌富万福祥安康和通利佳信广汇聚诚益鼎旺新天宝"
COMPANY_INDUSTRIES = ["商贸", "商贸", "商贸", "食品", "食品", "贸易", "贸易", "商行", "供应链"]
SHOP_KINDS = ["超市", "超市", "便利店", "便利店", "副食店", "食杂店", "购物广场", "烟酒商行",
              "生活超市", "批发部"]
ROADS = ["中山路", "人民路", "解放路", "建设大街", "和平路", "胜利街", "新华路", "友谊大街",
         "光明路", "工业路", "长江路", "黄河路", "文化路", "朝阳路", "东风路", "北京路", "体育大街",
         "育才街", "青年路", "民主路", "复兴路", "跃进路", "南环路", "北环路", "滨河路", "车站路"]
MARKETS = ["食品批发市场", "农副产品物流园", "商贸城", "副食品批发城", "国际商贸物流港"]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "招商银行",
         "中国邮政储蓄银行", "兴业银行", "中信银行", "浦发银行"]
ETHNIC_MARKERS = ["朝鲜族", "土家族", "苗族", "侗族", "布依族", "藏族", "羌族", "彝族", "哈尼族",
                  "壮族", "傣族", "景颇族", "傈僳族", "白族", "回族", "蒙古", "黎族", "柯尔克孜",
                  "哈萨克"]
PLACE_SUFFIXES = ["自治州", "自治县", "地区", "林区", "盟", "市", "县", "区"]
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# Mobile number prefixes of the three carriers (13x, 15x, 18x; 154 is not issued).
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [f"15{d}" for d in range(10) if d != 4] + [
    f"18{d}" for d in range(10)]

# GB 32100 credit codes and GB 11714 organisation codes.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class Mix:
    """Values with weights, prepared once for many weighted draws."""

    def __init__(self, pairs: list[tuple[Any, int]]) -> None:
        self.values = [value for value, _weight in pairs]
        self.cum = list(accumulate(weight for _value, weight in pairs))

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cum, rng.random() * self.cum[-1])]


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A Chinese full name: a common surname and a one- or two-character given name."""
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
    if female is None:
        female = rng.random() < 0.4
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    if rng.random() < 0.35:
        return surname + rng.choice(pool)
    return surname + rng.choice(GIVEN_MIDDLE) + rng.choice(pool)


def place_prefix(name: str, *, province: str = "") -> str:
    """The short place name used in company names: 石家庄市 -> 石家庄, 延边朝鲜族自治州 -> 延边.

    A district of a municipality (北京市 东城区) gives the municipality (北京).
    """
    if province in MUNICIPALITIES:
        return province[:-1]
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    cuts = [name.find(marker) for marker in ETHNIC_MARKERS if name.find(marker) >= 2]
    return name[: min(cuts)] if cuts else name


def trade_name(rng: random.Random) -> str:
    """A two-character trade name (字号) such as 恒顺 or 鑫达."""
    first, second = rng.sample(TRADE_CHARS, 2)
    return first + second


def company_name(rng: random.Random, *, place: str) -> tuple[str, str]:
    """A distributor's registered name and short name: ("石家庄恒顺商贸有限公司", "恒顺商贸")."""
    trade = trade_name(rng)
    industry = rng.choice(COMPANY_INDUSTRIES)
    return f"{place}{trade}{industry}有限公司", f"{trade}{industry}"


def shop_name(rng: random.Random, *, place: str) -> tuple[str, str]:
    """A retail terminal's name and short name: ("石家庄万福超市(中山路店)", "万福超市")."""
    kind = rng.choice(SHOP_KINDS)
    roll = rng.random()
    if roll < 0.25:
        surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
        short = f"{surname}记{kind}"
        return f"{place}{short}", short
    short = f"{trade_name(rng)}{kind}"
    if roll < 0.6:
        return f"{short}({rng.choice(ROADS)}店)", short
    return f"{place}{short}", short


def mobile(rng: random.Random) -> str:
    """A mainland mobile number: 13x, 15x or 18x and eight digits."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def qq_email(rng: random.Random) -> str:
    """The QQ mail address many small businesses use."""
    return f"{rng.randint(10**7, 3 * 10**9)}@qq.com"


def address(rng: random.Random, *, city: str, province: str = "") -> str:
    """A street address in a city: 石家庄市中山路128号 or 石家庄市食品批发市场B区18号."""
    head = province + city if province in MUNICIPALITIES else city
    if rng.random() < 0.2:
        return f"{head}{rng.choice(MARKETS)}{rng.choice('ABCDEFG')}区{rng.randint(1, 120)}号"
    road = rng.choice(ROADS)
    if rng.random() < 0.3:
        road += rng.choice(["东段", "西段", "南段", "北段"])
    return f"{head}{road}{rng.randint(1, 399)}号"


def near(rng: random.Random, *, latitude: Decimal | None, longitude: Decimal | None,
         spread: int = 120_000) -> tuple[Decimal | None, Decimal | None]:
    """A point within about `spread` millionths of a degree (default ≈ 13 km) of a city."""
    if latitude is None or longitude is None:
        return None, None
    step = Decimal("0.000001")
    lat = Decimal(latitude) + rng.randint(-spread, spread) * step
    lng = Decimal(longitude) + rng.randint(-spread, spread) * step
    return lat.quantize(step), lng.quantize(step)


def org_code_check_char(first8: str) -> str:
    """The check character of a GB 11714 organisation code (its 9th character)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_body(rng: random.Random, *, division: str, individual: bool = False) -> str:
    """The first 17 characters of a unified social credit code (统一社会信用代码).

    9 = registered with market regulation; 1 = enterprise, 2 = individual business; then
    the 6-digit administrative division and a 9-character organisation code ("MA…" as
    issued since 2015, with its own GB 11714 check character). The caller appends the
    GB 32100 check character (qudao.dealers.validators.credit_code_check_char): the kernel
    does not import the dealers app.
    """
    org = "MA" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
    return ("92" if individual else "91") + division[:6] + org + org_code_check_char(org)


def ean13(body12: str) -> str:
    """`body12` followed by its EAN-13 check digit."""
    digits = [int(c) for c in body12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return body12 + str((10 - total % 10) % 10)


def barcode(*, company: int, item: int) -> str:
    """An EAN-13 with the Chinese GS1 prefix 69, a 5-digit company number and a 5-digit item."""
    return ean13(f"69{company % 100000:05d}{item % 100000:05d}")


def bank_account(rng: random.Random, *, place: str) -> tuple[str, str]:
    """A bank branch in the dealer's town and a 19-digit account number."""
    branch = rng.choice(ROADS).rstrip("路街大")
    account = str(rng.randint(1, 9)) + f"{rng.randrange(10**18):018d}"
    return f"{rng.choice(BANKS)}{place}{branch}支行", account


def weighted_counts(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` over the keys in proportion to `weights` (largest remainder, no randomness)."""
    whole = sum(weights.values())
    shares = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(share) for key, share in shares.items()}
    left = total - sum(counts.values())
    for key in sorted(shares, key=lambda k: counts[k] - shares[k])[:left]:
        counts[key] += 1
    return counts
