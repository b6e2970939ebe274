"""The one settings module. Configured only by environment variables (see .env.example);
the defaults run with zero configuration on SQLite under var/."""

import datetime as dt
from pathlib import Path

from ipcity.lib.env import (
    env_bool,
    env_header,
    env_header_value,
    env_int,
    env_list,
    env_networks,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("IPCITY_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = BASE_DIR / "data"

DEBUG = env_bool("IPCITY_DEBUG", False)
# The zero-configuration key is public: it is accepted only while DEBUG or while the site answers on
# loopback alone, and never by the production server (system check ipcity.E001, ipcity/core/checks.py).
DEVELOPMENT_SECRET_KEY = "ipcity-dev-only-insecure-key-change-me"
SECRET_KEY = env_str("IPCITY_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("IPCITY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("IPCITY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ipcity.core",
    "ipcity.accounts",
    "ipcity.plans",
    "ipcity.registry",
    "ipcity.policy",
    "ipcity.indicators",
    "ipcity.supervision",
    "ipcity.grants",
    "ipcity.market",
    "ipcity.protection",
    "ipcity.support",
    "ipcity.reports",
    "ipcity.portal",
    "ipcity.api",
    "ninja",  # its static files: the self-hosted Swagger UI of /api/docs
    "ipcity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ipcity.urls"
WSGI_APPLICATION = "ipcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipcity.core.context_processors.site",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": parse_database_url(_database_url, base_dir=BASE_DIR)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "ipcity.sqlite3")}}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("IPCITY_DB_CONN_MAX_AGE", 0)
_SQLITE_OPTIONS = {
    # WAL lets the web server read while a CLI import writes; busy timeout instead of "database is locked".
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
}
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = dict(_SQLITE_OPTIONS)
    # Job progress in a small database of its own beside the main file: a long import holds SQLite's
    # only write lock, and the worker must still publish progress (core.models.JobProgress).
    _main = Path(str(DATABASES["default"]["NAME"]))
    DATABASES["jobs"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_main.with_name(f"{_main.stem}-jobs{_main.suffix}")),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }
DATABASE_ROUTERS = ["ipcity.core.routers.JobProgressRouter"]
IPCITY_JOB_PROGRESS_DB = "jobs" if "jobs" in DATABASES else "default"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:desk"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("IPCITY_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("IPCITY_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("IPCITY_SESSION_SECONDS", 8 * 3600)
X_FRAME_OPTIONS = "DENY"

# --- Production hardening (docs/deploy.md) ------------------------------------------------------
# HTTPS behind a TLS-terminating proxy: the header the proxy sets on HTTPS requests (e.g.
# "X-Forwarded-Proto,https"), the redirect to HTTPS, and HSTS (subdomains and preload on once enabled).
SECURE_PROXY_SSL_HEADER = env_header_value("IPCITY_SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("IPCITY_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("IPCITY_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("IPCITY_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("IPCITY_HSTS_PRELOAD", True)
# A session ends after this many seconds without a request (0: only SESSION_COOKIE_AGE applies).
IPCITY_SESSION_IDLE_SECONDS = env_int("IPCITY_SESSION_IDLE_SECONDS", 30 * 60)
# The client address behind a proxy: its forwarding header, believed only from these addresses.
IPCITY_TRUSTED_PROXY_HEADER = env_header("IPCITY_TRUSTED_PROXY_HEADER")
IPCITY_TRUSTED_PROXIES = env_networks("IPCITY_TRUSTED_PROXIES", ["127.0.0.1", "::1"])

INSTALLED_APPS += ["axes", "csp"]
# The idle timeout needs the user and the messages; CSP on every response; axes last (its docs).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "ipcity.core.middleware.IdleSessionTimeoutMiddleware",
)
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]

# Login throttling (django-axes): after N failures for one username from one address, that pair is
# refused for the cool-off period. Username+address rather than either alone: by username alone
# anyone could lock the city admin out; by address alone one mistyping colleague would lock out a
# whole office behind one NAT address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ipcity.accounts.backends.PasswordBackend",
]
AXES_FAILURE_LIMIT = env_int("IPCITY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("IPCITY_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ipcity.accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "ipcity.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in our own audit log
AXES_ENABLE_ADMIN = False  # lockouts are shown in Chinese by ipcity/accounts/admin.py

# Content-Security-Policy (django-csp): scripts and styles from our own origin only, no inline code
# (handlers live in static/js/ipcity.js; charts get their data from json_script blocks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# --- end of production hardening -----------------------------------------------------------------

EMAIL_BACKEND = env_str("IPCITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("IPCITY_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("IPCITY_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("IPCITY_FROM_EMAIL", "ipcity@localhost")

# Where `ipcity backup create` writes archives unless --out is given (docs/backup.md).
IPCITY_BACKUP_DIR = env_str("IPCITY_BACKUP_DIR", str(VAR_DIR / "backups"))

# Uploads: largest accepted file.
IPCITY_MAX_UPLOAD_BYTES = env_int("IPCITY_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# Tables read from uploads and imports (ipcity/lib/uploads.py): an uploaded .xlsx inflated (web only),
# rows and filled columns of a sheet or CSV file, characters in one cell (CLI imports too).
IPCITY_MAX_UNCOMPRESSED_BYTES = env_int("IPCITY_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IPCITY_MAX_IMPORT_ROWS = env_int("IPCITY_MAX_IMPORT_ROWS", 2_000_000)
IPCITY_MAX_IMPORT_COLUMNS = env_int("IPCITY_MAX_IMPORT_COLUMNS", 500)
IPCITY_MAX_CELL_CHARS = env_int("IPCITY_MAX_CELL_CHARS", 1024 * 1024)

# Background jobs: django-tasks with its database backend (queue in the main database; workers run
# `ipcity worker`, several may share one PostgreSQL queue). IPCITY_JOBS_SYNC=1 runs each job inside
# the request that starts it (tests, or a one-process trial without a worker).
IPCITY_JOBS_SYNC = env_bool("IPCITY_JOBS_SYNC", False)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if IPCITY_JOBS_SYNC
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A running job's worker writes a heartbeat this often; a job without one for IPCITY_JOB_STALE_SECONDS
# is taken for dead (its worker was killed) and marked failed by the reaper.
IPCITY_JOB_HEARTBEAT_SECONDS = env_int("IPCITY_JOB_HEARTBEAT_SECONDS", 5)
IPCITY_JOB_STALE_SECONDS = env_int("IPCITY_JOB_STALE_SECONDS", 30)
# Absolute address of the site, used in e-mails.
IPCITY_BASE_URL = env_str("IPCITY_BASE_URL", "http://127.0.0.1:8000")

# The plan this deployment runs (a code from data/plans/*.yaml, loaded with `ipcity plan load`).
IPCITY_PLAN_CODE = env_str("IPCITY_PLAN_CODE", "yantai-2022-2024")
IPCITY_SITE_NAME = env_str("IPCITY_SITE_NAME", "烟台市知识产权强市建设管理平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("IPCITY_LOG_LEVEL", "WARNING")},
}

# JSON API (docs/api.md): requests per personal token per minute (a fixed window counted in the
# database, shared by every web worker); over it the API answers 429 with Retry-After.
IPCITY_API_RATE_LIMIT_PER_MINUTE = env_int("IPCITY_API_RATE_LIMIT_PER_MINUTE", 120)
