package operation

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

// Timeline bounds and the longest archive reason, as REST documents them.
const (
	defaultTimeline = 100
	maxTimeline     = 500
	maxReason       = 1000
)

// send delivers the command to the entity at in.ID and answers its view.
func send(ctx context.Context, e Entities, op *Operation, in Input, cmd *aidapb.Command) (Result, error) {
	return viewed(op.Status)(e.Send(ctx, op.Kind, in.ID, cmd))
}

// viewed returns a function that turns an entity's answer into a Result of status with its view.
func viewed(status int) func(*aidapb.Reply, error) (Result, error) {
	return func(reply *aidapb.Reply, err error) (Result, error) {
		if err != nil {
			return Result{}, err
		}
		v, err := View(reply)
		if err != nil {
			return Result{}, err
		}
		return Result{Status: status, Body: v}, nil
	}
}

// capture answers 201 with a new lead, 200 with the existing lead of that email.
func capture(ctx context.Context, e Entities, _ *Operation, _ Input, cmd *aidapb.Command) (Result, error) {
	lead, duplicate, err := e.Capture(ctx, cmd)
	if err != nil {
		return Result{}, err
	}
	status := http.StatusCreated
	if duplicate {
		status = http.StatusOK
	}
	return Result{Status: status, Body: rest.CapturedLead{Lead: rest.ViewLead(lead), Duplicate: duplicate},
		Location: Location("lead", lead.GetId())}, nil
}

// create answers 201 with the new deal or account.
func create(ctx context.Context, e Entities, op *Operation, _ Input, cmd *aidapb.Command) (Result, error) {
	reply, err := e.Create(ctx, op.Kind, cmd)
	res, err := viewed(http.StatusCreated)(reply, err)
	if err != nil {
		return Result{}, err
	}
	if id := viewID(reply); id != "" {
		res.Location = Location(op.Kind, id)
	}
	return res, nil
}

// convert answers 201 with the deal the lead became.
func convert(ctx context.Context, e Entities, _ *Operation, in Input, cmd *aidapb.Command) (Result, error) {
	deal, err := e.Convert(ctx, in.ID, cmd)
	if err != nil {
		return Result{}, err
	}
	return Result{Status: http.StatusCreated, Body: rest.ViewDeal(deal), Location: Location("deal", deal.GetId())}, nil
}

// onboard starts an account's onboarding; the gateway fills in the plan.
func onboard(ctx context.Context, e Entities, op *Operation, in Input, cmd *aidapb.Command) (Result, error) {
	return viewed(op.Status)(e.StartOnboarding(ctx, in.ID, cmd))
}

// timeline answers a page of the entity's journal after ?after= (a version), at most ?limit=.
func timeline(ctx context.Context, e Entities, op *Operation, in Input, _ *aidapb.Command) (Result, error) {
	var fs fault.Fields
	var after int64
	if raw := in.Query["after"]; raw != "" {
		var err error
		if after, err = strconv.ParseInt(raw, 10, 64); err != nil || after < 0 {
			after = 0
			fs.Add("after", "must be a version, an integer from 0")
		}
	}
	limit := defaultTimeline
	if raw := in.Query["limit"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxTimeline {
			fs.Add("limit", "must be an integer from 1 to %d", maxTimeline)
		} else {
			limit = n
		}
	}
	if err := fs.Err(); err != nil {
		return Result{}, err
	}
	entries, err := e.Timeline(ctx, op.Kind, in.ID, after, limit)
	if err != nil {
		return Result{}, fmt.Errorf("timeline of %s %s: %w", op.Kind, in.ID, err)
	}
	out := rest.Timeline{Items: make([]rest.Entry, 0, len(entries))}
	for _, en := range entries {
		entry, err := rest.NewEntry(op.Kind, en.Version, en.Type, en.Actor, en.EventID, en.Time, en.Data)
		if err != nil {
			return Result{}, fmt.Errorf("%s %s: %w", op.Kind, in.ID, err)
		}
		out.Items = append(out.Items, entry)
	}
	if len(entries) == limit {
		out.NextAfter = entries[len(entries)-1].Version
	}
	return Result{Status: http.StatusOK, Body: out}, nil
}

// body decodes the request body with d.
func body(d func([]byte) (*aidapb.Command, error)) Decode {
	return func(in Input) (*aidapb.Command, error) { return d(in.Body) }
}

// atParam decodes the path parameter and the body with d.
func atParam(d func(string, []byte) (*aidapb.Command, error)) Decode {
	return func(in Input) (*aidapb.Command, error) { return d(in.Param, in.Body) }
}

// fixed always makes the command that mk returns.
func fixed(mk func() *aidapb.Command) Decode {
	return func(Input) (*aidapb.Command, error) { return mk(), nil }
}

func get() *aidapb.Command { return &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}} }

func restore() *aidapb.Command {
	return &aidapb.Command{Body: &aidapb.Command_RestoreLead{RestoreLead: &aidapb.RestoreLead{}}}
}

// archive archives a lead for ?reason=, cut to maxReason bytes of valid UTF-8.
func archive(in Input) (*aidapb.Command, error) {
	reason := in.Query["reason"]
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "")
	}
	return &aidapb.Command{Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{Reason: reason}}}, nil
}

func clearFlag(in Input) (*aidapb.Command, error) {
	return rest.DecodeClearFlag(in.Param, in.Query["reason"])
}

func stopSequence(in Input) (*aidapb.Command, error) {
	return rest.DecodeStopSequence(in.Query["reason"])
}
