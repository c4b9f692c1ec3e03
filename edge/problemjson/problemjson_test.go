package problemjson

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
)

func TestWrite(t *testing.T) {
	app := fiber.New()
	app.Get("/x", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderXRequestID, "rid-1")
		return Write(c, rest.Problem{Type: "/problems/teapot", Title: "Teapot", Status: 418, Detail: "short and stout"})
	})
	app.Get("/y", func(c *fiber.Ctx) error {
		return Write(c, rest.Problem{Type: "/problems/teapot", Title: "Teapot", Status: 418, Instance: "/kept", RequestID: "kept"})
	})
	for path, want := range map[string][2]string{"/x": {"/x", "rid-1"}, "/y": {"/kept", "kept"}} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		var p rest.Problem
		if err := json.Unmarshal(body, &p); err != nil || res.StatusCode != 418 ||
			res.Header.Get("Content-Type") != rest.ProblemContentType || p.Instance != want[0] || p.RequestID != want[1] {
			t.Errorf("%s: %d %q %s (%v)", path, res.StatusCode, res.Header.Get("Content-Type"), body, err)
		}
	}
}
