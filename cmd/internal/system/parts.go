package system

import (
	"net"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/actors/crm"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/bus"
	"github.com/aidacrm/aida/runtime/cluster"
)

// The parts of a started system, for the banner, tests and benchmarks. Each is set once its
// component has started.

// Addr is where the HTTP server listens.
func (s *System) Addr() net.Addr { return s.ln.Addr() }

// Where names the store, for people: "SQLite data/aida.db" or "PostgreSQL".
func (s *System) Where() string { return s.where }

// NATSURL is the NATS server the system uses: the embedded one's client URL, or NATS_URL.
func (s *System) NATSURL() string { return s.natsURL }

// Store is the journal and state store.
func (s *System) Store() persistence.Store { return s.store }

// Gateway sends commands to the entity actors.
func (s *System) Gateway() *crm.Gateway { return s.gateway }

// Member is the system's cluster member, which runs the actors.
func (s *System) Member() *cluster.Member { return s.member }

// Bus is the system's NATS client.
func (s *System) Bus() *bus.Bus { return s.bus }

// Hub is the live stream's websocket hub.
func (s *System) Hub() *stream.Hub { return s.hub }

// Gatherer serves the system's metrics.
func (s *System) Gatherer() prometheus.Gatherer { return s.reg }
