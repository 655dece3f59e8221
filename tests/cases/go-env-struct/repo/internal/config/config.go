package config

import "github.com/caarlos0/env/v10"

type Config struct {
	Port        int    `env:"PORT" envDefault:"8080"`
	DatabaseURL string `env:"DATABASE_URL,required"`
	MaxOpen     int    `env:"DB_MAX_OPEN" envDefault:"25"`
	MaxIdle     int    `env:"DB_MAX_IDLE" envDefault:"5"`
	ConnLife    string `env:"DB_CONN_LIFETIME" envDefault:"30m"`
}

func Load() (Config, error) {
	var c Config
	err := env.Parse(&c)
	return c, err
}
