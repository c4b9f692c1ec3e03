package natscmd

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge/operation"
)

// Server answers command requests on aida.cmd.> by calling the entities.
type Server struct {
	nc       *nats.Conn
	entities Entities
	cfg      config
	table    map[string]map[string]operation.Operation
	sem      chan struct{}  // one token per running request
	wg       sync.WaitGroup // the running requests

	life sync.Mutex         // serializes Start and Stop
	sub  *nats.Subscription // nil when stopped; guarded by life

	mu        sync.Mutex // orders wg.Add in receive before wg.Wait in Stop
	accepting bool       // guarded by mu
}

// New returns a stopped server that commands entities through nc.
func New(nc *nats.Conn, entities Entities, opts ...Option) *Server {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{nc: nc, entities: entities, cfg: cfg, sem: make(chan struct{}, cfg.concurrency)}
	s.table = commands()
	return s
}

// Start subscribes to aida.cmd.> in the queue group "aida".
func (s *Server) Start() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.sub != nil {
		return ErrStarted
	}
	s.mu.Lock()
	s.accepting = true
	s.mu.Unlock()
	sub, err := s.nc.QueueSubscribe(SubjectPrefix+".>", Queue, s.receive)
	if err != nil {
		return fmt.Errorf("subscribe %s.>: %w", SubjectPrefix, err)
	}
	s.sub = sub
	return nil
}

// Stop drains the subscription, so that every request already received is answered, then
// waits for the running requests. A stopped server may be started again.
func (s *Server) Stop() error {
	s.life.Lock()
	defer s.life.Unlock()
	sub := s.sub
	s.sub = nil
	if sub == nil {
		return nil
	}
	var err error
	closed := sub.StatusChanged(nats.SubscriptionClosed)
	if derr := sub.Drain(); derr != nil {
		err = fmt.Errorf("drain %s.>: %w", SubjectPrefix, derr)
	} else {
		timer := time.NewTimer(s.cfg.drainTimeout)
		select {
		case <-closed:
		case <-timer.C:
			_ = sub.Unsubscribe() // the drain is stuck; the error says so
			err = ErrDrainTimeout
		}
		timer.Stop()
	}
	s.mu.Lock()
	s.accepting = false // a callback still running (the connection closed under us) answers 503
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// receive runs on the subscription's goroutine: it hands the request to a goroutine of its own,
// or answers 503 at once when as many requests as allowed are running.
func (s *Server) receive(msg *nats.Msg) {
	s.mu.Lock()
	if !s.accepting {
		s.mu.Unlock()
		s.respond(msg, s.requestID(msg), 0, nil, fault.New(fault.Unavailable, "the server is stopping; retry"))
		return
	}
	select {
	case s.sem <- struct{}{}:
	default:
		s.mu.Unlock()
		s.respond(msg, s.requestID(msg), 0, nil,
			fault.New(fault.Unavailable, "too many requests in flight; retry"))
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		var once sync.Once
		free := func() { once.Do(func() { <-s.sem }) }
		defer free()
		s.handle(msg, free)
	}()
}

// handle answers one request, whatever happens. It calls free, which gives its slot back,
// before it answers: a caller that has the answer may send the next request at once.
func (s *Server) handle(msg *nats.Msg, free func()) {
	requestID := s.requestID(msg)
	defer func() {
		if r := recover(); r != nil {
			free()
			s.cfg.log.LogAttrs(context.Background(), slog.LevelError, "nats command panicked",
				slog.String("request_id", requestID), slog.String("subject", operation.Loggable(msg.Subject)),
				slog.String("panic", fmt.Sprint(r)), slog.String("stack", string(debug.Stack())))
			s.respond(msg, requestID, 0, nil, fmt.Errorf("panic: %v", r))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.timeout)
	defer cancel()
	status, body, err := s.run(ctx, msg, requestID)
	free()
	s.respond(msg, requestID, status, body, err)
}

// run validates the request and runs its command.
func (s *Server) run(ctx context.Context, msg *nats.Msg, requestID string) (int, any, error) {
	t, err := parseSubject(msg.Subject)
	if err != nil {
		return 0, nil, err
	}
	req, err := decodeRequest(msg.Data)
	if err != nil {
		return 0, nil, err
	}
	op, err := s.lookup(t, req.Command)
	if err != nil {
		return 0, nil, err
	}
	var header string
	if msg.Header != nil {
		header = msg.Header.Get(HeaderAuthorization)
	}
	p, err := operation.Authenticate(ctx, s.cfg.auth, header)
	if err != nil {
		return 0, nil, err
	}
	return s.runOperation(ctx, &op, t, req.Data, p, requestID)
}

// requestID returns the request's Aida-Request-Id, or a new one.
func (s *Server) requestID(msg *nats.Msg) string {
	if msg.Header != nil {
		if id := msg.Header.Get(HeaderRequestID); validHeader(id) {
			return id
		}
	}
	return s.cfg.newID()
}
