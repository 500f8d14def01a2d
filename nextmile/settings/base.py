"""Settings shared by every environment, read from the environment with dev-safe defaults.

Nothing configured gives SQLite under var/ and an embedded filesystem broker, so `make run`
works on a bare machine with a real Celery worker. DATABASE_URL / CELERY_BROKER_URL switch to
PostgreSQL and Redis (tests, CI, docker-compose, production).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Project apps, in dependency order (lower first): seed_demo follows this order, and the
# tenancy and roles matrices walk the URLs of exactly these.
PROJECT_APPS = (
    "dsps",
    "fleet",
    "drivers",
    "routes",
    "billing",
    "network",
    "analytics",
    "integrations",
    "compliance",
    "supplies",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nextmile.middleware.SecurityHeadersMiddleware",
    "nextmile.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dsps.middleware.StationTimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nextmile.dates.DateOutOfRangeMiddleware",
]

SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

ROOT_URLCONF = "nextmile.urls"
WSGI_APPLICATION = "nextmile.wsgi.application"
ASGI_APPLICATION = "nextmile.asgi.application"

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
                "dsps.context_processors.tenancy",
                "nextmile.context_processors.site",
            ],
            "builtins": ["nextmile.money_filters"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'nextmile.sqlite3'}"),
}
# The embedded default is shared by the web process and a real worker: WAL lets readers run
# beside one writer, IMMEDIATE takes the write lock up front (no upgrade deadlock), and the
# timeout makes a second writer wait instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "dsps.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth: e-mail + password, no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
# Sign-in rate limits: allauth counts in the cache (Redis when configured).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request comes from the proxy's address, which would make the
# per-IP limits above one global limit. Name how many proxies you run (allauth then takes the
# client from X-Forwarded-For, counted from the right) or the header your proxy sets.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None
# `seed_demo` creates users with a published password; production settings turn it off.
DEMO_DATA_ALLOWED = True
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://nextmile"),
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads: Django refuses request bodies above this; each form checks its own file limit too.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_DOCUMENT_UPLOAD_BYTES = env.int("MAX_DOCUMENT_UPLOAD_BYTES", default=10 * 1024 * 1024)
# No request body may declare more than this (a manifest is at most 20 MB, plus the form).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="NextMile <no-reply@nextmile.example>")

# Map tiles are a setting: pages still draw markers and lines when tiles cannot load.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors")

# Requests one API key may make (DRF rate syntax); over it the API answers 429 + Retry-After.
API_KEY_RATE = env.str("API_KEY_RATE", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dsps.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["dsps.authentication.ApiKeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "nextmile.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "nextmile.api.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "nextmile.schema.NextMileAutoSchema",
    "EXCEPTION_HANDLER": "nextmile.api.exception_handler",
    "DEFAULT_METADATA_CLASS": "nextmile.api.Metadata",
    "DEFAULT_PARSER_CLASSES": [
        "nextmile.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NextMile API",
    "DESCRIPTION": "Operations platform for a last-mile delivery partner program.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The docs open fast with every tag folded; the filter box finds an operation by tag.
    "SWAGGER_UI_SETTINGS": {
        "docExpansion": "none",
        "defaultModelsExpandDepth": -1,
        "filter": True,
        "deepLinking": True,
        "persistAuthorization": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`; name each enum after its model instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "VehicleKindEnum": "fleet.models.VehicleKind",
        "TerritoryRequestKindEnum": "dsps.models.TerritoryRequest.Kind",
        "DriverDocumentKindEnum": "drivers.models.DriverDocument.Kind",
        "SafetyIncidentKindEnum": "drivers.models.SafetyIncident.Kind",
        "InspectionKindEnum": "fleet.models.Inspection.Kind",
        "RepairKindEnum": "fleet.models.Repair.Kind",
        "TierEnum": "billing.models.Tier",
        "StatementLineKindEnum": "billing.models.StatementLine.Kind",
        "StatementStatusEnum": "billing.models.Statement.Status",
        "DisputeStatusEnum": "billing.models.Dispute.Status",
        "DisruptionKindEnum": "routes.models.Disruption.Kind",
        "ReplanJobKindEnum": "routes.models.ReplanJob.Kind",
        "PayDiscrepancyStatusEnum": "billing.models.PayDiscrepancy.Status",
        "CatalogItemKindEnum": "supplies.models.CatalogItem.Kind",
        "SupplyOrderStatusEnum": "supplies.models.Order.Status",
        "ActionCreateKindEnum": "compliance.serializers.ACTION_KINDS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nextmile.schema.local_times_hook",
        "nextmile.schema.shared_errors_hook",
    ],
}

# Celery. With no broker configured, kombu's filesystem transport lets a real worker run on
# a bare machine (memory:// would accept tasks and never run them).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Billing's beat jobs go to the default queue; a test names a private one for its own worker.
BILLING_QUEUE = env("BILLING_QUEUE", default="default")
CELERY_TASK_ROUTES = {
    "routes.plan_*": {"queue": "optimize"},
    "billing.*": {"queue": BILLING_QUEUE},
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One beat process runs these (`make run` starts it inside the worker with -B; in production
# run `celery -A nextmile beat` once, see docs/operations.md). Every task is idempotent.
CELERY_BEAT_SCHEDULE = {
    # Hourly: a week closes at midnight in each station's own timezone.
    "billing-week-close": {
        "task": "billing.week_close",
        "schedule": env.float("BILLING_WEEK_CLOSE_INTERVAL_S", default=3600.0),
    },
    "prune-location-pings": {"task": "routes.prune_location_pings", "schedule": 24 * 3600},
    # Every minute: fail solves whose worker died (no heartbeat), so their days can be planned.
    "sweep-stale-plan-runs": {"task": "routes.plan_runs_sweep_stale", "schedule": 60.0},
    # Hourly: a leaving DSP's dispatchers and drivers lose access on its exit date.
    "compliance-accounts-close": {
        "task": "compliance.offboarding_accounts_close_due",
        "schedule": 3600.0,
    },
}
# Drivers' location pings older than this are deleted by the nightly prune.
LOCATION_PING_RETENTION_DAYS = env.int("LOCATION_PING_RETENTION_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Program defaults (dsps onboarding, market assessment) until billing has versioned rate cards.
PROGRAM_STOPS_PER_ROUTE = env.int("PROGRAM_STOPS_PER_ROUTE", default=180)
PROGRAM_DEFAULT_RATES = {"route": "230.00", "package": "0.60"}
PROGRAM_TERRITORY_MAX_KM = env.int("PROGRAM_TERRITORY_MAX_KM", default=60)

# Billing: the program week starts on this weekday (0 = Monday … 6 = Sunday) in the station's
# timezone; disputes stay open this many days after approval; fuel and charging prices per unit.
BILLING_WEEK_START_WEEKDAY = env.int("BILLING_WEEK_START_WEEKDAY", default=6)
BILLING_DISPUTE_WINDOW_DAYS = env.int("BILLING_DISPUTE_WINDOW_DAYS", default=14)
# Dollars per litre or kWh by fuel: the planner's route estimates and billing's energy costs
# (nextmile/energy.py).
ENERGY_PRICES = {"diesel": "1.05", "gasoline": "0.95", "electric": "0.16"}
BILLING_OVERTIME_AFTER_HOURS = 40
BILLING_OVERTIME_MULTIPLIER = "1.5"

# Webhooks (integrations/sender.py has the other defaults): private, loopback or link-local
# addresses a webhook may still be sent to. None in production.
WEBHOOK_ALLOWED_PRIVATE_ADDRESSES = env.list("WEBHOOK_ALLOWED_PRIVATE_ADDRESSES", default=[])
# A route the DSP gives back (unassigns) less than this many hours before its departure and
# does not cover again is charged as a late cancellation, not as an uncovered route.
BILLING_LATE_CANCELLATION_CUTOFF_HOURS = env.int(
    "BILLING_LATE_CANCELLATION_CUTOFF_HOURS", default=12
)
