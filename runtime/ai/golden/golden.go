// Package golden is AIDA's golden set: reply texts, lead descriptions and deal situations with
// the intent, decision or next action a person expects, kept as JSON in the repository and
// embedded in the binary. Evaluate runs a brain (the offline rules, later a model) over them and
// counts the passes per purpose.
package golden

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aidacrm/aida/runtime/ai/offline"
)

// Purpose is what a case tests; pass rates are counted per purpose.
type Purpose string

// The purposes of the golden set.
const (
	ReplyIntent       Purpose = "reply_intent"       // replies.json: offline.ReadReply
	LeadQualification Purpose = "lead_qualification" // leads.json: the qualification decision
	DealNextAction    Purpose = "deal_next_action"   // deals.json: the next best action's category
)

// Purposes lists every purpose in the order reports show them.
func Purposes() []Purpose { return []Purpose{ReplyIntent, LeadQualification, DealNextAction} }

//go:embed replies.json leads.json deals.json
var files embed.FS

// Set is the whole golden set, typed by purpose.
type Set struct {
	Replies []ReplyCase
	Leads   []LeadCase
	Deals   []DealCase
	// DealsEvaluated is false while no offline function proposes a deal's next action;
	// DealsWhy says so for the report.
	DealsEvaluated bool
	DealsWhy       string
}

// Len is the number of cases in s.
func (s Set) Len() int { return len(s.Replies) + len(s.Leads) + len(s.Deals) }

// ReplyCase is a reply text and how it should read.
type ReplyCase struct {
	ID     string      `json:"id"`
	Text   string      `json:"text"`
	Now    time.Time   `json:"now"` // when the reply arrived; the file's now unless the case has its own
	Expect ReplyExpect `json:"expect"`
	Note   string      `json:"note"`
}

// ReplyExpect is the expected reading: the kind, the day Until names (YYYY-MM-DD, empty for
// none) and the contact named (empty for none).
type ReplyExpect struct {
	Kind     offline.Kind    `json:"kind"`
	Until    string          `json:"until"`
	Referral offline.Contact `json:"referral"`
}

// LeadCase is a lead as captured, an autonomy level and the decision the reference's rules give.
type LeadCase struct {
	ID     string    `json:"id"`
	Now    time.Time `json:"now"`
	Level  int32     `json:"level"`
	Lead   Lead      `json:"lead"`
	Expect struct {
		Decision string `json:"decision"` // qualified, pending or unqualified
	} `json:"expect"`
	Note string `json:"note"` // the arithmetic by the reference's rules
}

// Lead is the part of a captured lead that qualification reads.
type Lead struct {
	Email        string            `json:"email"`
	FirstName    string            `json:"first_name"`
	LastName     string            `json:"last_name"`
	Company      string            `json:"company"`
	Phone        string            `json:"phone"`
	Source       string            `json:"source"`
	Campaign     string            `json:"campaign"`
	UTM          map[string]string `json:"utm"`
	CustomFields map[string]string `json:"custom_fields"`
}

// DealCase is a deal's situation and the category of the next action the reference's readiness
// rules (§4.5) point to: advance_stage (with the stage it goes to), review, engage, re_engage,
// onboard or loss_analysis.
type DealCase struct {
	ID    string `json:"id"`
	Level int32  `json:"level"`
	Deal  struct {
		Stage          string `json:"stage"`
		DaysOpen       int    `json:"days_open"`
		Communications int    `json:"communications"`
		Probability    int32  `json:"probability"`
	} `json:"deal"`
	Expect DealExpect `json:"expect"`
	Note   string     `json:"note"`
}

// DealExpect is a next action's category, and the stage for advance_stage.
type DealExpect struct {
	Action string `json:"action"`
	To     string `json:"to,omitempty"`
}

// Cases returns the golden set. It fails only if the embedded files are malformed, which the
// package's tests rule out.
func Cases() (Set, error) {
	var s Set
	var replies struct {
		Now   time.Time   `json:"now"`
		Cases []ReplyCase `json:"cases"`
	}
	var leads struct {
		Now   time.Time  `json:"now"`
		Cases []LeadCase `json:"cases"`
	}
	var deals struct {
		Evaluated bool       `json:"evaluated"`
		Why       string     `json:"why"`
		Cases     []DealCase `json:"cases"`
	}
	for _, f := range []struct {
		name string
		into any
	}{{"replies.json", &replies}, {"leads.json", &leads}, {"deals.json", &deals}} {
		b, err := files.ReadFile(f.name)
		if err != nil {
			return Set{}, fmt.Errorf("golden %s: %w", f.name, err)
		}
		if err := json.Unmarshal(b, f.into); err != nil {
			return Set{}, fmt.Errorf("golden %s: %w", f.name, err)
		}
	}
	for i := range replies.Cases {
		if replies.Cases[i].Now.IsZero() {
			replies.Cases[i].Now = replies.Now
		}
	}
	for i := range leads.Cases {
		if leads.Cases[i].Now.IsZero() {
			leads.Cases[i].Now = leads.Now
		}
	}
	s = Set{Replies: replies.Cases, Leads: leads.Cases, Deals: deals.Cases, DealsEvaluated: deals.Evaluated, DealsWhy: deals.Why}
	return s, s.check()
}

// check rejects a set with repeated IDs or an expected kind no reader can give.
func (s Set) check() error {
	seen := map[string]bool{}
	var ids []string
	for _, c := range s.Replies {
		ids = append(ids, c.ID)
		if !slices.Contains(offline.Kinds(), c.Expect.Kind) {
			return fmt.Errorf("golden case %s: unknown kind %q", c.ID, c.Expect.Kind)
		}
	}
	for _, c := range s.Leads {
		ids = append(ids, c.ID)
	}
	for _, c := range s.Deals {
		ids = append(ids, c.ID)
	}
	for _, id := range ids {
		if id == "" || seen[id] {
			return fmt.Errorf("golden case %q: empty or repeated ID", id)
		}
		seen[id] = true
	}
	return nil
}
