"""Errors of channel performance and the reps' KPI."""

from qudao.core.exceptions import DomainError


class _FieldErrors(DomainError):
    """A record breaks a rule; nothing was saved. `errors` maps each field to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(v) for v in errors.values()), errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class WeightsInvalid(_FieldErrors):
    """KPI weights out of range or not summing to 1.00."""

    code = "kpi_weights_invalid"


class ExpenseInvalid(_FieldErrors):
    """A channel expense with a bad region, month, category or amount."""

    code = "channel_expense_invalid"


class MarketSizeInvalid(_FieldErrors):
    """A market size with a bad region, year or amount."""

    code = "market_size_invalid"


class IndicatorInvalid(_FieldErrors):
    """A hand-recorded indicator with a score outside 1-5 or a region not the user's."""

    code = "indicator_invalid"


class RatingInvalid(_FieldErrors):
    """A dealer's rating of its rep that cannot be taken (no rep assigned, a score outside
    1-5, a user who is not the dealer's admin)."""

    code = "rep_rating_invalid"
