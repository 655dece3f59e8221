package store

import (
	"database/sql"
	"os"

	_ "github.com/lib/pq"
)

// Open returns the shared handle; nothing limits how many connections it opens.
func Open() (*sql.DB, error) {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		return nil, err
	}
	db.SetMaxIdleConns(5)
	return db, nil
}
