package lead

import (
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/policies/autonomy"
	"google.golang.org/protobuf/types/known/structpb"
)

var (
	morning = time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC) // inside 9–17 UTC
	night   = time.Date(2025, 3, 4, 2, 0, 0, 0, time.UTC)   // outside
)

func ada() *aidapb.Lead {
	return &aidapb.Lead{Email: "ada@analytical-engines.co.uk", FirstName: "Ada", LastName: "Lovelace",
		Company: "Analytical Engines Ltd", Source: "demo_request"}
}

func grace(source string) *aidapb.Lead {
	return &aidapb.Lead{Email: "grace@cobol-data.com", FirstName: "Grace", LastName: "Hopper",
		Company: "Cobol Data Inc", Phone: "+1 555 010 2030", Source: source, Campaign: "spring_launch",
		Utm: map[string]string{"utm_source": "google", "utm_medium": "cpc",
			"utm_campaign": "pricing_spring", "utm_term": "buy crm"}}
}

func mustStruct(t testing.TB, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dims is the expected score of each dimension, in the order Qualify returns them:
// ai_semantic, data_completeness, source_quality, demographic_fit, behavioral_intent,
// firmographic, urgency.
type dims [7]int32

func TestQualifyWorkedExamples(t *testing.T) {
	tests := []struct {
		name       string
		lead       *aidapb.Lead
		level      int32
		ai         *AIScore
		now        time.Time
		want       dims
		score      int32
		confidence int32
		decision   string
	}{
		{
			// ai 250+150 work address+100 full name+100 company+200 demo_request = 800
			// completeness 300+150+150+150 = 750 (no phone, campaign, utm)
			// source demo_request → direct 800 +100×3 (names, company) = 1100 → 1000
			// demographic 500 +200 (.co.uk has a dot, not a free mailbox) +100 names +200 company = 1000
			// intent 500 +300 demo_request = 800
			// firmographic 500 +100 (≥3 chars) +100 "ltd" = 700 ("analytical" is not "analytics")
			// urgency 500 +100 (10:30 UTC) +300 demo_request = 900
			// composite (25×800 + 15×750 + 15×1000 + 15×1000 + 15×800 + 10×700 + 5×900) / 100
			//         = (20000+11250+15000+15000+12000+7000+4500) / 100 = 84750/100 → 848 (847.5 half up)
			// σ of {800,750,1000,1000,800,700,900}: mean 850, Σd² = 85000, √(85000/7) = 110.2 → 110
			// confidence 750 − 110 + 100 (demo_request is trusted) = 740; L3 needs 700/700 → qualified
			name: "Ada at Analytical Engines Ltd from demo_request", lead: ada(), level: 3, now: morning,
			want: dims{800, 750, 1000, 1000, 800, 700, 900}, score: 848, confidence: 740, decision: DecisionQualified,
		},
		{
			// ai 250 (free mailbox, nothing else); completeness 300; source web → direct 800;
			// demographic 500 +100 .com −100 gmail = 500; intent 500; firmographic 300; urgency 500 (02:00)
			// composite (6250+4500+12000+7500+7500+3000+2500)/100 = 43250/100 → 433 (432.5 half up)
			// σ: S = 3150, Q = 1632500, 7Q − S² = 11427500 − 9922500 = 1505000, √ = 1226.8, /7 = 175.3 → 175
			// confidence 300 − 175 = 125 → pending at L3 (not under 300)
			name: "a gmail.com address with only an email", lead: &aidapb.Lead{Email: "bob@gmail.com", Source: "web"},
			level: 3, now: night,
			want: dims{250, 300, 800, 500, 500, 300, 500}, score: 433, confidence: 125, decision: DecisionPending,
		},
		{
			// ai 250+150+100+100+50 phone +200 "buy" = 850
			// completeness 300+450+50 phone+50 campaign+50 utm+100 (4 utm keys) = 1000
			// source google_ads → paid 700 +400 (names, company, phone) +50 utm_campaign +50 utm_term → 1000
			// demographic 500+100 .com+200 domain+100 names+200 company = 1100 → 1000
			// intent 500 +300 (utm term "buy"; campaign "pricing") = 800
			// firmographic 500+100+200 "data"+100 "inc" = 900
			// urgency 500+100 (10:30) = 600 (spring_launch is not urgent)
			// composite (21250+15000+15000+15000+12000+9000+3000)/100 = 90250/100 → 903 (902.5 half up)
			// σ: S = 6150, Q = 5532500, 7Q − S² = 905000, √ = 951.3, /7 = 135.9 → 136; confidence 1000 − 136 = 864
			name: "a full lead with utm buy/pricing intent", lead: grace("google_ads"), level: 3, now: morning,
			want: dims{850, 1000, 1000, 1000, 800, 900, 600}, score: 903, confidence: 864, decision: DecisionQualified,
		},
		{
			// the same lead at L1 needs 900/900: the score passes, the confidence (864) does not
			name: "the full lead at L1 stays pending", lead: grace("google_ads"), level: 1, now: morning,
			want: dims{850, 1000, 1000, 1000, 800, 900, 600}, score: 903, confidence: 864, decision: DecisionPending,
		},
		{
			// ai 250 − 250 throwaway = 0; completeness 300; zapier with no utm_medium → unknown 300;
			// demographic 500 (+100 .com −100 gmail); intent 500; firmographic 300; urgency 500
			// composite (0+4500+4500+7500+7500+3000+2500)/100 = 295 < 300 → unqualified
			// σ: S = 2400, Q = 1020000, 7Q − S² = 1380000, √ = 1174.7, /7 = 167.8 → 168; confidence 300 − 168 = 132
			name: "a throwaway address from an unknown source", lead: &aidapb.Lead{Email: "test@gmail.com", Source: "zapier"},
			level: 4, now: night,
			want: dims{0, 300, 300, 500, 500, 300, 500}, score: 295, confidence: 132, decision: DecisionUnqualified,
		},
		{
			// ai 250+150+50 (first name only)+100 company+50 "guide"+100 "budget" = 700
			// completeness 300+150+150+50 utm = 650
			// source content_download → content 700 +200 (first name, company) = 900
			// demographic 500+200 (.fi domain) +200 company = 900 (no last name)
			// intent 500+100 "guide"+100 content_download+200 "budget" = 900
			// firmographic 500+100+200 "software" = 800; urgency 500
			// composite (17500+9750+13500+13500+13500+8000+2500)/100 = 78250/100 → 783 (782.5 half up)
			// σ: S = 5350, Q = 4232500, 7Q − S² = 29627500 − 28622500 = 1005000, √ = 1002.5, /7 = 143.2 → 143
			// confidence 650 − 143 = 507 → pending at L3
			name: "research intent with a budget in custom fields",
			lead: &aidapb.Lead{Email: "linus@penguin-software.fi", FirstName: "Linus", Company: "Penguin Software",
				Source: "content_download", Utm: map[string]string{"utm_medium": "email", "utm_content": "linux-guide"},
				CustomFields: mustStruct(t, map[string]any{"notes": "Budget approved for Q3"})},
			level: 3, now: night,
			want: dims{700, 650, 900, 900, 900, 800, 500}, score: 783, confidence: 507, decision: DecisionPending,
		},
		{
			// others as the full lead, but from demo_request at night: source 1000, intent
			// 500+300+300 → 1000, urgency 500+300 = 800; Σ weight×score without ai = 73000.
			// ai 280: 7000 + 73000 = 80000 → exactly 800. σ of {280,1000,1000,1000,1000,900,800}:
			// S = 5980, Q = 5528400, 7Q − S² = 2938400, √ = 1714.2, /7 = 244.9 → 245;
			// confidence 1000 − 245 + 100 = 855. L2 needs 800/800: exactly 800 qualifies
			// (the reference's float sum gave 0.7999… and failed).
			name: "L2 threshold at exactly 800 qualifies", lead: grace("demo_request"), level: 2, now: night,
			ai:   &AIScore{Score: 280, Model: "test-model", Reason: "fits the ideal customer"},
			want: dims{280, 1000, 1000, 1000, 1000, 900, 800}, score: 800, confidence: 855, decision: DecisionQualified,
		},
		{
			// ai 278: 6950 + 73000 = 79950 → 799.5, rounded half up to 800: qualifies
			// σ: S = 5978, Q = 5527284, 7Q − S² = 38690988 − 35736484 = 2954504, √ = 1718.9, /7 = 245.6 → 246
			// confidence 1000 − 246 + 100 = 854
			name: "799.5 rounds half up to 800", lead: grace("demo_request"), level: 2, now: night,
			ai:   &AIScore{Score: 278, Model: "test-model"},
			want: dims{278, 1000, 1000, 1000, 1000, 900, 800}, score: 800, confidence: 854, decision: DecisionQualified,
		},
		{
			// ai 277: 6925 + 73000 = 79925 → 799.25 → 799: pending
			// σ: S = 5977, Q = 5527729, 7Q − S² = 38694103 − 35724529 = 2969574, √ = 1723.2, /7 = 246.2 → 246
			name: "799 stays pending at L2", lead: grace("demo_request"), level: 2, now: night,
			ai:   &AIScore{Score: 277, Model: "test-model"},
			want: dims{277, 1000, 1000, 1000, 1000, 900, 800}, score: 799, confidence: 854, decision: DecisionPending,
		},
	}
	names := []string{DimAISemantic, DimDataCompleteness, DimSourceQuality, DimDemographicFit,
		DimBehavioralIntent, DimFirmographic, DimUrgency}
	weights := []int32{25, 15, 15, 15, 15, 10, 5}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Qualify(tt.lead, tt.level, tt.ai, tt.now)
			if len(q.Dimensions) != 7 {
				t.Fatalf("got %d dimensions, want 7", len(q.Dimensions))
			}
			for i, d := range q.Dimensions {
				if d.Name != names[i] || d.Weight != weights[i] {
					t.Errorf("dimension %d = %s/%d, want %s/%d", i, d.Name, d.Weight, names[i], weights[i])
				}
				if d.Score != tt.want[i] {
					t.Errorf("%s = %d, want %d (%s)", d.Name, d.Score, tt.want[i], d.Reason)
				}
				if d.Reason == "" {
					t.Errorf("%s has no reason", d.Name)
				}
			}
			if q.Score != tt.score || q.Confidence != tt.confidence || q.Decision != tt.decision {
				t.Errorf("score/confidence/decision = %d/%d/%s, want %d/%d/%s",
					q.Score, q.Confidence, q.Decision, tt.score, tt.confidence, tt.decision)
			}
			wantModel := ModelOffline
			if tt.ai != nil {
				wantModel = tt.ai.Model
			}
			if q.Model != wantModel {
				t.Errorf("model = %q, want %q", q.Model, wantModel)
			}
		})
	}
}

