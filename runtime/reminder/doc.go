// Package reminder delivers the durable reminders of entities: a Scheduler reads due reminders
// from the store and hands each to a Deliver function, which the node wires to the cluster (the
// entity's actor is activated, applies the reminder and cancels it in its own append).
//
// Guarantees:
//
//   - At least once: a reminder stays in the store until the entity cancels or replaces it (in
//     the append that applied it) or answers that it is stale; a failed delivery is retried with
//     jittered exponential backoff; a reminder that fell due while no scheduler ran is delivered
//     as soon as one starts.
//   - Never two deliveries of the same reminder (kind, id, name) at once from one Scheduler, and
//     at most the configured number of deliveries at all.
//   - Due reminders are handed out earliest first; deliveries run concurrently, so they may end
//     in another order.
//   - Follow-ups (retry, delete of a stale reminder) are conditional on the token the delivery
//     saw: a reminder the entity replaced meanwhile is never moved nor deleted by them.
//
// Time comes from a Clock, so tests drive it (remindertest.Clock).
package reminder
