"""Every write to orders, shipments and returns: checked, atomic and audited.

Money moves through qudao.finance.services, which locks the dealer's CreditAccount row:
placing an order takes that lock last, right before the credit check, so parallel orders
of one dealer queue on it and never approve more than the available credit together.

Split by behaviour: placing, decisions (finance, cancel, close), shipping, returns; shared
constants and checks in _common.
"""

from qudao.orders.services._common import ORDERING_STATUSES  # noqa: F401
from qudao.orders.services.decisions import (  # noqa: F401
    order_approve_credit,
    order_cancel,
    order_close,
    order_may_cancel,
    order_reject,
)
from qudao.orders.services.placing import (  # noqa: F401
    order_place,
)
from qudao.orders.services.returns import (  # noqa: F401
    return_approve,
    return_receive,
    return_reject,
    return_request_create,
)
from qudao.orders.services.shipping import (  # noqa: F401
    order_ship,
    shipment_deliver,
)
