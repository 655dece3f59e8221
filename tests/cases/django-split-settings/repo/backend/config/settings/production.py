from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["shop.example.com"]
DATABASES["default"]["HOST"] = "postgres"
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CACHES["default"]["LOCATION"] = "redis://redis:6379/2"
REST_FRAMEWORK["PAGE_SIZE"] = 50
