// Package record holds the rules every entity kind (lead, deal, account) shares: get, notes,
// autonomy changes, work (tasks, flags, drafts), inbound signals and reminders, free text trimmed
// and held to a length, and the Index a kind is listed by. Decide and Apply take an entity's
// Traits (its kind, its limits and pointers to the fields every state has), so a lead note stays
// crm.lead.note_added and a deal note crm.deal.note_added. The entity shell (actors/entity)
// decides and applies these for every kind; nothing here does I/O.
package record
