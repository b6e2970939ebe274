"""My API tokens (linked from 我的账号): create one (its secret shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ipcity.api import services
from ipcity.api.forms import TokenForm
from ipcity.api.models import ApiToken
from ipcity.core.audit import Actor
from ipcity.core.workflow import Refused


@never_cache  # the page that shows a new token's secret is never kept by a browser or proxy
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                actor=Actor.web(request.user),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.visible_to(request.user),
            "rate_limit": services.rate_limit_per_minute(),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    try:
        services.revoke_token(token, actor=Actor.web(request.user))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已吊销令牌“{token.name}”，使用它的系统将无法再访问。")
    return redirect("api_tokens:list")


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/: a JSON 404 in Chinese, like the endpoints' own errors (a
    client reading JSON never gets the site's HTML error page)."""
    return JsonResponse({"detail": "没有这个接口，请查看 /api/docs 中的接口列表。", "errors": []}, status=404)
