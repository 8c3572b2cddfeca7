"""Settings for the Central Access Point.

Everything that differs between a laptop and production comes from the
environment (see config/env.py); a missing or bad production value stops the
process at start rather than running with a guess.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names the service answers on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "core",
    "accounts",
    "cap",
    "triage",
    "scheduling",
    "careplans",
    "directory",
    "hub",
    "simulation",
    "access",
    "adjustments",
    "letters",
    "messaging",
    "bars",
    "reporting",
    "fhir_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.no_store",  # below WhiteNoise: static files keep their cache lifetimes
    "core.middleware.api_json_as_download",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second step.
    "django_otp.middleware.OTPMiddleware",
    # Before KeptWorkMiddleware, so typing kept across a sign-in is given back only once
    # the second step is passed (accounts/middleware.py).
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "accounts.kept_work.KeptWorkMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.absolute_session_timeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A person's page refused for want of a care relationship answers with the break-glass page.
    "access.middleware.BreakGlassMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
FORM_RENDERER = "core.forms.NHSFormRenderer"

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
                "accounts.context_processors.navigation",
                "triage.context_processors.unread_alerts",
            ],
            # The NHS style's dates, times and NHS numbers on every template (core.formatting),
            # and labels in place of stored codes (triage.labels).
            "builtins": ["core.templatetags.nhs_style", "triage.templatetags.labels"],
        },
    },
]

# PostgreSQL is the system of record; there is deliberately no SQLite fallback.
DATABASES = {
    "default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cap",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Refuses what is guessable however long: words, names, dates, keyboard patterns,
    # the user's own details and the trust's name (accounts/passwords.py).
    {"NAME": "accounts.passwords.ZxcvbnValidator",
     "OPTIONS": {"min_score": env_int("PASSWORD_MIN_SCORE", 3)}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with its role check in one statement.
    "accounts.backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # day boundaries and display; everything is stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"  # nhsuk-frontend's stylesheet refers to /assets/images/
STATIC_ROOT = BASE_DIR / ".local" / "static"
NHSUK_FRONTEND = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", NHSUK_FRONTEND),
    ("images", NHSUK_FRONTEND / "assets" / "images"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Attachments (referral letters) live outside the web root and are served only
# through views that check the user's role.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".local" / "private")))
# The largest file a page takes (a referral letter), unless its view declares another
# (core.uploads.upload_limit): a request is not read past it (core.uploads).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
REFERRAL_ATTACHMENT_MAX_BYTES = UPLOAD_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Sessions, login and lockout ------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)  # idle timeout
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True

# --- Reading people's records (access.rules) --------------------------------
# How long a break-glass grant lets its reader read a person's record without a care
# relationship; long enough for the emergency, short enough to be asked again tomorrow.
ACCESS_BREAK_GLASS_MINUTES = env_int("ACCESS_BREAK_GLASS_MINUTES", 30)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in (accounts/two_factor.py) is always on: there is no setting to turn it
# off. Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = "Central Access Point"
# The admin site's device pages never show a secret key or a QR code of one.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Security headers --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# The client's address, for login lockout and the public form's rate limit (one rule
# for both, in core/proxy.py). Behind the proxy it is the right-most address the
# trusted proxies added to X-Forwarded-For (a client can forge the left-most); without
# a proxy X-Forwarded-For is ignored, since any client could send one.
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "https://assets.nhs.uk"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds before a mail server that does not answer gives up, so an email task never hangs.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Central Access Point <cap@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API -----------------------------------------------------------------------
# Other systems send `Authorization: Token <key>`: a knox token of an API client
# (accounts.ApiClient), kept only as a hash and expiring (docs/adr/0012).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 90 * 24)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be at least 1.")
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS), "AUTO_REFRESH": False}
# Requests per client (a system or a signed-in user), referrals sent per client, and
# requests per address to the API's public endpoints: count/period, period s, m, h or d.
API_THROTTLE_USER_RATE = env_rate("API_THROTTLE_USER_RATE", "3600/h")
API_THROTTLE_REFERRALS_RATE = env_rate("API_THROTTLE_REFERRALS_RATE", "600/h")
API_THROTTLE_ANON_RATE = env_rate("API_THROTTLE_ANON_RATE", "60/m")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        # A browser session counts only once it has passed the second step of sign-in.
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.ClientThrottle", "core.throttles.AnonymousThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",  # at most core.api.MAX_PAGE_SIZE rows
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Central Access Point API",
    "DESCRIPTION": "Referrals, triage and bookings for mental health and learning disability services.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name ("status") get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "cap.models.ReferralStatus",
                            "AdjustmentFlagStatusEnum": "adjustments.models.FlagStatus"},
    # A record's id in a path (core.converters): a whole number of up to 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_error_responses",
        "core.openapi.fhir_operation_paths",
    ],
}

# --- Celery ------------------------------------------------------------------------
# Tasks acknowledge late and are idempotent, so a worker killed mid-task loses
# nothing; wait targets are found by polling due instants in PostgreSQL, never by
# countdowns in Redis (see docs/adr/0001-breach-watching-by-polling.md).
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
BREACH_SCAN_SECONDS = env_int("BREACH_SCAN_SECONDS", 60)
# The dashboard turns the watcher's heartbeat red when no scan finished for this long.
BREACH_SCAN_OVERDUE_SECONDS = env_int("BREACH_SCAN_OVERDUE_SECONDS", 3 * BREACH_SCAN_SECONDS)
# Targets per transaction of a scan (a killed worker loses at most one batch's work, redone).
BREACH_SCAN_BATCH_SIZE = env_int("BREACH_SCAN_BATCH_SIZE", 1000)
# Database connections a scan shares a burst among (more than one batch due at once).
BREACH_SCAN_CONNECTIONS = env_int("BREACH_SCAN_CONNECTIONS", 2)
# The performance summaries take in changes this often; the dashboard's line for the share
# of each target met in time.
PERFORMANCE_REFRESH_SECONDS = env_int("PERFORMANCE_REFRESH_SECONDS", 300)
# Referrals waiting for a booking are searched this often for slot issues (no time before
# the target, or no team, template or practitioner for what triage decided).
SLOT_ISSUE_SCAN_SECONDS = env_int("SLOT_ISSUE_SCAN_SECONDS", 15 * 60)
PERFORMANCE_TARGET_SHARE = env_int("PERFORMANCE_TARGET_SHARE", 95)
# Unacknowledged breaches of 24/7 targets are told again at this interval until met.
ALERT_REPEAT_MINUTES = env_int("ALERT_REPEAT_MINUTES", 15)
# Every open referral accounted for (triage.accounted): checked this often.
ACCOUNTED_WATCH_SECONDS = env_int("ACCOUNTED_WATCH_SECONDS", 300)
# --- GOV.UK Notify: appointment confirmations and reminders (messaging/) ---------------
# Without a key (the demo) messages are written and kept, never sent.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# One Notify template per channel, each showing its ((subject)) and ((body)); the letter's
# also takes the address lines.
NOTIFY_TEMPLATE_SMS = env_str("NOTIFY_TEMPLATE_SMS", "")
NOTIFY_TEMPLATE_EMAIL = env_str("NOTIFY_TEMPLATE_EMAIL", "")
NOTIFY_TEMPLATE_LETTER = env_str("NOTIFY_TEMPLATE_LETTER", "")
if NOTIFY_API_KEY and not (NOTIFY_TEMPLATE_SMS and NOTIFY_TEMPLATE_EMAIL and NOTIFY_TEMPLATE_LETTER):
    raise ImproperlyConfigured("With NOTIFY_API_KEY set, set NOTIFY_TEMPLATE_SMS, NOTIFY_TEMPLATE_EMAIL "
                               "and NOTIFY_TEMPLATE_LETTER to the templates' ids.")
# Seconds before Notify is given up on for one request; a sender's claim lasts three times it.
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10)
# A message Notify could not take is tried again after this many seconds, doubling each time
# (at most an hour apart), and is marked failed after NOTIFY_MAX_ATTEMPTS tries.
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
MESSAGE_SEND_SECONDS = env_int("MESSAGE_SEND_SECONDS", 60)
# GOV.UK Notify's delivery receipts are posted to /api/v1/notify/delivery-receipts/ with
# this bearer token (set the same in Notify's callback settings); empty: refused.
NOTIFY_CALLBACK_TOKEN = env_str("NOTIFY_CALLBACK_TOKEN", "")
# BaRS (bars/): the responses to senders go only to these hosts ("*": any; empty: none, so
# each is recorded as failed and can be seen), are tried this many times, and the outbox is
# swept this often. The CAP names itself in them as BARS_SOURCE_NAME at BARS_SOURCE_ENDPOINT.
BARS_RESPONSE_HOSTS = env_list("BARS_RESPONSE_HOSTS", "")
BARS_RESPONSE_ATTEMPTS = env_int("BARS_RESPONSE_ATTEMPTS", 8)
BARS_RESPONSE_SEND_SECONDS = env_int("BARS_RESPONSE_SEND_SECONDS", 30)
BARS_SOURCE_NAME = env_str("BARS_SOURCE_NAME", "Central Access Point")
BARS_SOURCE_ENDPOINT = env_str("BARS_SOURCE_ENDPOINT", "https://cap.example.nhs.uk/fhir/R4/$process-message")
# The person's text replies (confirm, cancel, rebook) are read from Notify this often.
NOTIFY_REPLIES_SECONDS = env_int("NOTIFY_REPLIES_SECONDS", 60)
# Open Referral UK APIs of other directories (local authority, VCS) read into the
# directory every day at DIRECTORY_FEED_HOUR (UTC); none by default.
DIRECTORY_FEEDS = env_list("DIRECTORY_FEEDS", "")
DIRECTORY_FEED_HOUR = env_int("DIRECTORY_FEED_HOUR", 4)
CELERY_BEAT_SCHEDULE = {
    "read-replies": {
        "task": "messaging.tasks.read_replies_task",
        "schedule": NOTIFY_REPLIES_SECONDS,
        "options": {"expires": NOTIFY_REPLIES_SECONDS},
    },
    "send-due-messages": {
        "task": "messaging.tasks.send_due_messages_task",
        "schedule": MESSAGE_SEND_SECONDS,
        "options": {"expires": MESSAGE_SEND_SECONDS},
    },
    "send-bars-responses": {
        "task": "bars.tasks.send_bars_responses_task",
        "schedule": BARS_RESPONSE_SEND_SECONDS,
        "options": {"expires": BARS_RESPONSE_SEND_SECONDS},
    },
    "scan-breaches": {
        "task": "triage.tasks.scan_breaches_task",
        "schedule": BREACH_SCAN_SECONDS,
        "options": {"expires": BREACH_SCAN_SECONDS},
    },
    "release-expired-holds": {
        "task": "scheduling.tasks.release_expired_holds_task",
        "schedule": 60,
        "options": {"expires": 60},
    },
    "find-slot-issues": {
        "task": "scheduling.tasks.find_slot_issues_task",
        "schedule": SLOT_ISSUE_SCAN_SECONDS,
        "options": {"expires": SLOT_ISSUE_SCAN_SECONDS},
    },
    "refresh-performance": {
        "task": "triage.tasks.performance_refresh_task",
        "schedule": PERFORMANCE_REFRESH_SECONDS,
        "options": {"expires": PERFORMANCE_REFRESH_SECONDS},
    },
    "remove-old-held-uploads": {
        "task": "cap.tasks.remove_old_held_uploads_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    "watch-accounted": {
        "task": "triage.tasks.watch_accounted_task",
        "schedule": ACCOUNTED_WATCH_SECONDS,
        "options": {"expires": ACCOUNTED_WATCH_SECONDS},
    },
    # Expired sessions hold what people typed (a self-referral's answers) until deleted.
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=3, minute=15),  # daily, in the quiet of the night (UTC)
        "options": {"expires": 3600},
    },
    "fetch-directory-feeds": {
        "task": "directory.tasks.fetch_directory_feeds_task",
        "schedule": crontab(hour=DIRECTORY_FEED_HOUR, minute=30),
        "options": {"expires": 3600},
    },
    "send-alert-emails": {
        "task": "triage.tasks.send_alert_emails_task",
        "schedule": 5 * BREACH_SCAN_SECONDS,
        "options": {"expires": 5 * BREACH_SCAN_SECONDS},
    },
}

# --- The service's own settings ----------------------------------------------------
# The address people reach the service on, for links in emails.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# Referrals sent from the public online form per client address that go straight through
# (django-ratelimit syntax); beyond it each waits its turn (cap.public_limits): the first
# PUBLIC_REFERRAL_WAIT_SECONDS after the address's last, the next twice that, and so on.
PUBLIC_REFERRAL_RATE = env_str("PUBLIC_REFERRAL_RATE", "10/h")
PUBLIC_REFERRAL_WAIT_SECONDS = env_int("PUBLIC_REFERRAL_WAIT_SECONDS", 30)
# The public form stays open if Redis is down: PostgreSQL, not the rate limiter, keeps
# submissions from being duplicated.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "core.proxy.client_ip"
RATELIMIT_VIEW = "core.views.rate_limited"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Where the trust has a separate children's triage and navigation hub.
CHILDREN_HUB_ENABLED = env_bool("CHILDREN_HUB_ENABLED", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {
            "()": "core.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "INFO"},
        # WeasyPrint logs each step of every letter it prints, and every rule of the screen
        # stylesheet it does not use (media queries, the web font it is not allowed to
        # fetch): only its errors (a picture it could not draw) are worth reading.
        "weasyprint": {"level": "ERROR"},
    },
}
