package natscmd

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/persistence"
)

// respond sends the reply of a request: body with status when err is nil, else the problem err
// maps to. A request without a reply subject under ReplyPrefix is logged (debug) and dropped.
func (s *Server) respond(msg *nats.Msg, requestID string, status int, body any, err error) {
	reply := Reply{Status: status}
	if err == nil {
		data, merr := json.Marshal(body)
		if merr != nil {
			err = merr
		} else {
			reply.Data = data
		}
	}
	if err != nil {
		p := s.problem(msg, requestID, err)
		reply = Reply{Status: p.Status, Problem: &p}
	}
	payload, err := json.Marshal(reply)
	if err != nil { // a Reply of marshalled parts always marshals; answer anyway
		reply = Reply{Status: http.StatusInternalServerError}
		payload = []byte(`{"status":500}`)
	}
	if !strings.HasPrefix(msg.Reply, ReplyPrefix) {
		// No reply subject, or one that is not an inbox: answering to a subject the caller chose
		// would publish AIDA's answer where the caller may not (an event, the JetStream API).
		s.cfg.log.LogAttrs(context.Background(), slog.LevelDebug, "nats command without an inbox to answer to",
			slog.String("request_id", requestID), slog.String("subject", operation.Loggable(msg.Subject)),
			slog.String("reply", operation.Loggable(msg.Reply)), slog.Int("status", reply.Status))
		return
	}
	out := &nats.Msg{Subject: msg.Reply, Data: payload, Header: nats.Header{}}
	out.Header.Set(HeaderStatus, strconv.Itoa(reply.Status))
	out.Header.Set(HeaderRequestID, requestID)
	out.Header.Set(headerType, contentJSON)
	if reply.Status == http.StatusServiceUnavailable {
		out.Header.Set(headerRetryAfter, "1")
	}
	if err := msg.RespondMsg(out); err != nil {
		s.cfg.log.LogAttrs(context.Background(), slog.LevelWarn, "nats command reply not sent",
			slog.String("request_id", requestID), slog.String("subject", operation.Loggable(msg.Subject)),
			slog.String("error", err.Error()))
	}
}

// problem maps err like REST does, with the subject as the instance; internal errors are logged
// with the request ID and never shown.
func (s *Server) problem(msg *nats.Msg, requestID string, err error) rest.Problem {
	p, internal := rest.ProblemOf(storeFault(err))
	p.Instance = msg.Subject
	p.RequestID = requestID
	if internal {
		s.cfg.log.LogAttrs(context.Background(), slog.LevelError, "nats command failed",
			slog.String("request_id", requestID), slog.String("subject", operation.Loggable(msg.Subject)),
			slog.String("error", err.Error()))
	}
	return p
}

// storeFault gives persistence's sentinels the fault code and message the REST edge answers
// them with; other errors are returned as they are.
func storeFault(err error) error {
	var fe *fault.Error
	switch {
	case errors.As(err, &fe) && fe.Code != fault.Internal && fe.Code != fault.Code(0),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, persistence.ErrNotFound):
		return fault.Wrap(fault.NotFound, err, "no such entity")
	case errors.Is(err, persistence.ErrConflict):
		return fault.Wrap(fault.Conflict, err, "a concurrent write won; retry")
	case errors.Is(err, persistence.ErrDuplicate):
		return fault.Wrap(fault.Duplicate, err, "a unique key is taken")
	case errors.Is(err, persistence.ErrUnavailable), errors.Is(err, persistence.ErrClosed):
		return fault.Wrap(fault.Unavailable, err, "the store is unavailable; retry")
	}
	return err
}
