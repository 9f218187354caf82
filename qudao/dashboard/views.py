from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qudao.dashboard import queries


@login_required
def home(request):
    """The home dashboard: the user's dealers by status, grade, channel level and region."""
    return render(request, "dashboard/home.html", {"figures": queries.figures(user=request.user)})
