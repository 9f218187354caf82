from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class RetailerQuery(Schema):
    retailer_type: str | None = Field(None, description="exclusive, authorized or cooperating.")
    grade: str | None = Field(None, description="A, B or C.")
    level: str | None = Field(None, description="terminal or key_account.")
    status: str | None = None
    region: int | None = Field(None, description="A territory id: stores at or below it.")
    parent: int | None = Field(None, description="The supplying dealer's id.")
    direct: bool | None = Field(None, description="true: supplied by the manufacturer.")
    certificate: str | None = Field(None, description="valid, expiring, expired or none.")
    below: Decimal | None = Field(None, description="Latest audit score below this.")
    q: str | None = Field(None, description="Code or name.")


class RetailerOut(Schema):
    id: int
    code: str
    name: str
    channel_level: str
    retailer_type: str
    grade: str
    status: str
    territory_id: int
    parent_id: int | None
    certificate_number: str | None = Field(None, alias="cert_number")
    certificate_valid_until: date | None = Field(None, alias="cert_until")
    last_audit_score: Decimal | None = Field(None, alias="last_score")
    last_audited_on: date | None = Field(None, alias="last_audited")


class ConditionRowOut(Schema):
    key: str
    label: str
    required: str | None
    actual: str | None
    met: bool | None
    unit: str = ""


class QualificationOut(Schema):
    retailer_type: str
    grade: str
    configured: bool
    qualified: bool
    rows: list[ConditionRowOut]


class EntitlementOut(Schema):
    kind: str
    description: str
    amount: Decimal | None


class CertificateOut(Schema):
    id: int
    number: str
    retailer_id: int
    retailer_type: str
    grade: str
    valid_from: date
    valid_until: date
    revoked_on: date | None
    state: str


class RetailerDetailOut(RetailerOut):
    store_area: int | None = None
    management_rating: int | None = None
    staff_count: int | None = None
    qualification: QualificationOut | None = None
    entitlements: list[EntitlementOut] = []
    certificate: CertificateOut | None = None


class AuditQuery(Schema):
    retailer: int | None = Field(None, description="The store's id.")
    region: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    below: Decimal | None = Field(None, description="Total score below this.")
    auditor: int | None = None
    q: str | None = Field(None, description="Store code or name.")


class ScoreIn(Schema):
    item_id: int
    score: int
    note: str = ""


class AuditIn(Schema):
    retailer_id: int
    audited_on: date
    scores: list[ScoreIn]
    counterfeit_found: bool = False
    notes: str = ""


class ScoreOut(Schema):
    item_id: int | None
    name: str
    score: int
    max_score: int
    commitment: str
    passed: bool
    note: str


class AuditOut(Schema):
    id: int
    retailer_id: int
    auditor_id: int
    audited_on: date
    total_score: Decimal
    points: int
    max_points: int
    counterfeit_found: bool
    notes: str


class AuditDetailOut(AuditOut):
    scores: list[ScoreOut]
    photos: int

    @staticmethod
    def resolve_scores(obj) -> list:
        return list(obj.scores.all())

    @staticmethod
    def resolve_photos(obj) -> int:
        return len(obj.photos.all())


class ApplicationQuery(Schema):
    status: str | None = Field(None, description="submitted, reviewed, approved or rejected.")
    retailer_type: str | None = None
    region: int | None = None
    parent: int | None = None
    q: str | None = Field(None, description="Number or store name.")


class ApplicationIn(Schema):
    store_name: str = ""
    address: str = ""
    territory_id: int | None = Field(None, description="Staff: the store's region.")
    parent_id: int | None = Field(None, description="Staff: the supplying dealer; empty: "
                                                    "supplied directly.")
    retailer_id: int | None = Field(None, description="An existing store renewing or "
                                                      "changing its authorization.")
    contact_name: str = ""
    phone: str = ""
    store_area: int | None = None
    staff_count: int | None = None
    management_rating: int | None = Field(None, description="1 to 5.")
    retailer_type: str = Field("", description="exclusive, authorized or cooperating.")
    business_categories: str = ""
    remarks: str = ""
    terms_accepted: bool = Field(False, description="Must be true.")


class ReviewIn(Schema):
    accept: bool = True
    note: str = ""


class DecisionIn(Schema):
    approve: bool = True
    note: str = ""
    grade: str = Field("", description="Initial grade of a new store (default C).")
    valid_from: date | None = None
    valid_until: date | None = None


class ApplicationOut(Schema):
    id: int
    number: str
    status: str
    store_name: str
    address: str
    territory_id: int
    parent_id: int | None
    retailer_id: int | None
    contact_name: str
    phone: str
    store_area: int
    staff_count: int
    management_rating: int
    retailer_type: str
    terms_accepted: bool
    terms_version: str
    applicant_id: int
    submitted_at: datetime
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_note: str
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    certificate_number: str | None = None

    @staticmethod
    def resolve_certificate_number(obj) -> str | None:
        certificate = getattr(obj, "certificate", None) if obj.status == "approved" else None
        return certificate.number if certificate else None
