"""Login, logout, password change and API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.accounts import services
from qudao.accounts.forms import ThrottledLoginForm, TokenCreateForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
def token_list(request):
    """The user's own API tokens; a new key is shown once, right after creation."""
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenCreateForm()
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/token_list.html",
                  {"tokens": tokens, "form": form, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        services.token_revoke(user=request.user, token_id=pk)
    except services.TokenNotFound:
        raise Http404 from None
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:token_list")
