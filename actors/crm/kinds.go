package crm

import (
	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/cluster"
)

// Kinds returns the cluster kinds of leads, deals and accounts, in that order, sharing d.
func Kinds(d entity.Deps) []cluster.Kind {
	return []cluster.Kind{
		{Name: lead.Kind, Props: entity.Props(Lead(), d)},
		{Name: deal.Kind, Props: entity.Props(Deal(), d)},
		{Name: account.Kind, Props: entity.Props(Account(), d)},
	}
}

// Lead is the behaviour of lead actors.
func Lead() entity.Behavior[*aidapb.Lead] {
	return entity.Behavior[*aidapb.Lead]{Kind: lead.Kind, Decide: lead.Decide, Apply: lead.Apply,
		Traits: lead.Traits, Follow: lead.Follow, Index: lead.Index,
		View: func(s *aidapb.Lead) *aidapb.Reply { return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: s}} }}
}

// Deal is the behaviour of deal actors.
func Deal() entity.Behavior[*aidapb.Deal] {
	return entity.Behavior[*aidapb.Deal]{Kind: deal.Kind, Decide: deal.Decide, Apply: deal.Apply,
		Traits: deal.Traits, Follow: deal.Follow, Touch: deal.Touch, Index: deal.Index,
		View: func(s *aidapb.Deal) *aidapb.Reply { return &aidapb.Reply{View: &aidapb.Reply_Deal{Deal: s}} }}
}

// Account is the behaviour of account actors.
func Account() entity.Behavior[*aidapb.Account] {
	return entity.Behavior[*aidapb.Account]{Kind: account.Kind, Decide: account.Decide, Apply: account.Apply,
		Traits: account.Traits, Follow: account.Follow, Index: account.Index,
		View: func(s *aidapb.Account) *aidapb.Reply { return &aidapb.Reply{View: &aidapb.Reply_Account{Account: s}} }}
}
