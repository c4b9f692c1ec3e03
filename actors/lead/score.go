package lead

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/policies/autonomy"
)

// Dimension names and weights (hundredths of the composite; they sum to 100).
const (
	DimAISemantic       = "ai_semantic"
	DimDataCompleteness = "data_completeness"
	DimSourceQuality    = "source_quality"
	DimDemographicFit   = "demographic_fit"
	DimBehavioralIntent = "behavioral_intent"
	DimFirmographic     = "firmographic"
	DimUrgency          = "urgency"

	weightAISemantic       = 25
	weightDataCompleteness = 15
	weightSourceQuality    = 15
	weightDemographicFit   = 15
	weightBehavioralIntent = 15
	weightFirmographic     = 10
	weightUrgency          = 5
)

// Qualification decisions.
const (
	DecisionQualified   = "qualified"
	DecisionUnqualified = "unqualified"
	DecisionPending     = "pending"
)

// ModelOffline is Qualification.Model when the offline brain gave the ai_semantic dimension.
const ModelOffline = "offline"

const (
	unqualifiedBelow = 300 // a score under this is unqualified at every level
	maxStdDev        = 300 // the spread of the dimensions costs at most this much confidence
	minConfidence    = 100
	maxScore         = 1000
)

// AIScore is the ai_semantic dimension as a language model gave it.
type AIScore struct {
	Score  int32  // thousandths, clamped to 0..1000
	Model  string // the model that gave it, recorded as Qualification.Model
	Reason string // one line, shown beside the dimension
}

// Qualify scores lead l on the 7 dimensions of reference §4.3 and decides, for autonomy level
// (1..5; anything else counts as the nearest), whether it looks qualified, unqualified or
// pending. ai gives the ai_semantic dimension; nil means the offline brain (offlineSemantic)
// and Model "offline". now matters for the urgency dimension (its hour is taken in UTC).
//
// Composite = Σ weight × score / 100, rounded half up. Confidence = data_completeness −
// min(population std-dev of the 7 scores, 300) + 100 for a trusted source (hubspot, salesforce,
// calendly, demo_request), clamped to [100, 1000]. A lead is qualified when score and
// confidence both reach the level's threshold (L1 900 … L5 500), unqualified when the score is
// under 300, and pending otherwise.
func Qualify(l *aidapb.Lead, level int32, ai *AIScore, now time.Time) *aidapb.Qualification {
	q := &aidapb.Qualification{Model: ModelOffline}
	var semantic dimension
	if ai == nil {
		semantic = offlineSemantic(l)
	} else {
		semantic = dimension{score: clamp(ai.Score, 0, maxScore), reason: ai.Reason}
		if semantic.reason == "" {
			semantic.reason = fmt.Sprintf("scored by %s", ai.Model)
		}
		if ai.Model != "" {
			q.Model = ai.Model
		}
	}
	dims := []struct {
		name   string
		weight int32
		d      dimension
	}{
		{DimAISemantic, weightAISemantic, semantic},
		{DimDataCompleteness, weightDataCompleteness, completeness(l)},
		{DimSourceQuality, weightSourceQuality, sourceQuality(l)},
		{DimDemographicFit, weightDemographicFit, demographicFit(l)},
		{DimBehavioralIntent, weightBehavioralIntent, behavioralIntent(l)},
		{DimFirmographic, weightFirmographic, firmographic(l)},
		{DimUrgency, weightUrgency, urgency(l, now)},
	}
	var weighted int64
	scores := make([]int32, 0, len(dims))
	for _, d := range dims {
		q.Dimensions = append(q.Dimensions, &aidapb.Dimension{
			Name: d.name, Score: d.d.score, Weight: d.weight, Reason: d.d.reason,
		})
		weighted += int64(d.weight) * int64(d.d.score)
		scores = append(scores, d.d.score)
	}
	q.Score = int32((weighted + 50) / 100)

	confidence := dims[1].d.score - min(stdDev(scores), maxStdDev)
	if trustedSource(l.GetSource()) {
		confidence += 100
	}
	q.Confidence = clamp(confidence, minConfidence, maxScore)
	q.Decision = decide(levelOf(level), q.Score, q.Confidence)
	return q
}

