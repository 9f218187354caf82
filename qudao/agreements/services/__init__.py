"""Every write to agreements: drafted, checked, approved, signed, activated, renewed, ended.

Each service runs in one transaction, locks the agreement row it changes, checks the
actor's role and scope, raises a DomainError subclass (nothing written) and records an
audit event on the agreement.

Split by behaviour: drafting (create, edit, targets), lifecycle (submit ... renew, expire),
attachments; shared checks and helpers in _common.
"""

from qudao.agreements.services._common import (  # noqa: F401
    AGREEMENT_FIELDS,
    CLAUSE_FIELDS,
    MONEY_FIELDS,
    MONTHS_IN_TARGET,
    add_months,
    agreement_check,
    party_defaults,
)
from qudao.agreements.services.attachments import attachment_add, attachment_delete  # noqa: F401
from qudao.agreements.services.drafting import (  # noqa: F401
    agreement_create,
    agreement_targets_set,
    agreement_update,
)
from qudao.agreements.services.lifecycle import (  # noqa: F401
    agreement_activate,
    agreement_approve,
    agreement_renew,
    agreement_return,
    agreement_sign,
    agreement_submit,
    agreement_terminate,
    agreements_expire,
    missing_clauses,
    scopes_overlap,
)
