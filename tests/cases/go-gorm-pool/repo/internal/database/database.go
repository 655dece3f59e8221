package database

import (
	"fmt"
	"log"
	"os"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

var DB *gorm.DB

// Connect opens the PostgreSQL connection pool shared by all handlers.
func Connect() error {
	dsn := fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=%s sslmode=disable TimeZone=UTC",
		os.Getenv("DB_HOST"),
		os.Getenv("DB_PORT"),
		os.Getenv("DB_USER"),
		os.Getenv("DB_PASSWORD"),
		os.Getenv("DB_NAME"),
	)

	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		Logger: logger.Default.LogMode(logger.Error),
	})
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}

	sqlDB, err := db.DB()
	if err != nil {
		return err
	}

	// Connection pool
	sqlDB.SetMaxIdleConns(10)           // idle pool: 10 connections
	sqlDB.SetMaxOpenConns(100)          // up to 100 concurrent connections
	sqlDB.SetConnMaxLifetime(time.Hour) // recycle connections after 1 hour

	log.Println("database connection pool ready (max open 100, max idle 10)")
	DB = db
	return nil
}