func TestQualifyReasons(t *testing.T) {
	q := Qualify(ada(), 3, nil, morning)
	want := map[string]string{
		DimDataCompleteness: "email, first name, last name, company present; no phone, campaign, utm",
		DimFirmographic:     `company, base 500; name of 3+ characters +100; "ltd" is a company form +100`,
		DimSourceQuality:    "demo_request: direct source, base 800; +300 for first name, last name, company; capped at 1000",
	}
	for _, d := range q.Dimensions {
		if w, ok := want[d.Name]; ok && d.Reason != w {
			t.Errorf("%s reason = %q, want %q", d.Name, d.Reason, w)
		}
	}
	ai := Qualify(ada(), 3, &AIScore{Score: 1500, Model: "m"}, morning)
	if got := ai.Dimensions[0]; got.Score != 1000 || got.Reason != "scored by m" {
		t.Errorf("AI dimension = %d %q, want 1000 (clamped) and a default reason", got.Score, got.Reason)
	}
}

func TestUrgencyHourIsUTC(t *testing.T) {
	l := &aidapb.Lead{Email: "x@y.org", Source: "web"}
	tests := []struct {
		now  time.Time
		want int32
	}{
		{time.Date(2025, 1, 1, 8, 59, 0, 0, time.UTC), 500},
		{time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC), 600},
		{time.Date(2025, 1, 1, 17, 59, 0, 0, time.UTC), 600},
		{time.Date(2025, 1, 1, 18, 0, 0, 0, time.UTC), 500},
		// 10:00 in UTC+10 is 00:00 UTC
		{time.Date(2025, 1, 1, 10, 0, 0, 0, time.FixedZone("AEST", 10*3600)), 500},
	}
	for _, tt := range tests {
		if got := urgency(l, tt.now).score; got != tt.want {
			t.Errorf("urgency at %s = %d, want %d", tt.now, got, tt.want)
		}
	}
}

