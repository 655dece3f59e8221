DEBUG = False
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
        "CONN_MAX_AGE": 0,
    }
}
CELERY_WORKER_CONCURRENCY = 4