// threshold is the score and confidence a lead needs to be qualified at level.
func threshold(level autonomy.Level) int32 {
	switch level {
	case autonomy.L2:
		return 800
	case autonomy.L3:
		return 700
	case autonomy.L4:
		return 600
	case autonomy.L5:
		return 500
	}
	return 900
}

func decide(level autonomy.Level, score, confidence int32) string {
	t := threshold(level)
	switch {
	case score >= t && confidence >= t:
		return DecisionQualified
	case score < unqualifiedBelow:
		return DecisionUnqualified
	}
	return DecisionPending
}

// levelOf turns a stored level into an autonomy.Level, clamping it to L1..L5.
func levelOf(level int32) autonomy.Level {
	return autonomy.Level(clamp(level, int32(autonomy.L1), int32(autonomy.L5)))
}

// stdDev returns the population standard deviation of xs, rounded to the nearest integer,
// with integer arithmetic only: with n values, sum S and sum of squares Q, σ = √(nQ − S²) / n,
// and σ rounded half up is the largest r with r − ½ ≤ σ, i.e. (2r − 1)·n ≤ 2·√(nQ − S²), i.e.
// ((2r − 1)·n)² ≤ 4(nQ − S²) for r ≥ 1. (With the 7 dimensions a tie cannot happen.)
func stdDev(xs []int32) int32 {
	n := int64(len(xs))
	if n == 0 {
		return 0
	}
	var s, q int64
	for _, x := range xs {
		s += int64(x)
		q += int64(x) * int64(x)
	}
	v4 := 4 * (n*q - s*s)
	ok := func(r int64) bool { return r == 0 || ((2*r-1)*n)*((2*r-1)*n) <= v4 }
	r := int64(math.Sqrt(float64(v4)/4) / float64(n)) // a guess; fixed up exactly below
	for r > 0 && !ok(r) {
		r--
	}
	for ok(r + 1) {
		r++
	}
	return int32(r)
}

func trustedSource(src string) bool {
	switch src {
	case "hubspot", "salesforce", "calendly", "demo_request":
		return true
	}
	return false
}

func clamp(v, lo, hi int32) int32 {
	return max(lo, min(v, hi))
}

// dimension is one computed score with the reason a person reads beside it.
type dimension struct {
	score  int32
	reason string
}

// tally adds up a dimension's points and remembers why.
type tally struct {
	score int32
	why   []string
}

func (t *tally) add(points int32, format string, args ...any) {
	t.score += points
	t.why = append(t.why, fmt.Sprintf(format, args...))
}

func (t *tally) note(format string, args ...any) {
	t.why = append(t.why, fmt.Sprintf(format, args...))
}

func (t *tally) done(lo, hi int32) dimension {
	s := clamp(t.score, lo, hi)
	r := strings.Join(t.why, "; ")
	if s != t.score {
		r += fmt.Sprintf("; capped at %d", s)
	}
	return dimension{score: s, reason: r}
}

// offlineSemantic is the offline brain's ai_semantic score, a deterministic reading of the
// whole lead the way a sales person would skim it:
//
//	250  to start
//	+150 a work address (a domain that is not a free mailbox)
//	−250 a throwaway address (test@, noreply@, example.com, .test …)
//	+100 first and last name (+50 for one of them)
//	+100 a company
//	+50  a phone number
//	+200 a buying signal: source demo_request, pricing_page or contact_sales, or the campaign
//	     or UTM campaign/term/content mention buy, purchase, demo, trial, pricing or quote;
//	     otherwise +50 for a research signal (source newsletter, blog or content_download, or
//	     learn, guide, how, solution, product)
//	+100 custom fields that mention budget, timeline or decision
//
// clamped to 0..1000 (at most 950 in practice). A throwaway address with nothing else scores 0,
// so an obvious junk lead can come out unqualified without a model.
func offlineSemantic(l *aidapb.Lead) dimension {
	t := tally{score: 250}
	t.note("offline brain: base 250")
	_, domain := emailParts(l.GetEmail())
	switch {
	case l.GetEmail() == "":
	case throwaway(l.GetEmail()):
		t.add(-250, "throwaway address −250")
	case !freeMail(domain):
		t.add(150, "work address +150")
	}
	switch {
	case l.GetFirstName() != "" && l.GetLastName() != "":
		t.add(100, "full name +100")
	case l.GetFirstName() != "" || l.GetLastName() != "":
		t.add(50, "partial name +50")
	}
	if l.GetCompany() != "" {
		t.add(100, "company +100")
	}
	if l.GetPhone() != "" {
		t.add(50, "phone +50")
	}
	signal := words(l.GetCampaign())
	signal = append(signal, utmIntentWords(l)...)
	if k, ok := mentions(signal, highIntentWords()); ok {
		t.add(200, "buying signal %q +200", k)
	} else if highIntentSource(l.GetSource()) {
		t.add(200, "buying signal (source %s) +200", l.GetSource())
	} else if k, ok := mentions(signal, mediumIntentWords()); ok {
		t.add(50, "research signal %q +50", k)
	} else if researchSource(l.GetSource()) {
		t.add(50, "research signal (source %s) +50", l.GetSource())
	}
	if k, ok := mentions(customWords(l.GetCustomFields()), buyingWords()); ok {
		t.add(100, "custom fields mention %q +100", k)
	}
	return t.done(0, maxScore)
}

