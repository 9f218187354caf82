"""Leads, candidates and scores written straight to the database (no services, no audit
events): for tests that need them to exist."""

import datetime
from decimal import Decimal

from django.utils import timezone

from qudao.recruitment.models import Candidate, CriteriaSet, Lead, Score

# Seed 001's candidate table (市场覆盖范围, 声誉, 历史经验, 合作意愿, 产品组合情况, 财务状况,
# 区位优势, 促销能力). The printed weighted totals are 78 / 76.5 / 77.25 and the raw sums
# 615 / 620 / 620. Candidate 3's printed rows (product mix 75, finance 75, location 60)
# add up to 610, not the printed 620: with history 90 and both printed totals, product mix
# + finance must be 130 and location 90, so this table uses 65 / 65 / 90 for them.
TEXTBOOK = {
    "候选人1": [85, 70, 90, 75, 80, 80, 65, 70],
    "候选人2": [70, 80, 85, 80, 90, 60, 75, 80],
    "候选人3": [80, 85, 90, 75, 65, 65, 90, 70],
}


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def lead_make(*, territory, rep=None, status: str = "new", period: datetime.date | None = None,
              **fields) -> Lead:
    period = period or this_month()
    now = timezone.now()
    values = {"source": "referral", "company": "测试商贸有限公司", "territory": territory,
              "assigned_rep": rep, "status": status, "first_period": period,
              "period": period}
    if status in ("contacted", "qualified", "candidate"):
        values["contacted_at"] = now
    if status in ("qualified", "candidate"):
        values["qualified_at"] = now
    if status == "candidate":
        values["converted_at"] = now
    if status == "lost":
        values.update(lost_reason="不合作", lost_at=now)
    values.update(fields)
    return Lead.objects.create(**values)


def textbook_set() -> CriteriaSet:
    return CriteriaSet.objects.get(code="textbook")


def candidate_make(*, territory, rep=None, name: str = "候选商贸", criteria_set=None,
                   **fields) -> Candidate:
    lead = lead_make(territory=territory, rep=rep, status="candidate", company=name)
    return Candidate.objects.create(lead=lead, name=name,
                                    criteria_set=criteria_set or textbook_set(), **fields)


def scores_give(candidate: Candidate, evaluator, values: list) -> None:
    """One evaluator's scores of every criterion, in the set's order."""
    criteria = list(candidate.criteria_set.criteria.order_by("position", "id"))
    Score.objects.bulk_create(Score(candidate=candidate, criterion=c, evaluator=evaluator,
                                    value=Decimal(str(v)))
                              for c, v in zip(criteria, values, strict=True))
