"""Docstring with 'quotes' and {braces}"""
import os, sys
A = 1; B = 2 ** 10 // 3 % 7 - -1
C = (A + B) * 2 if A else 0
D = {"x": [1, 2, (3,)], **{"y": None}, 'z': {'deep': {'er': r"\d+"}}}
E = f"{A}-{D['x'][0]}-{{lit}}" + b"bytes".decode() if False else "s" * 3
F = A, B
G, H = 1, 2
try:
    from .local import *
except ImportError:
    pass
class K:
    X = 1
def f(x=1, *a, **k):
    return x
while False:
    A = 9
DEBUG = os.environ.get('DEBUG', 'False').lower() in ('1', 'true', 'yes')
W = int(os.getenv("WORKERS", "2")) * 2
L = [x for x in range(10) if x]
M = lambda x: x + 1
N = 0x1F + 0o17 + 0b11 + 1_000 + 1e3 + .5 + 3j
S = 'unterminated
T = """multi
line""" '''more'''
U = "%s://%s:%d" % ("redis", "h", 6379)
DATABASES = {"default": {"CONN_MAX_AGE": None, "OPTIONS": {"pool": {"min_size": 2, "max_size": 4}}}}
DATABASES['default']['PORT'] += 1
INSTALLED_APPS = []
INSTALLED_APPS += ["a"]
INSTALLED_APPS.append("b")
