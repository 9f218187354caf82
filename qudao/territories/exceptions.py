from qudao.core.exceptions import DomainError


class TerritoryInvalid(DomainError):
    code = "territory_invalid"
