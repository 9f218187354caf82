"""Writes of retailer management, by subject: the configuration head office keeps, the
registration workflow and certificates, store audits and negotiations.
Import from here: `from qudao.retail import services`."""

from qudao.retail.services.audits import (  # noqa: F401
    MAX_PHOTOS,
    PASS_SHARE,
    ItemScore,
    audit_create,
    item_passed,
    negotiation_add,
    total_score,
)
from qudao.retail.services.config import (  # noqa: F401
    checklist_item_save,
    condition_save,
    entitlement_delete,
    entitlement_save,
)
from qudao.retail.services.registration import (  # noqa: F401
    TERMS_VERSION,
    application_decide,
    application_review,
    application_submit,
    one_year_from,
    profile_save,
)
