"""Shapes of agreements over the API."""

from datetime import date, datetime
from decimal import Decimal

from ninja import ModelSchema, Schema
from pydantic import Field

from qudao.agreements.models import Agreement, AgreementAttachment
from qudao.agreements.services import AGREEMENT_FIELDS


class AgreementQuery(Schema):
    q: str | None = None
    status: str | None = None
    agreement_type: str | None = None
    dealer: int | None = None
    expiring: int | None = Field(None, ge=0)
    term_from: date | None = None
    term_to: date | None = None
    sort: str | None = None


class AgreementOut(Schema):
    id: int
    number: str
    version: int
    previous_id: int | None
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    agreement_type: str
    status: str
    start_date: date
    end_date: date
    credit_limit: Decimal
    annual_target: Decimal
    signed_on: date | None
    ended_on: date | None


class TargetOut(Schema):
    month: date
    amount: Decimal


class AgreementDetailOut(ModelSchema):
    """Every clause, the scope as id lists, the lifecycle dates and the monthly targets."""

    dealer_id: int
    previous_id: int | None
    approved_by_id: int | None
    created_by_id: int | None
    territory_ids: list[int]
    category_ids: list[int]
    product_ids: list[int]
    targets: list[TargetOut]

    class Meta:
        model = Agreement
        exclude = ["dealer", "previous", "approved_by", "created_by", "territories",
                   "categories", "products"]

    @staticmethod
    def resolve_territory_ids(obj) -> list[int]:
        return [t.pk for t in obj.territories.all()]

    @staticmethod
    def resolve_category_ids(obj) -> list[int]:
        return [c.pk for c in obj.categories.all()]

    @staticmethod
    def resolve_product_ids(obj) -> list[int]:
        return [p.pk for p in obj.products.all()]

    @staticmethod
    def resolve_targets(obj) -> list:
        return list(obj.targets.all())


class AgreementPatch(ModelSchema):
    """Any subset of the editable clauses, and the scope as id lists (omitted: unchanged)."""

    territory_ids: list[int] | None = None
    category_ids: list[int] | None = None
    product_ids: list[int] | None = None

    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS
        fields_optional = "__all__"


class AgreementIn(AgreementPatch):
    """A new draft: the dealer and the term are required, the rest may follow later."""

    dealer_id: int
    start_date: date
    end_date: date
    territory_ids: list[int] = []
    category_ids: list[int] = []
    product_ids: list[int] = []


class TransitionIn(Schema):
    """action: submit | approve | return | sign | activate | terminate."""

    action: str = ""
    reason: str = ""
    signed_on: date | None = None


class RenewIn(Schema):
    start_date: date | None = None
    end_date: date | None = None


class TargetIn(Schema):
    month: date
    amount: Decimal = Field(ge=0, decimal_places=2)


class TargetsIn(Schema):
    months: list[TargetIn] = []


class TargetsOut(Schema):
    agreement_id: int
    dealer_id: int
    annual_target: Decimal
    months: list[TargetOut]


class AttachmentOut(Schema):
    id: int
    agreement_id: int
    dealer_id: int = Field(alias="agreement.dealer_id")
    kind: str
    name: str
    size: int | None = None
    uploaded_by_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_size(obj: AgreementAttachment) -> int | None:
        try:
            return obj.file.size
        except (OSError, ValueError):
            return None
