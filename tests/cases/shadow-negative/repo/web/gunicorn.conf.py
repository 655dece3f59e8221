workers = 4
threads = 2
