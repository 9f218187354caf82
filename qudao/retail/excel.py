"""Excel sheets of retailer management: retailers, applications, certificates, audits,
commitment breaches and terminal control."""

from typing import Any

from django.utils.translation import gettext_lazy

from qudao.core.excel import Column
from qudao.dealers.models import Dealer
from qudao.retail.models import Application, Certificate, StoreAudit

RETAILER_COLUMNS = [
    Column("code", gettext_lazy("Code")),
    Column("name", gettext_lazy("Store")),
    Column("level", gettext_lazy("Channel level")),
    Column("retailer_type", gettext_lazy("Retailer type")),
    Column("grade", gettext_lazy("Grade")),
    Column("status", gettext_lazy("Status")),
    Column("region", gettext_lazy("Region")),
    Column("parent", gettext_lazy("Supplying dealer")),
    Column("rep", gettext_lazy("Sales rep")),
    Column("certificate", gettext_lazy("Certificate")),
    Column("valid_until", gettext_lazy("Valid until"), kind="date"),
    Column("last_score", gettext_lazy("Latest audit score"), kind="decimal"),
    Column("last_audited", gettext_lazy("Latest audit"), kind="date"),
]


def retailer_row(store: Dealer) -> list[Any]:
    return [store.code, store.name, store.get_channel_level_display(),
            store.get_retailer_type_display(), store.grade, store.get_status_display(),
            str(store.territory), store.parent.name if store.parent else "",
            str(store.assigned_rep or ""), store.cert_number or "", store.cert_until,
            store.last_score, store.last_audited]


APPLICATION_COLUMNS = [
    Column("number", gettext_lazy("Number")),
    Column("submitted_at", gettext_lazy("Filed at")),
    Column("store_name", gettext_lazy("Store")),
    Column("retailer_type", gettext_lazy("Type applied for")),
    Column("region", gettext_lazy("Region")),
    Column("parent", gettext_lazy("Supplying dealer")),
    Column("store_area", gettext_lazy("Store area (m²)"), kind="int"),
    Column("staff_count", gettext_lazy("Staff"), kind="int"),
    Column("status", gettext_lazy("Status")),
    Column("applicant", gettext_lazy("Filed by")),
    Column("reviewed_by", gettext_lazy("Reviewed by")),
    Column("decided_by", gettext_lazy("Decided by")),
]


def application_row(application: Application) -> list[Any]:
    return [application.number, application.submitted_at, application.store_name,
            application.get_retailer_type_display(), str(application.territory),
            application.parent.name if application.parent else "", application.store_area,
            application.staff_count, application.get_status_display(),
            str(application.applicant), str(application.reviewed_by or ""),
            str(application.decided_by or "")]


CERTIFICATE_COLUMNS = [
    Column("number", gettext_lazy("Certificate number")),
    Column("code", gettext_lazy("Code")),
    Column("store", gettext_lazy("Store")),
    Column("region", gettext_lazy("Region")),
    Column("retailer_type", gettext_lazy("Authorized as")),
    Column("grade", gettext_lazy("Grade")),
    Column("valid_from", gettext_lazy("Valid from"), kind="date"),
    Column("valid_until", gettext_lazy("Valid until"), kind="date"),
    Column("state", gettext_lazy("State")),
]


def certificate_row(certificate: Certificate) -> list[Any]:
    return [certificate.number, certificate.retailer.code, certificate.retailer.name,
            str(certificate.retailer.territory), certificate.get_retailer_type_display(),
            certificate.grade, certificate.valid_from, certificate.valid_until,
            str(certificate.state_label)]


AUDIT_COLUMNS = [
    Column("audited_on", gettext_lazy("Audited on"), kind="date"),
    Column("code", gettext_lazy("Code")),
    Column("store", gettext_lazy("Store")),
    Column("region", gettext_lazy("Region")),
    Column("auditor", gettext_lazy("Audited by")),
    Column("total_score", gettext_lazy("Total score"), kind="decimal"),
    Column("points", gettext_lazy("Points"), kind="int"),
    Column("max_points", gettext_lazy("Of points"), kind="int"),
    Column("counterfeit_found", gettext_lazy("Counterfeit goods found")),
    Column("photos", gettext_lazy("Photos"), kind="int"),
    Column("notes", gettext_lazy("Findings")),
]


def audit_row(store_audit: StoreAudit) -> list[Any]:
    return [store_audit.audited_on, store_audit.retailer.code, store_audit.retailer.name,
            str(store_audit.retailer.territory), str(store_audit.auditor),
            store_audit.total_score, store_audit.points, store_audit.max_points,
            "✓" if store_audit.counterfeit_found else "",
            getattr(store_audit, "photo_count", None), store_audit.notes]


BREACH_COLUMNS = [
    Column("code", gettext_lazy("Code")),
    Column("store", gettext_lazy("Store")),
    Column("region", gettext_lazy("Region")),
    Column("commitment", gettext_lazy("Commitment")),
    Column("detail", gettext_lazy("Evidence")),
]


def breach_row(row: dict[str, Any]) -> list[Any]:
    store = row["retailer"]
    return [store.code, store.name, str(store.territory), str(row["label"]),
            str(row["detail"])]


CONTROL_COLUMNS = [
    Column("region", gettext_lazy("Region")),
    Column("total", gettext_lazy("Terminals"), kind="int"),
    Column("covered", gettext_lazy("Audited or visited"), kind="int"),
    Column("share", gettext_lazy("Share (%)"), kind="decimal"),
    Column("direct", gettext_lazy("Reached directly"), kind="int"),
    Column("share_direct", gettext_lazy("Directly: audited or visited (%)"), kind="decimal"),
    Column("via", gettext_lazy("Reached via a dealer"), kind="int"),
    Column("share_via", gettext_lazy("Via a dealer: audited or visited (%)"), kind="decimal"),
    Column("audited", gettext_lazy("Audited"), kind="int"),
    Column("visited", gettext_lazy("Visited"), kind="int"),
]


def control_row(row: dict[str, Any], label: str) -> list[Any]:
    return [label, row["total"], row["covered"], row["share"], row["direct"],
            row["share_direct"], row["via"], row["share_via"], row["audited"], row["visited"]]