// completeness is the data_completeness dimension: +300 email; +150 each for first name, last
// name and company; +50 each for phone, campaign and UTM parameters; +100 for 3 or more UTM
// parameters; capped at 1000.
func completeness(l *aidapb.Lead) dimension {
	var score int32
	var have, miss []string
	check := func(present bool, points int32, name string) {
		if present {
			score += points
			have = append(have, name)
		} else {
			miss = append(miss, name)
		}
	}
	check(l.GetEmail() != "", 300, "email")
	check(l.GetFirstName() != "", 150, "first name")
	check(l.GetLastName() != "", 150, "last name")
	check(l.GetCompany() != "", 150, "company")
	check(l.GetPhone() != "", 50, "phone")
	check(l.GetCampaign() != "", 50, "campaign")
	check(len(l.GetUtm()) > 0, 50, "utm")
	if len(l.GetUtm()) >= 3 {
		score += 100
		have[len(have)-1] = fmt.Sprintf("utm (%d keys)", len(l.GetUtm()))
	}
	var r string
	if len(have) > 0 {
		r = strings.Join(have, ", ") + " present"
	}
	if len(miss) > 0 {
		if r != "" {
			r += "; "
		}
		r += "no " + strings.Join(miss, ", ")
	}
	return dimension{score: min(score, maxScore), reason: r}
}

// sourceQuality is the source_quality dimension: a base by source category (sourceCategory),
// +100 each for first name, last name, company and phone, +50 each for utm_campaign and
// utm_term; capped at 1000.
func sourceQuality(l *aidapb.Lead) dimension {
	cat := sourceCategory(l.GetSource(), l.GetUtm())
	base := categoryBase(cat)
	t := tally{score: base}
	t.note("%s: %s source, base %d", l.GetSource(), cat, base)
	var fields []string
	for _, f := range []struct {
		ok   bool
		name string
	}{
		{l.GetFirstName() != "", "first name"},
		{l.GetLastName() != "", "last name"},
		{l.GetCompany() != "", "company"},
		{l.GetPhone() != "", "phone"},
	} {
		if f.ok {
			fields = append(fields, f.name)
		}
	}
	if len(fields) > 0 {
		t.add(int32(100*len(fields)), "+%d for %s", 100*len(fields), strings.Join(fields, ", "))
	}
	for _, k := range []string{"utm_campaign", "utm_term"} {
		if l.GetUtm()[k] != "" {
			t.add(50, "+50 for %s", k)
		}
	}
	return t.done(0, maxScore)
}