func TestDecisionThresholds(t *testing.T) {
	tests := []struct {
		level             autonomy.Level
		score, confidence int32
		want              string
	}{
		{autonomy.L1, 900, 900, DecisionQualified},
		{autonomy.L1, 899, 1000, DecisionPending},
		{autonomy.L1, 1000, 899, DecisionPending},
		{autonomy.L2, 800, 800, DecisionQualified},
		{autonomy.L2, 799, 800, DecisionPending},
		{autonomy.L2, 800, 799, DecisionPending},
		{autonomy.L3, 700, 700, DecisionQualified},
		{autonomy.L3, 699, 700, DecisionPending},
		{autonomy.L4, 600, 600, DecisionQualified},
		{autonomy.L4, 600, 599, DecisionPending},
		{autonomy.L5, 500, 500, DecisionQualified},
		{autonomy.L5, 499, 900, DecisionPending},
		{autonomy.L5, 300, 100, DecisionPending},
		{autonomy.L5, 299, 1000, DecisionUnqualified},
		{autonomy.L1, 0, 100, DecisionUnqualified},
	}
	for _, tt := range tests {
		if got := decide(tt.level, tt.score, tt.confidence); got != tt.want {
			t.Errorf("decide(%s, %d, %d) = %s, want %s", tt.level, tt.score, tt.confidence, got, tt.want)
		}
	}
}

