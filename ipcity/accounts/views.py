from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipcity.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    # Django's LogoutView accepts POST only: logging out is a change.
    pass


@require_GET
@login_required
def me(request: HttpRequest) -> HttpResponse:
    membership = getattr(request.user, "membership", None)
    return render(request, "accounts/me.html", {"membership": membership})
