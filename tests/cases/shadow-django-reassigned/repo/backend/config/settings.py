import os

DEBUG = False
ALLOWED_HOSTS = ["api.example.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
        "HOST": "db",
        "CONN_MAX_AGE": 60,
    }
}

SESSION_COOKIE_AGE = 1209600
CELERY_WORKER_CONCURRENCY = 4

# --- appended for the load test, never removed ---
DEBUG = True
CELERY_WORKER_CONCURRENCY = 16
SESSION_COOKIE_AGE = 1209600
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 2
if os.environ.get("CI"):
    ALLOWED_HOSTS = ["*"]
