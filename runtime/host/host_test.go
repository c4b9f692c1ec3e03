package host

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"
)

func TestRunOrder(t *testing.T) {
	tests := []struct {
		name      string
		failStart string // component whose start fails
		fail      error  // reported through Fail after start
		wantLog   []string
		wantErr   bool
	}{
		{name: "clean", wantLog: []string{"start a", "start b", "start c", "stop c", "stop b", "stop a"}},
		{name: "start fails", failStart: "b", wantLog: []string{"start a", "start b", "stop a"}, wantErr: true},
		{name: "fatal", fail: errors.New("boom"), wantLog: []string{"start a", "start b", "start c", "stop c", "stop b", "stop a"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			h := New(slog.New(slog.DiscardHandler), time.Second)
			for _, n := range []string{"a", "b", "c"} {
				h.Add(Component{Name: n,
					Start: func(context.Context) error {
						log = append(log, "start "+n)
						if n == tt.failStart {
							return errors.New("cannot")
						}
						return nil
					},
					Stop: func(context.Context) error { log = append(log, "stop "+n); return nil },
				})
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.fail != nil {
				h.Fail(tt.fail)
			} else {
				cancel()
			}
			err := h.Run(ctx)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Run() error = %v, want error %v", err, tt.wantErr)
			}
			if !slices.Equal(log, tt.wantLog) {
				t.Fatalf("order = %v, want %v", log, tt.wantLog)
			}
		})
	}
}
