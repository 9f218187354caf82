"""The dashboard's figures over the API."""

from ninja import Router, Schema

from qudao.dashboard import queries

router = Router(tags=["dashboard"])


class CountOut(Schema):
    key: str
    label: str
    count: int


class DashboardOut(Schema):
    total: int
    by_status: list[CountOut]
    by_grade: list[CountOut]
    by_channel_level: list[CountOut]
    by_region: list[CountOut]


@router.get("/dashboard", response=DashboardOut)
def dashboard_figures(request):
    return queries.figures(user=request.user)
