package ai

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemas compiles each distinct schema once; workers send the same few schemas again and again.
type schemas struct {
	mu    sync.Mutex
	byKey map[[32]byte]*jsonschema.Schema
}

// compile returns the compiled schema and its JSON text (sent in response_format).
func (s *schemas) compile(schema map[string]any) (*jsonschema.Schema, json.RawMessage, error) {
	text, err := json.Marshal(schema)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal schema: %w", err)
	}
	key := sha256.Sum256(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.byKey[key]; ok {
		return sch, text, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		return nil, nil, fmt.Errorf("read schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	const loc = "mem://answer.json"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, nil, fmt.Errorf("add schema: %w", err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, nil, fmt.Errorf("compile schema: %w", err)
	}
	if s.byKey == nil {
		s.byKey = make(map[[32]byte]*jsonschema.Schema)
	}
	s.byKey[key] = sch
	return sch, text, nil
}

// validate parses content as one JSON value and validates it; it returns the compact JSON.
func validate(sch *jsonschema.Schema, content string) (json.RawMessage, error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(content)))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(content)); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	return b.Bytes(), nil
}
