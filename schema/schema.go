// Package schema embeds the published JSON Schema of the article message
// (schema/article.v1.json) and validates messages against it.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ArticleV1 is the JSON Schema of newsfeed.article/v1.
//
//go:embed article.v1.json
var ArticleV1 []byte

var (
	once     sync.Once
	compiled *jsonschema.Schema
	compErr  error
)

func articleSchema() (*jsonschema.Schema, error) {
	once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ArticleV1))
		if err != nil {
			compErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource("article.v1.json", doc); err != nil {
			compErr = err
			return
		}
		compiled, compErr = c.Compile("article.v1.json")
	})
	return compiled, compErr
}

// ValidateArticle checks one JSON-encoded article message.
func ValidateArticle(data []byte) error {
	s, err := articleSchema()
	if err != nil {
		return fmt.Errorf("schema: compile: %w", err)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if err := s.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("schema: %s", strings.Join(leafErrors(ve), "; "))
		}
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// leafErrors flattens a validation error to "at /path: message" lines.
func leafErrors(ve *jsonschema.ValidationError) []string {
	if len(ve.Causes) == 0 {
		return []string{fmt.Sprintf("at /%s: %s", strings.Join(ve.InstanceLocation, "/"), ve.Error())}
	}
	var out []string
	for _, c := range ve.Causes {
		out = append(out, leafErrors(c)...)
	}
	return out
}
