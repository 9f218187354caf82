"""Qudao settings, read from the environment with dev-safe defaults (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but a clear yes/no is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-qudao"  # noqa: S105 - development default only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# Links in e-mails and webhooks (alerts) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Alert e-mails: printed to the console unless an SMTP backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND",
                               "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qudao@localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "treebeard",
    "qudao.core",
    "qudao.accounts",
    "qudao.territories",
    "qudao.dealers",
    "qudao.catalog",
    "qudao.agreements",
    "qudao.orders",
    "qudao.finance",
    "qudao.stock",
    "qudao.imports",
    "qudao.analytics",
    "qudao.alerts",
    "qudao.service",
    "qudao.visits",
    "qudao.events",
    "qudao.recruitment",
    "qudao.evaluation",
    "qudao.tiers",
    "qudao.performance",
    "qudao.retail",
    "qudao.dashboard",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "qudao.urls"
WSGI_APPLICATION = "qudao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qudao.core.context_processors.navigation",
            ],
        },
    },
]

# No DATABASE_URL means an SQLite file: nothing to install for the demo. IMMEDIATE
# transactions make atomic blocks serialise writers, as row locks do on PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:  # dj_database_url raises plain exceptions on bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "qudao.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["qudao.accounts.backends.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed-login throttling: this many failures for one user name (or one address)
# within the window lock further attempts until the window has passed.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
# Periodic work for `celery beat` (production, with a broker); in the embedded default
# the same jobs run from their management commands (e.g. expire_agreements).
CELERY_BEAT_SCHEDULE = {
    "refresh-facts": {"task": "analytics.refresh_facts", "schedule": crontab(minute="*/10")},
    "expire-agreements": {"task": "agreements.expire", "schedule": crontab(hour=0, minute=10),
                          "options": {"expires": 3600}},
    # The changed dealers every quarter hour, 7 minutes past: the task refreshes the facts
    # itself, and off the tenth minutes two refreshes never rewrite the same months at once.
    "scan-alerts-changed": {"task": "alerts.scan_changed",
                            "schedule": crontab(minute="7,22,37,52"),
                            "options": {"expires": 600}},
    "scan-alerts": {"task": "alerts.scan", "schedule": crontab(hour=1, minute=30),
                    "options": {"expires": 3600}},
    "escalate-alerts": {"task": "alerts.escalate", "schedule": crontab(minute=0),
                        "options": {"expires": 1800}},
    # Webhook retries come due minutes apart; the morning digest before the working day.
    "deliver-alerts": {"task": "alerts.deliver", "schedule": crontab(minute="*"),
                       "options": {"expires": 55}},
    "digest-alerts": {"task": "alerts.digest", "schedule": crontab(hour=7, minute=30),
                      "options": {"expires": 3600}},
    # Service requests past a deadline go up a level; resolved ones close after a week.
    "escalate-service": {"task": "service.escalate", "schedule": crontab(minute="*/5"),
                         "options": {"expires": 240}},
    "auto-close-service": {"task": "service.auto_close", "schedule": crontab(hour=2, minute=0),
                           "options": {"expires": 3600}},
    "close-past-events": {"task": "events.close_past", "schedule": crontab(hour=2, minute=30),
                          "options": {"expires": 3600}},
    "tiers-probations-overdue": {"task": "tiers.probations_overdue",
                                 "schedule": crontab(hour=0, minute=20),
                                 "options": {"expires": 3600}},
}

PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "25"))

# The manufacturer's party details, printed on every new agreement (R-AG-01).
MANUFACTURER = {
    "name": os.environ.get("MANUFACTURER_NAME", "渠道示范食品有限公司"),
    "legal_representative": os.environ.get("MANUFACTURER_LEGAL_REPRESENTATIVE", "王建国"),
    "address": os.environ.get("MANUFACTURER_ADDRESS", "河北省石家庄市长安区中山东路 88 号"),
    "phone": os.environ.get("MANUFACTURER_PHONE", "0311-86000000"),
    "bank_account": os.environ.get("MANUFACTURER_BANK_ACCOUNT",
                                   "中国工商银行石家庄分行 0402020009300000000"),
}
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "50"))
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
# Import files larger than this are refused before parsing.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Historical order and payment files are larger (1M order lines is about 55 MB).
HISTORY_IMPORT_MAX_BYTES = int(os.environ.get("HISTORY_IMPORT_MAX_BYTES", str(1024 ** 3)))

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
