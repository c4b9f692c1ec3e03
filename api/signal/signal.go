// Package signal names the inbound signals (what people did with AIDA's messages: replies,
// opens, clicks, bounces, opt-outs) once, for every door that takes them (REST's
// POST …/signals, NATS's crm.inbound.<type>) and for the entities that apply them.
package signal

// The inbound signal types: <channel>.<what>, as on the subject crm.inbound.<type>.
const (
	EmailReplied      = "email.replied"
	EmailOpened       = "email.opened"
	EmailClicked      = "email.clicked"
	EmailBounced      = "email.bounced"
	EmailUnsubscribed = "email.unsubscribed"
	SMSReplied        = "sms.replied"
	SMSOptedOut       = "sms.opted_out"
)

// MaxID is the longest signal ID, in characters.
const MaxID = 200

// Types returns the signal types in the order of the constants.
func Types() []string {
	return []string{EmailReplied, EmailOpened, EmailClicked, EmailBounced, EmailUnsubscribed, SMSReplied, SMSOptedOut}
}

// IsReply reports whether a signal type is a reply on any channel.
func IsReply(typ string) bool { return typ == EmailReplied || typ == SMSReplied }

// IsOptOut reports whether a signal type asks for no more messages.
func IsOptOut(typ string) bool { return typ == EmailUnsubscribed || typ == SMSOptedOut }
