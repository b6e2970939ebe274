from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ipcity.accounts.backends import demo_logins_allowed
from ipcity.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "demo_logins_allowed": demo_logins_allowed()}


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The login page again, saying why sign-in is refused (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, data=request.POST or None)
    lockout = (
        f"登录失败次数过多（连续 {settings.AXES_FAILURE_LIMIT} 次），该账号从当前地址的登录已暂停 {minutes} 分钟。"
        "请稍后再试，或联系市局管理员解除锁定。"
    )
    context = {"form": form, "lockout": lockout, "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=429)


class LogoutView(auth_views.LogoutView):
    # Django's LogoutView accepts POST only: logging out is a change.
    pass


@require_GET
@login_required
def me(request: HttpRequest) -> HttpResponse:
    membership = getattr(request.user, "membership", None)
    # The JSON API's token page, when that app is installed (it sits above accounts: no import).
    api_tokens_url = reverse("api_tokens:list") if apps.is_installed("ipcity.api") else ""
    return render(request, "accounts/me.html", {"membership": membership, "api_tokens_url": api_tokens_url})
