package rest

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/aidacrm/aida/api/fault"
)

// maxStrictProblems bounds what checkStrict reports, so that a body of a million duplicate keys
// answers with a short problem.
const maxStrictProblems = 20

// frame is one open object or array of the document checkStrict walks.
type frame struct {
	object bool
	path   string          // the field that holds it; "" for the body itself
	keys   map[string]bool // the keys met so far (objects)
	key    string          // the key whose value comes next (objects)
	wants  bool            // the next token is a key (objects)
	index  int             // the index of the next element (arrays)
}

// child returns the name of the value that comes next in f.
func (f *frame) child() string {
	if !f.object {
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	if f.path == "" {
		return f.key
	}
	return f.path + "." + f.key
}

// checkStrict walks body, a valid JSON document, and records in fs what encoding/json would
// let through silently: a key given twice in one object (the last would win) and a string that
// is not valid Unicode (invalid UTF-8, or a \u escape of an unpaired surrogate, both of which
// it would replace with U+FFFD). Each is recorded under the dotted name of the field holding it.
func checkStrict(body []byte, fs *fault.Fields) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	problems := 0
	add := func(field, format string, args ...any) {
		problems++
		fs.Add(field, format, args...)
	}
	for problems < maxStrictProblems {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil { // the caller checked json.Valid; a failure here ends the walk
			return
		}
		raw := body[start:dec.InputOffset()]
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wants {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				advance(stack)
				continue
			}
			key, _ := tok.(string)
			top.wants = false
			if !validLiteral(raw) {
				top.key = "?" // not echoed: it would show U+FFFD, not what was sent
				add(nameOr(top.path), "has a key that is not valid UTF-8")
				continue
			}
			top.key = key
			if top.keys[key] {
				add(top.child(), "is given more than once")
			}
			top.keys[key] = true
			continue
		}
		name := "body"
		if top != nil {
			name = top.child()
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, &frame{object: true, path: pathOf(top, name), keys: map[string]bool{}, wants: true})
			case '[':
				stack = append(stack, &frame{path: pathOf(top, name)})
			default: // ']'
				stack = stack[:len(stack)-1]
				advance(stack)
			}
			continue
		case string:
			if !validLiteral(raw) {
				add(name, "must be valid UTF-8 text")
			}
		}
		advance(stack)
	}
}

// pathOf is the path of a container opened as the value name of top; the body's is "".
func pathOf(top *frame, name string) string {
	if top == nil {
		return ""
	}
	return name
}

// nameOr returns path, or "body" for the body itself.
func nameOr(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// advance records that the top container's current value is complete.
func advance(stack []*frame) {
	if len(stack) == 0 {
		return
	}
	top := stack[len(stack)-1]
	if top.object {
		top.wants = true
	} else {
		top.index++
	}
}

// validLiteral tells whether the JSON string literal in raw (after any separators) is valid
// Unicode: its bytes are UTF-8 and its \u escapes pair every surrogate.
func validLiteral(raw []byte) bool {
	i := bytes.IndexByte(raw, '"')
	if i < 0 {
		return true
	}
	s := raw[i+1:]
	for j := 0; j < len(s); {
		switch b := s[j]; {
		case b == '"':
			return true
		case b == '\\' && j+1 < len(s) && s[j+1] == 'u':
			r, ok := hex4(s[j+2:])
			if !ok {
				return false
			}
			j += 6
			switch {
			case r >= 0xDC00 && r <= 0xDFFF:
				return false
			case r >= 0xD800 && r <= 0xDBFF:
				if j+1 >= len(s) || s[j] != '\\' || s[j+1] != 'u' {
					return false
				}
				lo, ok := hex4(s[j+2:])
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return false
				}
				j += 6
			}
		case b == '\\':
			j += 2
		case b < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRune(s[j:])
			if r == utf8.RuneError && size <= 1 {
				return false
			}
			j += size
		}
	}
	return true
}

// hex4 reads the 4 hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