func TestStdDev(t *testing.T) {
	tests := []struct {
		xs   []int32
		want int32
	}{
		{nil, 0},
		{[]int32{500}, 0},
		{[]int32{500, 500, 500}, 0},
		{[]int32{0, 1000}, 500},
		{[]int32{0, 1}, 1},                // σ = 0.5 exactly: a tie rounds half up
		{[]int32{0, 0, 1}, 0},             // σ = 0.471
		{[]int32{0, 0, 0, 3}, 1},          // σ = 1.299
		{[]int32{0, 0, 0, 0, 0, 0, 5}, 2}, // σ = 1.749
		{[]int32{800, 750, 1000, 1000, 800, 700, 900}, 110},
		{[]int32{0, 0, 0, 0, 0, 1000, 1000}, 452}, // σ = 451.75
	}
	for _, tt := range tests {
		if got := stdDev(tt.xs); got != tt.want {
			t.Errorf("stdDev(%v) = %d, want %d", tt.xs, got, tt.want)
		}
	}
}

func TestSourceCategory(t *testing.T) {
	tests := []struct {
		source string
		utm    map[string]string
		want   string
	}{
		{"google_ads", nil, catPaid},
		{"google", nil, catOrganic},
		{"tiktok", nil, catSocial},
		{"newsletter", nil, catEmail},
		{"affiliate", nil, catReferral},
		{"web", nil, catDirect},
		{"demo_request", nil, catDirect},
		{"ebook", nil, catContent},
		{"webinar", nil, catEvent},
		{"calendly", nil, catForm},
		{"zapier", map[string]string{"utm_medium": "CPC"}, catPaid},
		{"zapier", map[string]string{"utm_medium": "social", "utm_source": "linkedin"}, catPaid},
		{"zapier", map[string]string{"utm_medium": "social-media", "utm_source": "mastodon"}, catSocial},
		{"zapier", map[string]string{"utm_medium": "email"}, catEmail},
		{"zapier", map[string]string{"utm_medium": "referral"}, catReferral},
		{"zapier", map[string]string{"utm_medium": "organic"}, catOrganic},
		{"zapier", map[string]string{"utm_medium": "banner"}, catUnknown},
		{"zapier", nil, catUnknown},
	}
	for _, tt := range tests {
		if got := sourceCategory(tt.source, tt.utm); got != tt.want {
			t.Errorf("sourceCategory(%q, %v) = %s, want %s", tt.source, tt.utm, got, tt.want)
		}
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		text     string
		keywords []string
		want     bool
	}{
		{"Spring_Pricing-2024", highIntentWords(), true},
		{"book-demos", highIntentWords(), true},    // prefix of a 4+ letter keyword
		{"buyers guide", highIntentWords(), false}, // "buy" is short: whole word only
		{"show me", mediumIntentWords(), false},    // not "how"
		{"how to", mediumIntentWords(), true},
		{"I know", urgentWords(), false},
		{"Britain Motors", techWords(), false},
		{"AI Labs", techWords(), true},
		{"Acme Corp.", companyFormWords(), true},
	}
	for _, tt := range tests {
		if _, got := mentions(words(tt.text), tt.keywords); got != tt.want {
			t.Errorf("mentions(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
