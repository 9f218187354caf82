from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qudao.dashboard import queries


@login_required
def home(request):
    """The home dashboard: the user's dealers by status, grade, channel level and region;
    sales against target with pace, collections, overdue and the dealers furthest behind."""
    trade = queries.trade_figures_cached(user=request.user)
    return render(request, "dashboard/home.html", {
        "figures": queries.figures(user=request.user), "trade": trade,
        "charts": {key: trade[key] for key in ("sales_series", "collections_series")
                   if key in trade}})
