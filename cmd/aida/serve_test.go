package main

import (
	"bytes"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecondServeRefused: a second `aida serve` on the data folder of a running one exits at
// once with code 1 and says, in one plain line on stderr, who holds the folder and what to do.
func TestSecondServeRefused(t *testing.T) {
	dir := t.TempDir()
	first := startAida(t, "AIDA_DATA_DIR="+dir)

	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--nats-addr", "127.0.0.1:0", "--data-dir", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Fatalf("second aida serve: %v (exit %d); want exit 1\n%s", err, code, stderr.String())
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("the second aida took %s to refuse; want at once", took)
	}
	want := "aida: start data folder: another aida is using data folder " + dir +
		" (pid " + strconv.Itoa(first.cmd.Process.Pid) + "); stop it or set AIDA_DATA_DIR\n"
	if stderr.String() != want {
		t.Fatalf("stderr = %q\nwant the error once, as one plain line: %q", stderr.String(), want)
	}
	if strings.Contains(stdout.String(), "AIDA is serving") {
		t.Fatalf("the second aida served: %s", stdout.String())
	}
}

// TestFirstStartSignInLink: without AIDA_ADMIN_KEY, the first start on a fresh data folder makes
// an admin key and prints a sign-in link holding it; the link's token signs a browser in; the
// next start makes no other key and prints no link.
func TestFirstStartSignInLink(t *testing.T) {
	dir := t.TempDir()
	s := startAida(t, "AIDA_ADMIN_KEY=", "AIDA_DATA_DIR="+dir)
	var link string
	select {
	case link = <-s.link:
	case <-time.After(10 * time.Second):
		t.Fatalf("no sign-in link printed\n%s", s.logs)
	}
	u, err := url.Parse(link)
	token := u.Query().Get("token")
	if err != nil || !strings.HasPrefix(link, s.url+"/?token=aida_") || strings.Contains(s.logs.String(), token) {
		t.Fatalf("link %q (server %s): not a sign-in link, or the key is in the logs", link, s.url)
	}
	body := strings.NewReader(`{"api_key":"` + token + `"}`)
	res, err := http.Post(s.url+"/api/v1/session", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || len(res.Cookies()) == 0 || res.Cookies()[0].Name != "aida_session" {
		t.Fatalf("sign in with the link's token: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	res, err = http.Get(s.url + "/api/v1/leads")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a list without credentials: %d, want 401", res.StatusCode)
	}
	s.stop(t)

	again := startAida(t, "AIDA_ADMIN_KEY=", "AIDA_DATA_DIR="+dir)
	select {
	case l := <-again.link:
		t.Fatalf("the second start printed another link: %s", l)
	case <-time.After(2 * time.Second):
	}
	status, list, _ := call(t, http.DefaultClient, "GET", again.url+"/api/v1/keys", nil)
	if status != http.StatusUnauthorized || list == nil {
		t.Fatalf("keys with AIDA_ADMIN_KEY unset and the test key: %d %v, want 401", status, list)
	}
}
