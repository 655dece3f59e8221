package config

import "os"

func DBHost() string { return os.Getenv("DB_HOST") }
