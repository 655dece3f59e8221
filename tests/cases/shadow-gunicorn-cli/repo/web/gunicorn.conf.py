bind = "0.0.0.0:8000"
workers = 5
threads = 2
timeout = 60
