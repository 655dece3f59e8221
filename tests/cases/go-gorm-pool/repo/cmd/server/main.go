package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	"codex-gateway/internal/config"
	"codex-gateway/internal/database"
)

func main() {
	cfg := config.Load()

	if err := database.Connect(); err != nil {
		log.Fatalf("database: %v", err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())

	r.GET("/healthz", func(c *gin.Context) {
		sqlDB, err := database.DB.DB()
		if err != nil || sqlDB.Ping() != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "db down"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok", "db": sqlDB.Stats()})
	})

	log.Printf("listening on :%s", cfg.Port)
	if err := r.Run(":" + cfg.Port); err != nil {
		log.Fatal(err)
	}
}
