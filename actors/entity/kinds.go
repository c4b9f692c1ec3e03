package entity

import (
	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/cluster"
)

// The entity kinds.
const (
	KindLead    = "lead"
	KindDeal    = "deal"
	KindAccount = "account"
)

// Kinds returns the cluster kinds of leads, deals and accounts, sharing d.
func Kinds(d Deps) []cluster.Kind {
	return []cluster.Kind{
		{Name: KindLead, Props: Props(Behavior[*aidapb.Lead]{
			Kind: KindLead, Decide: lead.Decide, Apply: lead.Apply, Index: lead.Index, View: leadView,
			Reminders: (*aidapb.Lead).GetReminders,
		}, d)},
		{Name: KindDeal, Props: Props(Behavior[*aidapb.Deal]{
			Kind: KindDeal, Decide: deal.Decide, Apply: deal.Apply, Index: deal.Index, View: dealView,
			Reminders: (*aidapb.Deal).GetReminders,
		}, d)},
		{Name: KindAccount, Props: Props(Behavior[*aidapb.Account]{
			Kind: KindAccount, Decide: account.Decide, Apply: account.Apply, Index: account.Index, View: accountView,
			Reminders: (*aidapb.Account).GetReminders,
		}, d)},
	}
}
