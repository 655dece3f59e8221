package db
const maxConns = 25
type C struct {
	Max int `env:"DB_MAX_OPEN" envDefault:"30"`
}
func o() {
	viper.SetDefault("db.max", 5)
	p, _ := pgxpool.New(ctx, "postgres://h/db?pool_max_conns=7")
	c.MaxConns = int32(getEnvInt("X", 9))
	db.SetConnMaxIdleTime(time.Duration(30) * time.Second)
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
