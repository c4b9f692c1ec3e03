// Package record holds the rules every entity kind (lead, deal, account) shares: free text
// trimmed and held to a length, autonomy levels and their changes, notes, and how those two
// events fold into a state. Each kind passes in its own event types and Limits, so a lead note
// stays crm.lead.note_added and a deal note crm.deal.note_added. Nothing here does I/O.
package record