// demographicFit is the demographic_fit dimension: 500; +100 for an address under .com, .org
// or .net; −100 for a free mailbox, else +200 for a domain with a dot; +100 for first and last
// name; +200 for a company of more than 2 characters; clamped to 0..1000.
//
// A throwaway address (test@, example.com …) gets no domain points at all: the reference would
// give example.com +300 as a company domain while ai_semantic calls the same address throwaway,
// and one email is judged one way (docs/decisions.md §30).
func demographicFit(l *aidapb.Lead) dimension {
	t := tally{score: 500}
	t.note("base 500")
	_, domain := emailParts(l.GetEmail())
	if l.GetEmail() != "" && throwaway(l.GetEmail()) {
		t.note("throwaway address, no domain points")
		domain = ""
	}
	for _, tld := range []string{".com", ".org", ".net"} {
		if domain != "" && strings.HasSuffix(domain, tld) {
			t.add(100, "%s +100", tld)
			break
		}
	}
	switch {
	case domain == "":
	case freeMail(domain):
		t.add(-100, "free mailbox %s −100", domain)
	case strings.Contains(domain, "."):
		t.add(200, "company domain %s +200", domain)
	}
	if l.GetFirstName() != "" && l.GetLastName() != "" {
		t.add(100, "full name +100")
	}
	if utf8.RuneCountInString(l.GetCompany()) > 2 {
		t.add(200, "company +200")
	}
	return t.done(0, maxScore)
}

// behavioralIntent is the behavioral_intent dimension: 500; +300 when utm campaign, term or
// content mention buy, purchase, demo, trial, pricing or quote, and +100 (as well, as the
// reference adds them independently) when they mention learn, guide, how, solution or product;
// +300 for source demo_request, pricing_page or contact_sales, +100 for newsletter, blog or
// content_download; +200 when custom fields mention budget, timeline or decision; capped at
// 1000.
func behavioralIntent(l *aidapb.Lead) dimension {
	t := tally{score: 500}
	t.note("base 500")
	utm := utmIntentWords(l)
	if k, ok := mentions(utm, highIntentWords()); ok {
		t.add(300, "utm says %q +300", k)
	}
	if k, ok := mentions(utm, mediumIntentWords()); ok {
		t.add(100, "utm says %q +100", k)
	}
	switch src := l.GetSource(); {
	case highIntentSource(src):
		t.add(300, "source %s +300", src)
	case researchSource(src):
		t.add(100, "source %s +100", src)
	}
	if k, ok := mentions(customWords(l.GetCustomFields()), buyingWords()); ok {
		t.add(200, "custom fields mention %q +200", k)
	}
	return t.done(0, maxScore)
}

func highIntentSource(src string) bool {
	return src == "demo_request" || src == "pricing_page" || src == "contact_sales"
}

func researchSource(src string) bool {
	return src == "newsletter" || src == "blog" || src == "content_download"
}

// firmographic is the firmographic dimension: 300 with no company; else 500, +100 for a name
// of 3 characters or more, +200 when it mentions tech, software, digital, data, analytics or
// ai, +100 for inc, corp, ltd, llc, group or international; capped at 1000.
func firmographic(l *aidapb.Lead) dimension {
	c := l.GetCompany()
	if c == "" {
		return dimension{score: 300, reason: "no company, 300"}
	}
	t := tally{score: 500}
	t.note("company, base 500")
	if utf8.RuneCountInString(c) >= 3 {
		t.add(100, "name of 3+ characters +100")
	}
	ws := words(c)
	if k, ok := mentions(ws, techWords()); ok {
		t.add(200, "%q suggests tech +200", k)
	}
	if k, ok := mentions(ws, companyFormWords()); ok {
		t.add(100, "%q is a company form +100", k)
	}
	return t.done(0, maxScore)
}

// urgency is the urgency dimension: 500; +100 when now (UTC) is between 09:00 and 17:59; +300
// for source phone, chat, demo_request or contact_sales; +200 when the campaign or UTM
// campaign mention urgent, immediate, now, today or asap; capped at 1000.
func urgency(l *aidapb.Lead, now time.Time) dimension {
	t := tally{score: 500}
	t.note("base 500")
	if h := now.UTC().Hour(); h >= 9 && h <= 17 {
		t.add(100, "business hours (%02d h UTC) +100", h)
	}
	switch src := l.GetSource(); src {
	case "phone", "chat", "demo_request", "contact_sales":
		t.add(300, "source %s +300", src)
	}
	if k, ok := mentions(words(l.GetCampaign(), l.GetUtm()["utm_campaign"]), urgentWords()); ok {
		t.add(200, "campaign says %q +200", k)
	}
	return t.done(0, maxScore)
}
