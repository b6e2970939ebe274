from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from ipcity.accounts.backends import is_refused_demo_password


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确（注意区分大小写）。",
        "inactive": "该账号已停用，请联系市局管理员。",
        "demo_password": "演示账号的公开密码在正式环境中不能登录，请联系市局管理员重设密码。",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"

    def get_invalid_login_error(self) -> ValidationError:
        if is_refused_demo_password(self.cleaned_data.get("password")):
            return ValidationError(self.error_messages["demo_password"], code="demo_password")
        return super().get_invalid_login_error()
