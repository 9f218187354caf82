"""Why an order, a shipment or a return was refused. Each has a stable `code` for the API.

Errors that concern single lines carry `errors`, keyed "lines.<SKU>" (order lines) or
"lines.<order line id>" (shipments, returns), so a page can show each next to its row.
"""

from qudao.core.exceptions import DomainError, InvalidTransition, NotAllowed


class OrderError(DomainError):
    """Base of the order refusals; `errors` maps a field or a line to why."""

    code = "order_invalid"

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message, errors=errors or {})
        self.errors = errors or {}


class OrderNotAllowed(NotAllowed):
    """The user may not act for this dealer or on this order."""

    code = "order_not_allowed"


class DealerCannotOrder(OrderError):
    """The dealer's status (prospect, suspended, terminated ...) does not allow ordering."""

    code = "dealer_cannot_order"


class OrderLinesInvalid(OrderError):
    """No line, a repeated SKU, a product not on sale, a bad quantity or pack multiple."""

    code = "order_lines_invalid"


class AgreementMissing(OrderError):
    """No active agreement of the dealer is in force on the order date."""

    code = "agreement_missing"


class ProductNotAuthorized(OrderError):
    """A product lies outside every active agreement of the dealer."""

    code = "product_not_authorized"


class OrderSplitRequired(OrderError):
    """The products are covered by different agreements: one order per agreement."""

    code = "order_split_required"


class OutsideTerritory(OrderError):
    """The delivery region is outside the agreement's authorized territory."""

    code = "outside_territory"


class PriceMissing(OrderError):
    """A product has no price at the agreement's level on the order date."""

    code = "price_missing"


class OrderStatusInvalid(InvalidTransition):
    """The order (or shipment, or return) is not in a status that allows this action."""

    code = "order_status_invalid"


class ReasonRequired(OrderError):
    """Rejections and cancellations must say why."""

    code = "reason_required"


class ShipmentInvalid(OrderError):
    """A shipment line is wrong: unknown line, too much, no batch number."""

    code = "shipment_invalid"


class ReturnInvalid(OrderError):
    """A return line is wrong: not shipped, more than can still be returned."""

    code = "return_invalid"
