"""Every setting, read from the environment with defaults that need nothing but Python.

Unset ``DATABASE_URL`` means an SQLite file; unset ``REDIS_URL`` means Celery runs
jobs in the calling process (eager mode) and the cache is local memory.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file fills in what the environment leaves unset; DJANGO_READ_DOT_ENV=0
# ignores it (the deployment checks run with exactly the variables they give).
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# GENERAL
# ------------------------------------------------------------------------------
# Off unless asked for: a debug page shows settings and code to whoever triggers an error.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Development-only key; production.py requires DJANGO_SECRET_KEY instead.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-insecure-9d1c5b0f3e7a4c2b8e6f1a0d7c3b5e9f2a4d6c8e0b1f3a5c",
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
USE_TZ = True
SITE_NAME = env("SITE_NAME", default="GVC Link")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before a request (or a job) reuses it, so one broken by a
# database restart is replaced at once instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI's scripts and styles, served from this site so the docs work offline
    # and under the Content-Security-Policy.
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    # The apps, lowest layer first (pyproject.toml's import contracts keep this order).
    "companies",
    "notifications",
    "clusters",
    "matching",
    "consortia",
    "workspaces",
    # Last: its ready() loads every app's receivers.
    "sme_platform",
]

MIDDLEWARE = [
    # First, so that a view that loses the database answers 503 (its process_exception
    # runs after every other middleware's); sme_platform.urls.handler500 answers the
    # errors of the middleware below it.
    "sme_platform.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every refused request (401, 403, 404, 429) on the sme_platform.security log.
    "sme_platform.security_log.DeniedAccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sme_platform.pages.UserTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees a log-in refused by the lockout and answers it.
    "axes.middleware.AxesMiddleware",
]

# SECURITY HEADERS
# ------------------------------------------------------------------------------
# Every page loads its scripts and styles from this site's own static files: no inline
# script, event handler, style attribute or <style> block anywhere (tests/test_templates_csp.py
# scans the templates), so the policy allows neither 'unsafe-inline' nor 'unsafe-eval'.
# A view that sets its own policy keeps it: evidence files are served with "sandbox".
# data: images are the blank favicon and the icons inside Swagger UI's stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "sme_platform.urls"
WSGI_APPLICATION = "sme_platform.wsgi.application"

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
                "sme_platform.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "companies.User"
# Sessions live in the database, never in the cache alone: log-in works with Redis down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# The lockout backend comes first: it refuses a locked account or address before any
# password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How long a sign-up's e-mail confirmation link works (seconds); a new one can be asked for.
EMAIL_CONFIRMATION_MAX_AGE = env.int("EMAIL_CONFIRMATION_MAX_AGE", default=3 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# CLIENT ADDRESS, LOG-IN LOCKOUT
# ------------------------------------------------------------------------------
# How many proxies in front of the site append to X-Forwarded-For. 0 ignores the header
# (a client could write anything in it); the throttles, the page limiter and the
# lockout all take the address by this one rule (sme_platform.throttles.client_address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Client addresses that pass every throttle (a load generator on the same host, a
# monitoring probe), comma-separated; empty by default. Failed log-ins still lock.
THROTTLE_EXEMPT_ADDRESSES = env.list("THROTTLE_EXEMPT_ADDRESSES", default=[])
# Failures are kept in the database, not the cache, so the lockout holds when Redis
# is down. An account is locked after this many failures whatever the address, and an
# address after this many whatever the account.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_CLIENT_IP_CALLABLE = "sme_platform.throttles.client_address"
# The form logs in with "username", the token API with "email": both are the address.
AXES_USERNAME_CALLABLE = "companies.services.lockout_username"
# The pages show the lockout on the log-in form itself; the API answers it itself.
AXES_LOCKOUT_CALLABLE = "companies.views.login_locked_out"
# The lockout's own log lines name the account by its user id, not its e-mail address.
AXES_CLIENT_STR_CALLABLE = "sme_platform.security_log.axes_client_str"

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Nothing is served from MEDIA_URL: uploads are read through views that check who asks.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# The engine's index artifacts hold every supplier's data; they live apart from the
# uploads so that no web server configured for media could ever publish them.
ENGINE_STORAGE_ROOT = env.path("ENGINE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "engine"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "engine": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ENGINE_STORAGE_ROOT), "base_url": None},
    },
}
# Evidence files (certificates) are PDFs or images; larger files are refused.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="GVC Link <noreply@gvclink.example>")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# REDIS, CELERY AND CACHE
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# A request that enqueues must answer quickly when Redis is down or hung: the job is
# kept in the outbox (sme_platform.outbox) and sent again later, so waiting on the
# broker buys nothing. Every connection to it, from the web and the workers, for
# messages and for results, gives up after BROKER_TIMEOUT seconds; so does the cache's.
BROKER_TIMEOUT = env.float("BROKER_TIMEOUT", default=0.5)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
    # Nothing in the cache is the only copy: while Redis is away the cache answers as an
    # empty one (sme_platform.cache), so log-in, pages and writes carry on.
    CACHES = {
        "default": {
            "BACKEND": "sme_platform.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": BROKER_TIMEOUT,
                "socket_connect_timeout": BROKER_TIMEOUT,
            },
        }
    }
else:
    # Embedded default: jobs run in the calling process, nothing to start.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
# A job is acknowledged only once it ends (acks late), so a worker killed mid-job
# leaves its message unacknowledged in Redis; any worker hands it out again once it
# has been out for BROKER_VISIBILITY_TIMEOUT seconds. It must be longer than the
# longest job, or a job still running would be started a second time beside itself:
# the longest is a full run's index rebuild or one shard of it, minutes at a million
# suppliers, so an hour leaves a wide margin. A retry's countdown (at most 10 minutes,
# sme_platform.tasks) also waits unacknowledged, so it must stay below this too.
# Workers look for such messages every BROKER_RESTORE_EVERY seconds.
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
BROKER_RESTORE_EVERY = env.int("BROKER_RESTORE_EVERY", default=60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": BROKER_RESTORE_EVERY,
    # Scan on every sweep: the interval alone sets how often.
    "unacked_restore_throttle": 1,
}
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
# One quick second try covers a dropped pooled connection; more would only keep the
# user waiting, as the outbox sweeper retries anyway. The result backend's own default
# (20 tries a second apart) is what held a request for 19 s with Redis down.
BROKER_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    "retry_policy": {**BROKER_RETRY_POLICY, "max_retries": 0},
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = BROKER_RETRY_POLICY
CELERY_BEAT_SCHEDULE: dict = {
    # Requests past their deadline already read as closed; this makes it so in the
    # database, and closes their pending proposals.
    "close-expired-requests": {
        "task": "matching.close_expired_requests_task",
        "schedule": 300.0,
    },
    # Rebuild the index and re-match every open request, nightly.
    "full-match": {
        "task": "matching.scheduled_full_match_task",
        "schedule": crontab(hour=2, minute=0),
    },
    # Jobs whose enqueue failed (broker down or hung) are sent again once it answers.
    "sweep-outbox": {
        "task": "sme_platform.sweep_outbox_task",
        "schedule": 60.0,
    },
    # Refit the factor weights from the week's decisions.
    "learn-weights": {
        "task": "matching.learn_weights_task",
        "schedule": crontab(hour=3, minute=30, day_of_week=0),
    },
}
# Shards of suppliers per full run: each a job any worker can take.
MATCH_SHARDS = env.int("MATCH_SHARDS", default=4)

# REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "sme_platform.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sme_platform.errors.exception_handler",
    # Every API view is throttled per client (anonymous: by address) and per user; the
    # counters live in the cache, and the throttles let requests through while it is away.
    "DEFAULT_THROTTLE_CLASSES": [
        "sme_platform.throttles.AnonRateThrottle",
        "sme_platform.throttles.UserRateThrottle",
    ],
    # Views that guess passwords or make accounts add a scope of their own
    # (sme_platform.throttles.SCOPED_THROTTLES); the pages of the same scope share its
    # rate (sme_platform.throttles.page_throttled).
    "DEFAULT_THROTTLE_RATES": {
        "anon": "120/minute",
        "user": "600/minute",
        "signup": "10/hour",
        "login": "20/minute",
        "token": "20/minute",
        "password_reset": "10/hour",
        # Each resend mails someone: as tight as sign-up, which mails them too.
        "confirm_email": "10/hour",
        "search": "60/minute",
    },
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GVC Link API",
    "DESCRIPTION": "Buyer-supplier matchmaking for SMEs in Asia and the Pacific.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's static files rather than a CDN, and no
    # call to the online validator: the docs work with no internet and under the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Fields called "status" or "kind" exist in several apps with different choices;
    # naming each set keeps the schema's enum names stable and free of warnings.
    "ENUM_NAME_OVERRIDES": {
        "CertificationStatusEnum": "companies.models.Certification.Status",
        "OrganisationKindEnum": "companies.models.Organisation.Kind",
        "OrganisationVerificationEnum": "companies.models.Organisation.Verification",
        "UserRoleEnum": "companies.models.User.Role",
        "UnitEnum": "companies.models.Unit",
        "ProposalStatusEnum": "matching.models.Proposal.Status",
        "ProposalDecisionEnum": "matching.models.Proposal.Decision",
        "DeclineReasonEnum": "matching.models.Proposal.DeclineReason",
        "MatchRunStatusEnum": "matching.models.MatchRun.Status",
        "ClusterStatusEnum": "clusters.models.Cluster.Status",
        "MembershipStatusEnum": "clusters.models.ClusterMembership.Status",
        "MemberImportStatusEnum": "clusters.models.MemberImport.Status",
        "ConsortiumStatusEnum": "consortia.models.Consortium.Status",
        "ConsortiumDeclineReasonEnum": "consortia.models.consortia.DeclineReason",
    },
}

# LOGGING
# ------------------------------------------------------------------------------
# Failed log-ins, lockouts and refused requests go to "sme_platform.security" with user
# ids and addresses (sme_platform.security_log). Every handler of the root logger cleans
# what it writes of passwords, tokens, cookies and e-mail addresses, whoever logged them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "sme_platform.log_redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "sme_platform.security": {"level": env("SECURITY_LOG_LEVEL", default="INFO")},
    },
}
