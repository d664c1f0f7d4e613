package main

import (
	"database/sql"

	_ "modernc.org/sqlite"
)

// sqliteCount counts the articles in the SQLite sink's database.
func sqliteCount(path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow("SELECT count(*) FROM articles").Scan(&n)
	return n, err
}
