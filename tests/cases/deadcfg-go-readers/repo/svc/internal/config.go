package internal

import (
	"os"

	"github.com/spf13/viper"
)

type Config struct {
	PoolC int `env:"POOL_C" envDefault:"3"`
	PoolD int `envconfig:"POOL_D"`
}

func Load() {
	_ = os.Getenv("POOL_A")
	_, _ = os.LookupEnv("POOL_B")
	viper.SetEnvPrefix("svc")
	viper.BindEnv("pool.e")
	viper.BindEnv("f", "POOL_F")
	viper.AutomaticEnv()
}
