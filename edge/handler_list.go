package edge

import (
	"fmt"
	"github.com/aidacrm/aida/edge/operation"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
)

// maxPage is the largest page a list answers.
const maxPage = 500

// listQuery reads the parameters every list takes (owner, sort, limit, cursor) and the one
// naming the status column (status, stage or lifecycle), checked against allowed.
func (s *Server) listQuery(c *fiber.Ctx, kind, statusParam string, allowed []string, fs *fault.Fields) persistence.Query {
	q := persistence.Query{Kind: kind, Owner: trimmedQuery(c, "owner"), Cursor: trimmedQuery(c, "cursor"),
		Sort: rest.DecodeSort(kind, c.Query("sort"), fs)}
	if v := strings.ToLower(trimmedQuery(c, statusParam)); v != "" {
		if !slices.Contains(allowed, v) {
			fs.Add(statusParam, "must be one of %s", strings.Join(allowed, ", "))
		}
		q.Status = v
	}
	q.Limit = intParam(c, "limit", 0, 1, maxPage, fs)
	q.VisibleTo = operation.ScopeOf(principal(c), s.cfg.ScopeReps)
	return q
}

// intParam reads an optional integer query parameter within [min, max].
func intParam(c *fiber.Ctx, name string, def, min, max int, fs *fault.Fields) int {
	raw := trimmedQuery(c, name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		fs.Add(name, "must be an integer from %d to %d", min, max)
		return def
	}
	return n
}

// boolParam reads an optional true/false query parameter (also 1/0); absent is false.
func boolParam(c *fiber.Ctx, name string, fs *fault.Fields) bool {
	raw := trimmedQuery(c, name)
	if raw == "" {
		return false
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		fs.Add(name, "must be true or false")
	}
	return v
}

// listLeads answers GET /api/v1/leads. Archived leads are left out unless status=archived or
// include_archived=true asks for them.
func (s *Server) listLeads(c *fiber.Ctx) error {
	var fs fault.Fields
	q := s.listQuery(c, kindLead, "status", rest.LeadStatuses(), &fs)
	q.Source = trimmedQuery(c, "source")
	if include := boolParam(c, "include_archived", &fs); !include && q.Status == "" {
		q.ExcludeStatus = "archived"
	}
	if raw := trimmedQuery(c, "min_score"); raw != "" {
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
			fs.Add("min_score", "must be a number from 0 to 1")
		} else {
			q.MinScore = int32(math.Round(f * 1000))
		}
	}
	if err := fs.Err(); err != nil {
		return err
	}
	page, err := s.list(c, q)
	if err != nil {
		return err
	}
	out := rest.LeadPage{Items: []rest.Lead{}, NextCursor: page.NextCursor}
	for _, r := range page.Records {
		m := &aidapb.Lead{}
		if err := parseState(r, m); err != nil {
			return err
		}
		out.Items = append(out.Items, rest.ViewLead(m))
	}
	return c.JSON(out)
}

// listDeals answers GET /api/v1/deals.
func (s *Server) listDeals(c *fiber.Ctx) error {
	var fs fault.Fields
	q := s.listQuery(c, kindDeal, "stage", rest.DealStages(), &fs)
	if err := fs.Err(); err != nil {
		return err
	}
	page, err := s.list(c, q)
	if err != nil {
		return err
	}
	out := rest.DealPage{Items: []rest.Deal{}, NextCursor: page.NextCursor}
	for _, r := range page.Records {
		m := &aidapb.Deal{}
		if err := parseState(r, m); err != nil {
			return err
		}
		out.Items = append(out.Items, rest.ViewDeal(m))
	}
	return c.JSON(out)
}

// listAccounts answers GET /api/v1/accounts.
func (s *Server) listAccounts(c *fiber.Ctx) error {
	var fs fault.Fields
	q := s.listQuery(c, kindAccount, "lifecycle", rest.Lifecycles(), &fs)
	if err := fs.Err(); err != nil {
		return err
	}
	page, err := s.list(c, q)
	if err != nil {
		return err
	}
	out := rest.AccountPage{Items: []rest.Account{}, NextCursor: page.NextCursor}
	for _, r := range page.Records {
		m := &aidapb.Account{}
		if err := parseState(r, m); err != nil {
			return err
		}
		out.Items = append(out.Items, rest.ViewAccount(m))
	}
	return c.JSON(out)
}

func (s *Server) list(c *fiber.Ctx, q persistence.Query) (persistence.Page, error) {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	page, err := s.entities.List(ctx, q)
	if err != nil {
		return persistence.Page{}, fmt.Errorf("list %ss: %w", q.Kind, err)
	}
	return page, nil
}

// stateMessage is an entity state a record holds.
type stateMessage interface {
	*aidapb.Lead | *aidapb.Deal | *aidapb.Account
	proto.Message
}

// parseState decodes a record's protojson state into m.
func parseState[M stateMessage](r persistence.Record, m M) error {
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(r.State, m); err != nil {
		return fmt.Errorf("parse %s %s state: %w", r.Kind, r.ID, err)
	}
	return nil
}
