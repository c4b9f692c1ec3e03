// Package crm puts AIDA's three entity kinds together: Kinds wires lead, deal and account into
// the entity shell, and Gateway runs the flows that span entities on top of the shell's
// routing — capture with deduplication, convert a lead into a deal, an account from a won deal,
// and the start of an onboarding from that deal.
//
// A flow is a few commands to different actors, each durable on its own; nothing spans them in
// one transaction. Each flow is written so that a retry after the process died between its
// steps completes it instead of doing it twice: its doc has the table of what a crash leaves
// behind and how the retry finishes. Flows never change the caller's command; they work on a
// copy.
package crm
