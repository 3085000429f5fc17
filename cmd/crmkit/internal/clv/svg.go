package clv

import (
	"fmt"
	"html"
	"math"
	"path/filepath"
	"strings"
)

// holdoutSVG draws the holdout check as a self-contained SVG document (no
// scripts, fonts, images or links): mean holdout purchases per customer
// against calibration repeat purchases, actual as a solid line and the
// model's conditional expectation as a dashed one, as in Fader, Hardie and
// Lee (2005), figure 5. rep.Holdout must not be nil.
func holdoutSVG(rep Report) string {
	h := rep.Holdout
	const (
		width, height          = 640, 400
		left, right, top, foot = 60, 20, 50, 60
		plotW, plotH           = width - left - right, height - top - foot
	)
	maxY := 0.0
	for _, b := range h.Bins {
		maxY = math.Max(maxY, math.Max(b.ActualMean, b.ExpectedMean))
	}
	// A round axis maximum: the next whole number above the largest mean.
	yMax := math.Ceil(maxY)
	if yMax == 0 {
		yMax = 1
	}
	n := len(h.Bins)
	x := func(i int) float64 { return left + (float64(i)+0.5)*plotW/float64(n) }
	y := func(v float64) float64 { return top + plotH - v/yMax*plotH }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, "<title>Holdout check: actual and expected repeat purchases</title>\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">Conditional expectations, holdout %s to %s</text>`+"\n",
		left, html.EscapeString(h.Start), html.EscapeString(h.End))
	fmt.Fprintf(&b, `<text x="%d" y="36" fill="#555555">%s: %d customers, holdout %.1f %ss</text>`+"\n",
		left, html.EscapeString(filepath.Base(rep.Input.File)), rep.Input.Customers, h.Length, html.EscapeString(rep.Input.Unit))
	// Axes and horizontal grid lines with their values.
	steps := int(yMax)
	if steps > 10 {
		steps = 5
	}
	for k := 0; k <= steps; k++ {
		v := yMax * float64(k) / float64(steps)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>`+"\n", left, y(v), left+plotW, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y(v)+4, trimFloat(v))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000000"/>`+"\n", left, top+plotH, left+plotW, top+plotH)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000000"/>`+"\n", left, top, left, top+plotH)
	for i, bin := range h.Bins {
		label := fmt.Sprint(bin.Frequency)
		if bin.OrMore {
			label += "+"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x(i), top+plotH+18, label)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">repeat purchases in the calibration period (x)</text>`+"\n", left+plotW/2, top+plotH+40)
	fmt.Fprintf(&b, `<text transform="translate(16 %d) rotate(-90)" text-anchor="middle">mean holdout purchases</text>`+"\n", top+plotH/2)
	series := []struct {
		name, color, dash string
		value             func(HoldoutRow) float64
	}{
		{"actual", "#1f77b4", "", func(r HoldoutRow) float64 { return r.ActualMean }},
		{"expected (BG/NBD)", "#d62728", ` stroke-dasharray="6 4"`, func(r HoldoutRow) float64 { return r.ExpectedMean }},
	}
	for si, s := range series {
		pts := make([]string, 0, n)
		for i, bin := range h.Bins {
			if bin.Customers == 0 {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.value(bin))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", s.color, s.dash, strings.Join(pts, " "))
		for i, bin := range h.Bins {
			if bin.Customers == 0 {
				continue
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>x=%d: %s %.3f (%d customers)</title></circle>`+"\n",
				x(i), y(s.value(bin)), s.color, bin.Frequency, s.name, s.value(bin), bin.Customers)
		}
		ly := top + 10 + 18*si
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", left+14, ly, left+44, ly, s.color, s.dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", left+50, ly+4, s.name)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// trimFloat formats an axis value without needless decimals.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
