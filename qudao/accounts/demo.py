"""Demo people: one login per role, plus a manager per 大区 and reps for some provinces.

`run` creates the staff (before the territories exist) and leaves in ctx: "admin" (the
actor of every later demo write), "users" by user name, and "assignments" for
territories.demo to apply. `dealer_users_run` comes last and ties the two portal users to
the dealer dealers.demo picked for them (ctx["portal_dealer"]).
"""

import random
from typing import Any

from django.contrib.auth.hashers import make_password

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.core import demo as gen

PASSWORD = "qudao2026"

# (user name, role, full name, territory code covered, as) - the territory is None for
# company-wide roles. Codes are those of territories/data/china_regions.json.
STAFF: list[tuple[str, str, str, str | None, str | None]] = [
    ("admin", Role.HQ_ADMIN, "陈思远", None, None),
    ("director", Role.SALES_DIRECTOR, "刘志强", None, None),
    ("manager_north", Role.REGIONAL_MANAGER, "赵建国", "HB", "manager"),
    ("rep_hebei", Role.SALES_REP, "孙磊", "130000", "rep"),
    ("finance", Role.FINANCE, "吴敏", None, None),
    ("service", Role.CUSTOMER_SERVICE, "郑晓燕", None, None),
    ("manager_east", Role.REGIONAL_MANAGER, "周海峰", "HD", "manager"),
    ("manager_northeast", Role.REGIONAL_MANAGER, "高立军", "DB", "manager"),
    ("manager_central", Role.REGIONAL_MANAGER, "何文斌", "HZ", "manager"),
    ("manager_south", Role.REGIONAL_MANAGER, "梁俊杰", "HN", "manager"),
    ("manager_southwest", Role.REGIONAL_MANAGER, "罗德明", "XN", "manager"),
    ("manager_northwest", Role.REGIONAL_MANAGER, "马永刚", "XB", "manager"),
    ("rep_beijing", Role.SALES_REP, "杨帆", "110000", "rep"),
    ("rep_shanxi", Role.SALES_REP, "郭鹏", "140000", "rep"),
    ("rep_shandong", Role.SALES_REP, "王浩", "370000", "rep"),
    ("rep_zhejiang", Role.SALES_REP, "徐静", "330000", "rep"),
    ("rep_jiangsu", Role.SALES_REP, "朱晓东", "320000", "rep"),
    ("rep_henan", Role.SALES_REP, "韩志伟", "410000", "rep"),
    ("rep_guangdong", Role.SALES_REP, "黄嘉欣", "440000", "rep"),
    ("rep_sichuan", Role.SALES_REP, "唐小红", "510000", "rep"),
    ("rep_liaoning", Role.SALES_REP, "冯宇", "210000", "rep"),
    ("rep_shaanxi", Role.SALES_REP, "董亮", "610000", "rep"),
]
# The portal users of the dealer dealers.demo names 石家庄恒顺商贸有限公司 (QD-HB-0001).
DEALER_USERS: list[tuple[str, str, str]] = [
    ("dealer_admin", Role.DEALER_ADMIN, "王建军"),
    ("dealer_staff", Role.DEALER_STAFF, "李娜"),
]

# What the command prints after a run: (user name, role label, password).
DEMO_LOGINS: list[tuple[str, Any, str]] = [
    (username, Role(role).label, PASSWORD) for username, role, *_rest in STAFF
] + [(username, Role(role).label, PASSWORD) for username, role, _name in DEALER_USERS]


def _password_hash(ctx: dict[str, Any]) -> str:
    # One hash for every demo user: PBKDF2 is deliberately slow (~0.3 s a call).
    if "password_hash" not in ctx:
        ctx["password_hash"] = make_password(PASSWORD)
    return ctx["password_hash"]


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Create the manufacturer's staff; the admin is also a Django superuser."""
    users: dict[str, User] = ctx.setdefault("users", {})
    assignments: list[tuple[str, str, str]] = ctx.setdefault("assignments", [])
    for username, role, full_name, territory_code, assignment_role in STAFF:
        is_admin = role == Role.HQ_ADMIN
        users[username] = User.objects.create(
            username=username, full_name=full_name, role=role, phone=gen.mobile(rng),
            email=f"{username}@qudao.example.com", password=_password_hash(ctx),
            is_staff=is_admin, is_superuser=is_admin,
        )
        if territory_code:
            assignments.append((username, territory_code, assignment_role or "rep"))
    ctx["admin"] = users["admin"]


def dealer_users_run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Create the dealer portal users for ctx["portal_dealer"]."""
    dealer = ctx["portal_dealer"]
    for username, role, full_name in DEALER_USERS:
        ctx["users"][username] = User.objects.create(
            username=username, full_name=full_name, role=role, phone=gen.mobile(rng),
            dealer=dealer, password=_password_hash(ctx),
        )
