// Package aitest is a local HTTP server that speaks the OpenAI API (chat completions with
// response_format, embeddings) for tests: each request's answer is scripted (JSON, garbage,
// a hang, 429, 500) and every request is recorded.
package aitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Request is one request the server received.
type Request struct {
	Path  string                       // /v1/chat/completions or /v1/embeddings
	Auth  string                       // the Authorization header
	Chat  openai.ChatCompletionRequest // a chat completion's body
	Input []string                     // an embeddings request's texts
}

// Server is the fake endpoint. Its zero script answers every chat with "{}".
type Server struct {
	URL string // the base URL, ending in /v1, for ai.Config.BaseURL

	mu          sync.Mutex
	chat, embed []Step
	fallback    func(Request) Step
	requests    []Request
	inFlight    int
	maxInFlight int
	closed      chan struct{}
}

// NewServer starts a server closed at the end of the test.
func NewServer(t testing.TB) *Server {
	s := &Server{closed: make(chan struct{}), fallback: func(Request) Step { return Answer("{}") }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.serveChat)
	mux.HandleFunc("POST /v1/embeddings", s.serveEmbed)
	hs := httptest.NewServer(mux)
	s.URL = hs.URL + "/v1"
	t.Cleanup(func() {
		close(s.closed)
		hs.Close()
	})
	return s
}

// Script queues the answers of the next chat requests, one step per request.
func (s *Server) Script(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat = append(s.chat, steps...)
}

// ScriptEmbed queues the answers of the next embeddings requests.
func (s *Server) ScriptEmbed(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = append(s.embed, steps...)
}

// Otherwise sets the answer of chat requests when the script is empty; f sees the request, so
// a worker's test can answer by purpose (req.Chat.ResponseFormat.JSONSchema.Name). f runs
// under the server's lock: it must not call the Server's methods.
func (s *Server) Otherwise(f func(Request) Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = f
}

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// InFlight is the number of requests being answered now; MaxInFlight the most at once.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight is the most requests answered at once so far.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// arrive records req and takes its step: the next scripted one, else for a chat the
// fallback's, for embeddings the vectors.
func (s *Server) arrive(req Request, chat bool) Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	queue := &s.embed
	if chat {
		queue = &s.chat
	}
	if len(*queue) > 0 {
		st := (*queue)[0]
		*queue = (*queue)[1:]
		return st
	}
	if !chat {
		return Step{}
	}
	return s.fallback(req)
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// play waits as the step says and answers its error if it has one; it reports whether the
// request is answered.
func (s *Server) play(w http.ResponseWriter, r *http.Request, st Step) bool {
	if st.wait != nil {
		select {
		case <-st.wait:
		case <-r.Context().Done():
			return true
		case <-s.closed:
			return true
		}
	}
	if st.hang {
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return true
	}
	if st.status == 0 {
		return false
	}
	if st.status == http.StatusTooManyRequests {
		sec, ms := st.retryAfterHeaders()
		w.Header().Set("Retry-After", sec)
		w.Header().Set("Retry-After-Ms", ms)
	}
	writeError(w, st.status, fmt.Sprintf("scripted %d", st.status))
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": http.StatusText(status), "code": status,
	}})
}

func now() int64 { return time.Now().Unix() }
