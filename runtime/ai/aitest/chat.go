package aitest

import (
	"encoding/json"
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

// serveChat answers a chat completion. Like OpenAI with structured outputs, it refuses (400) a
// request without a json_schema response_format or with an unnamed schema, so a client that
// forgets it fails its tests.
func (s *Server) serveChat(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	st := s.arrive(Request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Chat: req}, true)
	defer s.leave()
	if err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if rf := req.ResponseFormat; rf == nil || rf.Type != openai.ChatCompletionResponseFormatTypeJSONSchema ||
		rf.JSONSchema == nil || rf.JSONSchema.Name == "" {
		writeError(w, http.StatusBadRequest, "response_format must be a named json_schema")
		return
	}
	if s.play(w, r, st) {
		return
	}
	in := 0
	for _, m := range req.Messages {
		in += len(m.Content)/4 + 1
	}
	out := len(st.content)/4 + 1
	writeJSON(w, http.StatusOK, openai.ChatCompletionResponse{
		ID: "chatcmpl-aitest", Object: "chat.completion", Created: now(), Model: req.Model,
		Choices: []openai.ChatCompletionChoice{{
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: st.content},
			FinishReason: openai.FinishReasonStop,
		}},
		Usage: openai.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out},
	})
}

// serveEmbed answers an embeddings request with Vector of each input.
func (s *Server) serveEmbed(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Input json.RawMessage `json:"input"`
		Model string          `json:"model"`
	}
	err := json.NewDecoder(r.Body).Decode(&req)
	var texts []string
	if err == nil {
		texts, err = inputs(req.Input)
	}
	st := s.arrive(Request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Input: texts}, false)
	defer s.leave()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if s.play(w, r, st) {
		return
	}
	resp := openai.EmbeddingResponse{Object: "list", Model: openai.EmbeddingModel(req.Model)}
	for i, t := range texts {
		resp.Data = append(resp.Data, openai.Embedding{Object: "embedding", Index: i, Embedding: Vector(t)})
		resp.Usage.PromptTokens += len(t)/4 + 1
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	writeJSON(w, http.StatusOK, resp)
}
