import os
import environ
from decouple import config

env = environ.Env()
A = os.environ['POOL_A']
B = os.environ.get('POOL_B', '2')
C = os.getenv('POOL_C')
D = env('POOL_D')
E = env.int('POOL_E', default=5)
F = config('POOL_F', cast=int)
# os.environ['DB_POOL_UNREAD'] in a comment is not a read
