package db

import (
	"time"

	"github.com/jmoiron/sqlx"
	"example.com/svc/internal/config"
)

const idleTime = 5 * time.Minute

func Connect(cfg config.Config) (*sqlx.DB, error) {
	db, err := sqlx.Connect("pgx", cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(cfg.MaxOpen)
	db.SetMaxIdleConns(cfg.MaxIdle)
	db.SetConnMaxIdleTime(idleTime)
	return db, nil
}
