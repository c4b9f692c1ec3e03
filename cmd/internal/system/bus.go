package system

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aidacrm/aida/actors/agent"
	"github.com/aidacrm/aida/actors/crm"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge/inbound"
	"github.com/aidacrm/aida/edge/natscmd"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/bus"
	"github.com/aidacrm/aida/runtime/consumer"
	"github.com/aidacrm/aida/runtime/host"
	"github.com/aidacrm/aida/runtime/reminder"
)

// NATSUsers returns the credentials of the embedded NATS server of cfg's data folder
// (<data>/nats/auth.json), generating them on first use. `aida nats creds` reads them too.
func NATSUsers(cfg Config) (bus.Users, error) {
	return bus.LoadUsers(filepath.Join(cfg.DataDir, "nats", "auth.json"))
}

// startNATS starts the embedded NATS server with its users, unless NATS_URL names an external one.
func (s *System) startNATS(context.Context) error {
	if s.cfg.NATSURL != "" {
		s.natsURL = s.cfg.NATSURL
		return nil
	}
	users, err := NATSUsers(s.cfg)
	if err != nil {
		return err
	}
	host, portText, _ := net.SplitHostPort(s.cfg.NATSAddr)
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("AIDA_NATS_ADDR port %q: %w", portText, err)
	}
	if port == 0 {
		port = bus.RandomPort
	}
	s.nats, err = bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(s.cfg.DataDir, "nats"),
		Host: host, Port: port, SyncAlways: s.cfg.NATSSyncAlways, Logger: s.logger, Users: users})
	if err != nil {
		return fmt.Errorf("start embedded NATS on %s (is another aida or NATS running? set AIDA_NATS_ADDR): %w", s.cfg.NATSAddr, err)
	}
	s.natsURL, s.natsUsers = s.nats.ClientURL(), users
	return nil
}

// natsAuth is how a connection of role authenticates: as that user of the embedded server, or
// with NATS_CREDS (or the credentials in NATS_URL) on an external one, where every role of the
// process is the same user.
func (s *System) natsAuth(role bus.Role) []bus.Option {
	switch {
	case s.natsUsers != nil:
		return []bus.Option{bus.WithCredential(s.natsUsers[role])}
	case s.cfg.NATSCreds != "":
		return []bus.Option{bus.WithCredsFile(s.cfg.NATSCreds)}
	}
	return nil
}

// NATSClientURL returns a URL a client of role connects to the embedded server with, the
// password in it; with NATS_URL, NATS_URL itself. Tests and `aida nats creds` use it.
func (s *System) NATSClientURL(role bus.Role) (string, error) {
	if s.natsUsers == nil {
		return s.natsURL, nil
	}
	return s.natsUsers[role].URL(s.natsURL)
}

func (s *System) stopNATS(context.Context) error {
	if s.nats != nil {
		s.nats.Shutdown()
	}
	return nil
}

func (s *System) startBus(ctx context.Context) (err error) {
	opts := append(s.natsAuth(bus.RoleAida), bus.WithName("aida"), bus.WithLogger(s.logger), bus.WithRegisterer(s.reg),
		bus.WithStream(bus.StreamConfig{MaxBytes: int64(s.cfg.EventsMaxBytes), MaxMsgSize: int32(s.cfg.EventsMaxMsg)}))
	s.bus, err = bus.Connect(ctx, s.natsURL, opts...)
	if err != nil {
		return fmt.Errorf("connect to NATS at %s (check NATS_URL and NATS_CREDS): %w", bus.Redact(s.natsURL), err)
	}
	return nil
}

func (s *System) stopBus(context.Context) error {
	s.bus.Close()
	return nil
}

// startRelay runs the journal relay until stopRelay.
func (s *System) startRelay(context.Context) error {
	s.relay = bus.NewRelay(s.store, s.bus, bus.WithRelayLogger(s.logger), bus.WithRelayRegisterer(s.reg))
	s.relayLoop = host.Go(s.relay.Run)
	return nil
}

func (s *System) stopRelay(context.Context) error { return s.relayLoop.Stop() }

// startGuard looks for the events stream every few seconds and creates it again when it is
// gone, so a deleted stream heals even when nothing asks /readyz (which checks it too).
func (s *System) startGuard(context.Context) error {
	s.guardLoop = host.Go(func(ctx context.Context) error { return s.bus.Guard(ctx, s.guardEvery) })
	return nil
}

func (s *System) stopGuard(context.Context) error { return s.guardLoop.Stop() }

