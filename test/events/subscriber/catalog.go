package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// catalogEntry is one line of docs/events/schemas/index.json, with its compiled schema.
type catalogEntry struct {
	Family     string `json:"family"`
	Stream     string `json:"stream"`
	Type       string `json:"type"`
	Version    int    `json:"version"`
	CEType     string `json:"ceType"`
	DataSchema string `json:"dataschema"`
	Path       string `json:"path"`
	schema     *jsonschema.Schema
}

type catalog struct {
	entries map[string]*catalogEntry
}

func key(family, eventType string, version int) string {
	return fmt.Sprintf("%s/%s/v%d", family, eventType, version)
}

func loadCatalog(dir string) (*catalog, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("schema index: %w", err)
	}
	var index struct {
		Events []*catalogEntry `json:"events"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("schema index: %w", err)
	}
	compiler := jsonschema.NewCompiler()
	c := &catalog{entries: map[string]*catalogEntry{}}
	for _, entry := range index.Events {
		path, err := filepath.Abs(filepath.Join(dir, entry.Path))
		if err != nil {
			return nil, err
		}
		if entry.schema, err = compiler.Compile(path); err != nil {
			return nil, fmt.Errorf("schema %s: %w", entry.Path, err)
		}
		c.entries[key(entry.Family, entry.Type, entry.Version)] = entry
	}
	if len(c.entries) == 0 {
		return nil, fmt.Errorf("schema index lists no events")
	}
	return c, nil
}

func (c *catalog) entry(family, eventType string, version int) *catalogEntry {
	return c.entries[key(family, eventType, version)]
}

func (e *catalogEntry) validate(data []byte) error {
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return e.schema.Validate(instance)
}
