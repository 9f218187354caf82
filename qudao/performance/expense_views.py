"""Pages of channel expenses (list, filters, export, entry, correction, deletion, Excel
import) and market sizes (R-EV-10, R-EV-11)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import import_page, list_render
from qudao.performance import excel, queries, scope, services
from qudao.performance.choices import ExpenseCategory
from qudao.performance.filters import ExpenseFilter
from qudao.performance.forms import ExpenseForm, MarketSizeForm
from qudao.performance.models import ChannelExpense
from qudao.performance.views import NAV, _form_errors

EXPORT_LIMIT = 100_000


def _expense(request, pk: int) -> ChannelExpense:
    try:
        return queries.expense_get(user=request.user, pk=pk)
    except ChannelExpense.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("performance.view_performance", raise_exception=True)
def expense_list(request):
    """Channel expenses of the user's territories, filtered (HTMX swaps the table)."""
    expenses = queries.expense_list(user=request.user, filters=request.GET)
    context = {"page": paginate(request, expenses),
               "filter_form": ExpenseFilter(request.GET or None,
                                            queryset=ChannelExpense.objects.none()).form,
               "regions": scope.region_choices(request.user),
               "categories": ExpenseCategory.choices, "active_nav": NAV}
    return list_render(request, context, template="performance/expense_list.html",
                       partial="performance/_expense_results.html")


@login_required
@permission_required("performance.export_performance", raise_exception=True)
def expense_export(request):
    expenses = queries.expense_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="channel-expenses", columns=excel.EXPORT_COLUMNS,
                           rows=(excel.expense_row(e) for e in expenses.iterator(
                               chunk_size=1000)))


@login_required
@permission_required("performance.change_expense", raise_exception=True)
def expense_add(request):
    form = ExpenseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_create(actor=request.user, values=form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Expense recorded."))
            return redirect("performance:expense_list")
    return render(request, "performance/expense_form.html",
                  {"form": form, "expense": None, "active_nav": NAV})


@login_required
@permission_required("performance.change_expense", raise_exception=True)
def expense_edit(request, pk: int):
    expense = _expense(request, pk)
    initial = {"territory": expense.territory, "month": f"{expense.month:%Y-%m}",
               "category": expense.category, "amount": expense.amount, "note": expense.note}
    form = ExpenseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_update(actor=request.user, expense=expense,
                                    values=form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Expense corrected."))
            return redirect("performance:expense_list")
    return render(request, "performance/expense_form.html",
                  {"form": form, "expense": expense, "active_nav": NAV})


@login_required
@permission_required("performance.change_expense", raise_exception=True)
@require_POST
def expense_delete(request, pk: int):
    """Delete an expense (the page asks for confirmation first)."""
    expense = _expense(request, pk)
    try:
        services.expense_delete(actor=request.user, expense=expense)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Expense deleted."))
    return redirect("performance:expense_list")


@login_required
@permission_required("performance.change_expense", raise_exception=True)
def expense_import(request):
    return import_page(
        request, run=excel.expenses_import, columns=excel.EXPENSE_COLUMNS,
        template="performance/expense_import.html", template_filename="channel-expenses",
        done_message=_("%(n)d expenses imported."),
        done_url=reverse("performance:expense_list"), active_nav=NAV)


@login_required
@permission_required("performance.view_performance", raise_exception=True)
def market_sizes(request):
    """Market sizes per region and year; HQ enters and corrects them."""
    year = request.GET.get("year")
    year = int(year) if str(year or "").isdigit() else None
    may_change = request.user.has_perm("performance.change_market")
    form = MarketSizeForm(request.POST or None, user=request.user) if may_change else None
    if request.method == "POST":
        if not may_change:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.market_size_set(actor=request.user, territory=data["territory"],
                                         year=data["year"], amount=data["amount"],
                                         note=data["note"])
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Market size saved."))
                return redirect(f"{reverse('performance:market_sizes')}?year={data['year']}")
    sizes = queries.market_size_list(user=request.user, year=year)
    this_year = timezone.localdate().year
    context = {"page": paginate(request, sizes), "form": form, "year": year,
               "years": list(range(this_year, this_year - 4, -1)), "active_nav": NAV}
    return list_render(request, context, template="performance/market_sizes.html",
                       partial="performance/_market_results.html")
