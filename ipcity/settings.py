"""The one settings module. Configured only by environment variables (see .env.example);
the defaults run with zero configuration on SQLite under var/."""

from pathlib import Path

from ipcity.lib.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("IPCITY_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = BASE_DIR / "data"

DEBUG = env_bool("IPCITY_DEBUG", False)
# A fixed development key is acceptable only while DEBUG or on loopback; production sets its own.
SECRET_KEY = env_str("IPCITY_SECRET_KEY", "ipcity-dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("IPCITY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("IPCITY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ipcity.core",
    "ipcity.accounts",
    "ipcity.plans",
    "ipcity.registry",
    "ipcity.policy",
    "ipcity.indicators",
    "ipcity.supervision",
    "ipcity.grants",
    "ipcity.portal",
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
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    # WAL lets the web server read while a CLI import writes; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
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

EMAIL_BACKEND = env_str("IPCITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("IPCITY_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("IPCITY_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("IPCITY_FROM_EMAIL", "ipcity@localhost")

# Uploads: largest accepted file; background jobs run in threads (synchronously in tests).
IPCITY_MAX_UPLOAD_BYTES = env_int("IPCITY_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Tables read from uploads and imports (ipcity/lib/uploads.py): an uploaded .xlsx inflated (web only),
# rows and filled columns of a sheet or CSV file, characters in one cell (CLI imports too).
IPCITY_MAX_UNCOMPRESSED_BYTES = env_int("IPCITY_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IPCITY_MAX_IMPORT_ROWS = env_int("IPCITY_MAX_IMPORT_ROWS", 2_000_000)
IPCITY_MAX_IMPORT_COLUMNS = env_int("IPCITY_MAX_IMPORT_COLUMNS", 500)
IPCITY_MAX_CELL_CHARS = env_int("IPCITY_MAX_CELL_CHARS", 1024 * 1024)
IPCITY_JOBS_SYNC = env_bool("IPCITY_JOBS_SYNC", False)
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
