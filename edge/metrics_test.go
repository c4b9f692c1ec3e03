package edge

import (
	"context"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
)

func TestMetricsUseRouteTemplates(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.send = func(_ context.Context, _, id string, _ *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(id), nil
	}
	h.do(t, "GET", "/api/v1/leads/"+leadID, "")
	h.do(t, "GET", "/api/v1/leads/42", "")
	h.do(t, "GET", "/no/such/route", "")
	r := h.do(t, "GET", "/metrics", "")
	if r.status != 200 {
		t.Fatalf("metrics %d", r.status)
	}
	text := string(r.body)
	for _, want := range []string{
		`aida_http_request_duration_seconds_count{method="GET",route="/api/v1/leads/:id",status="200"} 1`,
		`aida_http_request_duration_seconds_count{method="GET",route="/api/v1/leads/:id",status="404"} 1`,
		`aida_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		`aida_http_requests_in_flight 1`, // the scrape itself
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, raw := range []string{leadID, "/no/such/route", "/api/v1/leads/42"} {
		if strings.Contains(text, raw) {
			t.Errorf("metrics hold the raw path %s", raw)
		}
	}
}

// TestAccessLogLevels: requests that went well and clients' mistakes (4xx) are logged at debug,
// below the default level; a path from outside is shortened before it is logged.
func TestAccessLogLevels(t *testing.T) {
	h := newHarness(t, Config{})
	h.do(t, "GET", "/healthz", "", "X-Request-ID", "ok-req")
	h.do(t, "GET", "/api/v1/leads/42", "", "X-Request-ID", "missing-req")
	long := "/api/v1/" + strings.Repeat("x", 500)
	h.do(t, "GET", long, "", "X-Request-ID", "long-req")
	logs := h.logs.String()
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		switch {
		case strings.Contains(line, "ok-req") && !strings.Contains(line, `"level":"DEBUG"`):
			t.Errorf("2xx not at debug: %s", line)
		case strings.Contains(line, "missing-req") && !strings.Contains(line, `"level":"DEBUG"`):
			t.Errorf("4xx not at debug: %s", line)
		case strings.Contains(line, "long-req") && (strings.Contains(line, long) || !strings.Contains(line, long[:200]+"…")):
			t.Errorf("a long path is not shortened to 200 bytes: %s", line)
		}
	}
	if !strings.Contains(logs, `"route":"/healthz"`) || !strings.Contains(logs, "long-req") {
		t.Errorf("no access log for /healthz or the long path:\n%s", logs)
	}
}
