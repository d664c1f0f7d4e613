-- Articles, one row per id, with typed columns for the fields people query
-- and the whole message as JSON in doc. Times are UTC text of fixed width
-- (2006-01-02T15:04:05.000000000Z) so that they compare as text; the
-- publisher's own offset is kept in doc.
CREATE TABLE articles (
	id                TEXT PRIMARY KEY,
	revision          INTEGER NOT NULL DEFAULT 0,
	url               TEXT NOT NULL,
	canonical_url     TEXT NOT NULL,
	source            TEXT NOT NULL,
	source_name       TEXT NOT NULL,
	source_domain     TEXT NOT NULL,
	feed_url          TEXT NOT NULL,
	title             TEXT NOT NULL,
	subtitle          TEXT NOT NULL,
	authors           TEXT NOT NULL, -- JSON array
	published_at      TEXT,
	updated_at        TEXT,
	language          TEXT NOT NULL,
	section           TEXT NOT NULL,
	tags              TEXT NOT NULL, -- JSON array
	image_url         TEXT NOT NULL,
	text              TEXT NOT NULL,
	html              TEXT NOT NULL,
	word_count        INTEGER NOT NULL,
	summary           TEXT NOT NULL,
	simhash           TEXT NOT NULL,
	cluster_id        TEXT NOT NULL,
	fetched_at        TEXT,
	content_hash      TEXT NOT NULL,
	extraction_method TEXT NOT NULL,
	doc               TEXT NOT NULL, -- the message as JSON
	stored_at         TEXT NOT NULL
);

CREATE INDEX articles_published_at ON articles (published_at);
CREATE INDEX articles_source ON articles (source, published_at);
CREATE INDEX articles_cluster ON articles (cluster_id) WHERE cluster_id <> '';

-- Full-text index over title and text, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
	title, text,
	content = 'articles', content_rowid = 'rowid',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
	INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
	INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
