-- {{schema}} is replaced by the quoted schema name.

-- The text search configuration for a BCP 47 language tag: the Snowball
-- stemmer of the language when PostgreSQL (12 or later) has one, else
-- 'simple' (lower-casing only).
CREATE FUNCTION {{schema}}.newsfeed_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE split_part(split_part(lower(coalesce(lang, '')), '-', 1), '_', 1)
		WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig
		WHEN 'da' THEN 'pg_catalog.danish'::regconfig
		WHEN 'nl' THEN 'pg_catalog.dutch'::regconfig
		WHEN 'en' THEN 'pg_catalog.english'::regconfig
		WHEN 'fi' THEN 'pg_catalog.finnish'::regconfig
		WHEN 'fr' THEN 'pg_catalog.french'::regconfig
		WHEN 'de' THEN 'pg_catalog.german'::regconfig
		WHEN 'el' THEN 'pg_catalog.greek'::regconfig
		WHEN 'hu' THEN 'pg_catalog.hungarian'::regconfig
		WHEN 'id' THEN 'pg_catalog.indonesian'::regconfig
		WHEN 'ga' THEN 'pg_catalog.irish'::regconfig
		WHEN 'it' THEN 'pg_catalog.italian'::regconfig
		WHEN 'lt' THEN 'pg_catalog.lithuanian'::regconfig
		WHEN 'ne' THEN 'pg_catalog.nepali'::regconfig
		WHEN 'no' THEN 'pg_catalog.norwegian'::regconfig
		WHEN 'nb' THEN 'pg_catalog.norwegian'::regconfig
		WHEN 'nn' THEN 'pg_catalog.norwegian'::regconfig
		WHEN 'pt' THEN 'pg_catalog.portuguese'::regconfig
		WHEN 'ro' THEN 'pg_catalog.romanian'::regconfig
		WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
		WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
		WHEN 'sv' THEN 'pg_catalog.swedish'::regconfig
		WHEN 'ta' THEN 'pg_catalog.tamil'::regconfig
		WHEN 'tr' THEN 'pg_catalog.turkish'::regconfig
		ELSE 'pg_catalog.simple'::regconfig
	END
$$;

-- One row per article id: typed columns for the fields people query, the
-- whole message as jsonb in doc, and a weighted full-text vector (title A,
-- text B; the text's first 200,000 characters, which keeps the vector under
-- PostgreSQL's 1 MB limit) in the article's language.
CREATE TABLE {{schema}}.articles (
	id                text PRIMARY KEY,
	revision          bigint NOT NULL DEFAULT 0,
	url               text NOT NULL,
	canonical_url     text NOT NULL,
	source            text NOT NULL,
	source_name       text NOT NULL,
	source_domain     text NOT NULL,
	feed_url          text NOT NULL,
	title             text NOT NULL,
	subtitle          text NOT NULL,
	authors           text[] NOT NULL,
	published_at      timestamptz,
	updated_at        timestamptz,
	language          text NOT NULL,
	section           text NOT NULL,
	tags              text[] NOT NULL,
	image_url         text NOT NULL,
	text              text NOT NULL,
	html              text NOT NULL,
	word_count        bigint NOT NULL,
	summary           text NOT NULL,
	simhash           text NOT NULL,
	cluster_id        text NOT NULL,
	fetched_at        timestamptz,
	content_hash      text NOT NULL,
	extraction_method text NOT NULL,
	doc               jsonb NOT NULL,
	stored_at         timestamptz NOT NULL DEFAULT now(),
	tsv               tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector({{schema}}.newsfeed_ts_config(language), left(title, 2000)), 'A') ||
		setweight(to_tsvector({{schema}}.newsfeed_ts_config(language), left(text, 200000)), 'B')
	) STORED
);

CREATE INDEX articles_tsv ON {{schema}}.articles USING gin (tsv);
CREATE INDEX articles_published_at ON {{schema}}.articles (published_at);
CREATE INDEX articles_source ON {{schema}}.articles (source, published_at);
CREATE INDEX articles_cluster ON {{schema}}.articles (cluster_id) WHERE cluster_id <> '';
