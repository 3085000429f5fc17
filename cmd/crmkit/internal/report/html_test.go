package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// chromium returns the path of a headless Chromium, skipping the test
// where there is none, except in CI (CI=true), where .ci/run installs the
// Debian package and its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: CI must install it (apt-get install -y chromium, see .ci/run)")
	}
	t.Skip("skipped: chromium is not installed (Debian: apt-get install -y chromium); the HTML page is not rendered")
	return ""
}

func headless(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "chromium: %s", errb.String())
	return out.Bytes()
}

func pctOf(d *decimal.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
}

// The HTML page renders in headless Chromium to a picture that is not
// blank (the funnel bars are drawn), and the page Chromium built holds
// the same figures as -json.
func TestHTMLRendersInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	r := runJSON(t, report.ExitRejected, "-deals", "testdata/pipeline/sales_pipeline.csv", "-products", "testdata/pipeline/products.csv",
		"-teams", "testdata/pipeline/sales_teams.csv", "-currency", "USD", "-stages", "Prospecting,Engaging", "-html", page)
	raw, err := os.ReadFile(page)
	require.NoError(t, err)

	// Self-contained: nothing fetched, nothing run.
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url(", "@font-face"} {
		assert.NotContains(t, strings.ToLower(string(raw)), bad)
	}
	assert.Empty(t, regexp.MustCompile(`https?://`).FindAllString(strings.ReplaceAll(string(raw), "http://www.w3.org/2000/svg", ""), -1))

	shot := filepath.Join(dir, "shot.png")
	headless(t, bin, "--window-size=1000,1600", "--screenshot="+shot, "file://"+page)
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	colours, bars := map[[3]uint32]bool{}, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			colours[[3]uint32{cr >> 8, cg >> 8, cb >> 8}] = true
			if near(cr>>8, 0x3b) && near(cg>>8, 0x7d) && near(cb>>8, 0xd8) {
				bars++ // the funnel's blue
			}
		}
	}
	assert.Greater(t, len(colours), 8, "the screenshot is blank")
	assert.Greater(t, bars, 1000, "no funnel bar in the screenshot")

	dom := string(headless(t, bin, "--dump-dom", "file://"+page))
	require.Contains(t, dom, "crmkit report")
	tot := r.Deals.Total
	for id, v := range map[string]string{
		"deals": fmt.Sprint(tot.Deals), "won": fmt.Sprint(tot.Won), "lost": fmt.Sprint(tot.Lost), "open": fmt.Sprint(tot.Open),
		"win-rate": pctOf(tot.WinRate), "won-amount": tot.WonAmount, "open-amount": tot.OpenAmount,
		"open-list": *tot.OpenAtListPrice, "average-won": *tot.AverageWon,
		"cycle": fmt.Sprintf("%.2f/%.2f", tot.Cycle.MeanDays, tot.Cycle.MedianDays), "rejected": fmt.Sprint(r.Rejected.Count),
	} {
		assert.Contains(t, dom, fmt.Sprintf(`id="%s">%s<`, id, v), id)
	}
	for _, s := range r.Deals.Stages {
		assert.Contains(t, dom, fmt.Sprintf("<td>%s</td><td>%d</td><td>%s</td><td>%d</td><td>%s</td>", s.Name, s.Reached, s.ReachedAmount, s.Advanced, pctOf(s.Conversion)))
	}
	for _, o := range r.Deals.ByOwner {
		assert.Contains(t, dom, fmt.Sprintf("<td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td>", o.Name, o.Deals, o.Won, o.Lost, o.Open, pctOf(o.WinRate), o.WonAmount))
	}
	for _, m := range r.Deals.MonthlyWon {
		assert.Contains(t, dom, ">"+m.Month+"</text>")
		assert.Contains(t, dom, ">"+m.Amount+"</text>")
	}
	for _, c := range r.Deals.CycleDays {
		assert.Contains(t, dom, ">"+c.Label+"</text>")
	}
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }
