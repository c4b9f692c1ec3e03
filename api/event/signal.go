package event

import "strings"

// The inbound signal types (what people did with AIDA's messages), <channel>.<what> as on the
// subject crm.inbound.<type>: named once for every door that takes them (REST's POST …/signals,
// NATS's crm.inbound.>) and for the entities that apply them.
const (
	EmailReplied      = "email.replied"
	EmailOpened       = "email.opened"
	EmailClicked      = "email.clicked"
	EmailBounced      = "email.bounced"
	EmailUnsubscribed = "email.unsubscribed"
	SMSReplied        = "sms.replied"
	SMSOptedOut       = "sms.opted_out"
)

// MaxSignalID is the longest signal ID, in characters.
const MaxSignalID = 200

// Signals returns the inbound signal types in the order of the constants; each becomes the
// event type SignalType(kind, signal) on its entity.
func Signals() []string {
	return []string{EmailReplied, EmailOpened, EmailClicked, EmailBounced, EmailUnsubscribed, SMSReplied, SMSOptedOut}
}

// SignalType returns the event type of signal on an entity of kind: crm.lead.email_replied.
func SignalType(kind, signal string) string {
	return Prefix + kind + "." + strings.ReplaceAll(signal, ".", "_")
}

// IsReply reports whether a signal type is a reply on any channel.
func IsReply(typ string) bool { return typ == EmailReplied || typ == SMSReplied }

// IsOptOut reports whether a signal type asks for no more messages.
func IsOptOut(typ string) bool { return typ == EmailUnsubscribed || typ == SMSOptedOut }
