"""Test settings: the same as base, with jobs always eager and fast hashing.

Only ``tests/integration`` talks to a real Celery worker; it switches eager mode
off itself.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR
from .base import STORAGES as BASE_STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
ENGINE_STORAGE_ROOT = BASE_DIR / "var" / "test-engine"
STORAGES = {
    **BASE_STORAGES,
    "engine": {**BASE_STORAGES["engine"], "OPTIONS": {"location": str(ENGINE_STORAGE_ROOT)}},
}
# Tests run without collectstatic: WhiteNoise serves from the app directories.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Django's test client logs in without a request, which the lockout backend refuses.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.TestClientLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
