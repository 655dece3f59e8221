from .base import *  # noqa
DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = None
if os.environ.get("X"):
    DEBUG = True
REST_FRAMEWORK = {"PAGE_SIZE": 50, "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination"}
