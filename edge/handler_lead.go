package edge

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
)

// captureLead answers POST /api/v1/leads: 201 with a new lead, 200 with an existing one.
func (s *Server) captureLead(c *fiber.Ctx) error {
	cmd, err := rest.DecodeCapture(c.Body())
	if err != nil {
		return err
	}
	if err := stamp(c, cmd); err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	lead, duplicate, err := s.entities.Capture(ctx, cmd)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if duplicate {
		status = fiber.StatusOK
	}
	c.Set(fiber.HeaderLocation, location(kindLead, lead.GetId()))
	return c.Status(status).JSON(rest.CapturedLead{Lead: rest.ViewLead(lead), Duplicate: duplicate})
}

// archiveLead answers DELETE /api/v1/leads/:id?reason=… with the archived lead.
func (s *Server) archiveLead(c *fiber.Ctx) error {
	id, err := entityID(c, kindLead)
	if err != nil {
		return err
	}
	reason := trimmedQuery(c, "reason")
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	cmd := &aidapb.Command{Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{Reason: reason}}}
	return s.send(c, kindLead, id, cmd, fiber.StatusOK)
}

// restoreLead answers POST /api/v1/leads/:id/restore.
func (s *Server) restoreLead(c *fiber.Ctx) error {
	id, err := entityID(c, kindLead)
	if err != nil {
		return err
	}
	cmd := &aidapb.Command{Body: &aidapb.Command_RestoreLead{RestoreLead: &aidapb.RestoreLead{}}}
	return s.send(c, kindLead, id, cmd, fiber.StatusOK)
}

// convertLead answers POST /api/v1/leads/:id/convert with 201 and the new deal.
func (s *Server) convertLead(c *fiber.Ctx) error {
	id, err := entityID(c, kindLead)
	if err != nil {
		return err
	}
	cmd, err := rest.DecodeConvert(c.Body())
	if err != nil {
		return err
	}
	if err := stamp(c, cmd); err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	deal, err := s.entities.Convert(ctx, id, cmd)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, location(kindDeal, deal.GetId()))
	return c.Status(fiber.StatusCreated).JSON(rest.ViewDeal(deal))
}
