package entity

import "github.com/google/uuid"

// NewID returns a UUIDv7: time-ordered, so new rows land at the end of the store's indexes.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