// changed is told of every durable change: live views go out on core NATS and the relay wakes.
func (s *System) changed(kind, id string, version int64, snapshot []byte, events []persistence.Entry) {
	if s.bus != nil {
		s.bus.PublishState(kind, id, version, snapshot, events)
	}
	if s.relay != nil {
		s.relay.Kick()
	}
}

// startCommands answers NATS commands on a connection of its own, as the commands user of the
// embedded server, who may publish replies (_INBOX.>) and nothing else: a command whose reply
// subject names an event, a state view or the JetStream API gets no answer, not a forged message.
func (s *System) startCommands(ctx context.Context) (err error) {
	opts := append(s.natsAuth(bus.RoleCommands), bus.WithName("aida-commands"), bus.WithLogger(s.logger))
	s.commandsConn, err = bus.Dial(ctx, s.natsURL, opts...)
	if err != nil {
		return err
	}
	s.commands = natscmd.New(s.commandsConn, s.gateway, natscmd.WithTimeout(s.cfg.RequestTimeout), natscmd.WithLogger(s.logger),
		natscmd.WithAuthenticator(s.auth), natscmd.WithScopeReps(s.cfg.ScopeReps))
	if err := s.commands.Start(); err != nil {
		s.commandsConn.Close()
		return err
	}
	return nil
}

func (s *System) stopCommands(context.Context) error {
	err := s.commands.Stop()
	s.commandsConn.Close()
	return err
}

// ready is the edge's view of the actor layer, with NATS in its readiness.
type ready struct {
	*crm.Gateway
	bus *bus.Bus
}

func (r ready) Ready(ctx context.Context) error {
	if err := r.Gateway.Ready(ctx); err != nil {
		return err
	}
	if err := r.bus.Ping(ctx); err != nil {
		return fault.Wrap(fault.Unavailable, err, "NATS does not answer; events wait in the journal until it does")
	}
	return nil
}

// startReminders runs the reminder scheduler until stopReminders: due reminders go to their
// entity's actor through the cluster, activating it if it is passivated.
func (s *System) startReminders(context.Context) error {
	opts := []reminder.Option{reminder.WithLogger(s.logger), reminder.WithRegisterer(s.reg)}
	if s.clock != nil {
		opts = append(opts, reminder.WithClock(s.clock))
	}
	s.reminders = reminder.New(s.store, s.Fire, opts...)
	s.kickReminders.Store(s.reminders)
	s.reminderLoop = host.Go(s.reminders.Run)
	return nil
}

func (s *System) stopReminders(context.Context) error { return s.reminderLoop.Stop() }

// reminderSet wakes the scheduler after a change set a reminder, which may be due before the
// one it sleeps for.
func (s *System) reminderSet(time.Time) {
	if r := s.kickReminders.Load(); r != nil {
		r.Kick()
	}
}

// Fire delivers one due reminder to its entity, as the scheduler does.
func (s *System) Fire(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	stale, err := s.gateway.Fire(ctx, r)
	switch {
	case err != nil:
		return 0, err
	case stale:
		return reminder.Stale, nil
	}
	return reminder.Done, nil
}

// startAgents runs the inbound signal router and the configured background agents until
// stopAgents. Each is a durable JetStream consumer, so on several nodes each message goes to
// one of them. Each returns nil when stopped; failures are logged and retried inside.
func (s *System) startAgents(context.Context) error {
	s.agentLoops = host.NewGroup()
	router := inbound.NewRouter(s.gateway, s.cfg.RequestTimeout, s.logger)
	s.agentLoops.Go(func(ctx context.Context) error {
		return router.Run(ctx, s.bus, consumer.Config{Registerer: s.reg, Logger: s.logger})
	})
	cfg := agent.Config{StaleAfter: s.cfg.StaleAfter, HealthEvery: s.cfg.HealthEvery, Timeout: s.cfg.RequestTimeout,
		Logger: s.logger, Registerer: s.reg, Clock: s.now}
	if s.cfg.AI.Enabled() {
		brain, err := ai.New(s.cfg.AI, ai.WithRegisterer(s.reg), ai.WithLogger(s.logger))
		if err != nil {
			return errors.Join(err, s.agentLoops.Stop())
		}
		cfg.Brain = brain
	}
	for _, name := range s.cfg.AgentList() {
		if name == agent.NameAI && cfg.Brain == nil {
			continue // no endpoint: the offline brain decides alone
		}
		a, err := agent.New(name, s.gateway, cfg)
		if err != nil { // Validate refused it already
			return errors.Join(err, s.agentLoops.Stop())
		}
		s.agentLoops.Go(func(ctx context.Context) error { return a.Run(ctx, s.bus) })
	}
	return nil
}

func (s *System) stopAgents(context.Context) error { return s.agentLoops.Stop() }
