package edge

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/policies/access"
)

const localPrincipal = "aida.principal"

// principal returns who the request acts for, as the door authenticated them; the zero
// Principal when nobody was.
func principal(c *fiber.Ctx) access.Principal {
	p, _ := c.Locals(localPrincipal).(access.Principal)
	return p
}
