package store

func setup() { db.SetMaxOpenConns(1) } // tests are not the application
