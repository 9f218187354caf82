from qudao.core.exceptions import DomainError


class ProductInvalid(DomainError):
    """The product data breaks a rule; `errors` maps each field to why."""

    code = "product_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class PriceOverlap(DomainError):
    code = "price_overlap"


class PriceInvalid(DomainError):
    code = "price_invalid"
