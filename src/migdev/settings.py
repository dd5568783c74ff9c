"""Django settings for migdev, read from the environment.

Development (the default) runs on a SQLite file under ``var/``; production sets ``DATABASE_URL``,
``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``ALLOWED_HOSTS`` and ``MIGDEV_DEBUG=0``.
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from migdev.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("MIGDEV_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("MIGDEV_DEBUG", default=True)


def _private_data_dir() -> None:
    """The data directory holds keys and the development database: nobody but its owner may list or read
    it. Created 0700; one this code created earlier with looser rights is tightened."""
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if DATA_DIR.stat().st_mode & 0o077 and (DATA_DIR / "field_key").exists():
        DATA_DIR.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (never readable by others, not even for an instant), or take
    away group and world rights from an existing one."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)


def _development_key(file_name: str, make: Callable[[], str]) -> str:
    """A per-checkout key kept in the data directory (never in the database), so that sessions and
    encrypted development data survive restarts. Production passes every key in the environment."""
    _private_data_dir()
    key_file = DATA_DIR / file_name
    if not key_file.exists() or key_file.stat().st_size == 0:
        _private_file(key_file)
        key_file.write_text(make(), encoding="utf-8")
    _private_file(key_file)
    return key_file.read_text(encoding="utf-8").strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = env_str("SECRET_KEY") or (
    _development_key("secret_key", lambda: secrets.token_urlsafe(64)) if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY (or SECRET_KEY_FILE) must be set when MIGDEV_DEBUG is off.")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])


# Identifying fields of every module (migdev.protection): Fernet keys, newest first (older ones only decrypt,
# until `migdev rotate_field_keys` has re-encrypted every row), and a separate key for the duplicate index.
MIGDEV_FIELD_KEYS = env_list("MIGDEV_FIELD_KEYS", []) or (
    [_development_key("field_key", _fernet_key)] if DEBUG else []
)
MIGDEV_BLIND_INDEX_KEY = env_str("MIGDEV_BLIND_INDEX_KEY") or (
    _development_key("blind_index_key", lambda: secrets.token_urlsafe(48)) if DEBUG else ""
)

# The right-hand side of every calendar entry's UID. Fixed, not taken from the request: a UID that changed
# with the Host header would make subscribed calendars duplicate every meeting.
MIGDEV_CALENDAR_UID_DOMAIN = env_str("MIGDEV_CALENDAR_UID_DOMAIN") or "calendar.migdev"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "migdev.core",
    "migdev.reference",
    "migdev.accounts",
    "migdev.audit",
    "migdev.dataio",
    "migdev.jobs",
    "migdev.protection",
    "migdev.trafficking",
    "migdev.indicators",
    "migdev.remittances",
    "migdev.coordination",
    "migdev.skills",
    "migdev.labour",
    "migdev.diaspora",
    "migdev.law",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "migdev.core.middleware.HeadAsGetMiddleware",
    "migdev.core.middleware.RejectNulInApiInputMiddleware",
    "migdev.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "migdev.accounts.middleware.IdleTimeoutMiddleware",
    "migdev.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "migdev.urls"
WSGI_APPLICATION = "migdev.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "migdev.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'migdev.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _database_file = str(DATABASES["default"]["NAME"])
    if _database_file and _database_file != ":memory:" and not _database_file.startswith("file:"):
        # SQLite creates the file (and its -wal and -shm companions, which copy its mode) with the umask's
        # 0644: made 0600 first, case data in the demo database is never world-readable.
        if Path(_database_file).parent == DATA_DIR:
            _private_data_dir()
        if Path(_database_file).parent.is_dir():
            _private_file(Path(_database_file))
    # WAL lets the web process read while the job worker writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["migdev.core.db_routers.PrimaryReplicaRouter"]

# One cache shared by every app server: rate limits and throttles must count across processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "migdev_cache",
        # Django's default of 300 entries culls a third of the table (in key order, so also the indicators'
        # data version and the pages just computed) as soon as a few dozen pages are cached.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend's sign-in, with permissions taken from roles only (see migdev.accounts.access).
    "migdev.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Set-password links handed to new users (and by administrators on request) expire after this many seconds.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

OTP_TOTP_ISSUER = "migdev"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# Content security: nothing inline, nothing from another host.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Django's DEBUG error page would otherwise show case values from the frames of a failing request.
DEFAULT_EXCEPTION_REPORTER_FILTER = "migdev.trafficking.reporting.AlwaysSafeExceptionReporterFilter"
TRAFFICKING_RETENTION_YEARS = env_int("TRAFFICKING_RETENTION_YEARS", 10)

# API
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
API_PAGE_SIZE_MAX = 500
# Shortlists kept in the database while their inputs stay the same (migdev.core.kept, ADR 0014); off:
# every shortlist is computed (the benchmarks measure both).
KEPT_ANSWERS = env_bool("MIGDEV_KEPT_ANSWERS", default=True)

# Background jobs run on a database-backed queue (migdev.jobs); in tests they run at once.
JOBS_RUN_IMMEDIATELY = env_bool("JOBS_RUN_IMMEDIATELY", default=False)

# Imports: the largest file accepted by the upload form and by `migdev load`.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# Limits every reader of migdev.dataio.readers applies, each refused with its own message (see
# docs/operations.md). XLSX workbooks are zip archives: their members' declared sizes are checked before
# anything is decompressed, and a member that expands more than the ratio is refused as a zip bomb.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5_000_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 2_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32_767)  # Excel's own limit for one cell
IMPORT_MAX_XML_DEPTH = env_int("IMPORT_MAX_XML_DEPTH", 64)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 900)
# Address space an import run by the job worker (uploads from the import page) may add; 0 = no limit.
IMPORT_MAX_MEMORY_BYTES = env_int("IMPORT_MAX_MEMORY_BYTES", 3 * 1024 * 1024 * 1024)
# Replacing values of an edition that already holds data needs the user's confirmation (`migdev load
# --replace`, the box on the import page). Loads that only add values, or remove at most this share of
# the edition's values without changing any, go ahead unconfirmed; 0.0 asks for every removal.
IMPORT_CONFIRM_REMOVED_SHARE = float(env_str("IMPORT_CONFIRM_REMOVED_SHARE", "0.0"))
# A document kept with a trafficking case (encrypted in storage; read whole to encrypt and decrypt).
CASE_ATTACHMENT_MAX_BYTES = env_int("CASE_ATTACHMENT_MAX_BYTES", 20 * 1000 * 1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Modules in the navigation, in order. A module without an app yet shows one line saying so.
MIGDEV_MODULES = [
    "trafficking",
    "indicators",
    "remittances",
    "coordination",
    "skills",
    "labour",
    "diaspora",
    "law",
]

# Email is optional. Without EMAIL_HOST nothing is ever sent: administrators pass set-password links on by
# hand. With it, the user administration pages also offer to email the link.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "migdev@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
