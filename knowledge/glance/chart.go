package glance

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ErrNoToll means the articles report no figures to chart.
var ErrNoToll = errors.New("the articles report no toll figures")

// MaxCaption is the longest caption TollCaption returns, in characters.
const MaxCaption = 1024

// series styles each kind of figure on the chart.
// Killed, the lower line, is labelled below its points, wounded above, so
// that labels of the two lines keep apart.
var series = []struct {
	kind  Kind
	color color.RGBA
	shape draw.GlyphDrawer
	below bool
}{
	{Killed, color.RGBA{R: 0xc0, G: 0x20, B: 0x20, A: 0xff}, draw.CircleGlyph{}, true},
	{Wounded, color.RGBA{R: 0x20, G: 0x50, B: 0xb0, A: 0xff}, draw.BoxGlyph{}, false},
}

// TollChart draws the reported toll as a PNG: killed and wounded against
// the time of each report, each point labelled with its value.
func (d *Digest) TollChart(w io.Writer) error {
	if len(d.Toll) == 0 {
		return ErrNoToll
	}
	p := plot.New()
	p.Title.Text = "Reported toll, by time of report"
	p.Title.TextStyle.Font.Size = vg.Points(17)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = "people"
	p.X.Label.Text = "date of report"
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font.Size = vg.Points(13)
		ax.Tick.Label.Font.Size = vg.Points(12)
	}
	p.X.Tick.Marker = dayTicks{}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(13)
	p.Legend.Padding = vg.Points(4)

	first, last := d.Toll[0].pointTime(), d.Toll[0].pointTime()
	top := 0
	for _, pt := range d.Toll {
		t := pt.pointTime()
		first, last, top = minTime(first, t), maxTime(last, t), max(top, pt.Value)
	}
	for _, s := range series {
		var xys plotter.XYs
		var labels []string
		for _, pt := range d.Toll {
			if pt.Kind == s.kind {
				xys = append(xys, plotter.XY{X: float64(pt.pointTime().Unix()), Y: float64(pt.Value)})
				labels = append(labels, pt.Label())
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("toll chart: %w", err)
		}
		line.Color, line.Width = s.color, vg.Points(2)
		points.Color, points.Shape, points.Radius = s.color, s.shape, vg.Points(4)
		text, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return fmt.Errorf("toll chart: %w", err)
		}
		for i := range text.TextStyle {
			text.TextStyle[i].Color = s.color
			text.TextStyle[i].Font.Size = vg.Points(13)
			text.TextStyle[i].XAlign = draw.XCenter
			if s.below {
				text.TextStyle[i].YAlign = draw.YTop
			}
		}
		text.Offset = vg.Point{Y: vg.Points(7)}
		if s.below {
			text.Offset.Y = -vg.Points(7)
		}
		p.Add(line, points, text)
		p.Legend.Add(string(s.kind), line, points)
	}
	const day = 24 * 3600
	p.X.Min = float64(first.Unix()) - day/2
	p.X.Max = float64(last.Unix()) + day/2
	p.Y.Min, p.Y.Max = 0, math.Ceil(float64(top)*1.2/10)*10

	out, err := p.WriterTo(8*vg.Inch, 4.5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("toll chart: %w", err)
	}
	if _, err := out.WriteTo(w); err != nil {
		return fmt.Errorf("toll chart: write: %w", err)
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// dayTicks marks each midnight (UTC) of a time axis in Unix seconds, and
// labels them "22 Mar"; past a week it labels fewer of them.
type dayTicks struct{}

func (dayTicks) Ticks(lo, hi float64) []plot.Tick {
	const day = 24 * 3600
	start := math.Ceil(lo/day) * day
	step := 1 + int((hi-lo)/day)/8
	var ticks []plot.Tick
	for i, x := 0, start; x <= hi; i, x = i+1, x+day {
		t := plot.Tick{Value: x}
		if i%step == 0 {
			t.Label = time.Unix(int64(x), 0).UTC().Format("2 Jan")
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// TollCaption describes the chart's points and names their sources, in
// at most MaxCaption characters: "Killed: 40+ (22 Mar) [1,2,3], …".
func (d *Digest) TollCaption() string {
	var sources []Source
	number := func(s Source) int {
		i := slices.IndexFunc(sources, func(o Source) bool { return o.DocID == s.DocID })
		if i < 0 {
			sources = append(sources, s)
			i = len(sources) - 1
		}
		return i + 1
	}
	var b strings.Builder
	b.WriteString("Reported toll, by date of report.")
	for _, s := range series {
		var parts []string
		for _, pt := range d.Toll {
			if pt.Kind != s.kind {
				continue
			}
			var refs []string
			for _, src := range pt.Sources {
				refs = append(refs, strconv.Itoa(number(src)))
			}
			parts = append(parts, fmt.Sprintf("%s (%s) [%s]", pt.Label(), pt.When.From.Format("2 Jan"), strings.Join(refs, ",")))
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "\n%s: %s.", capitalize(string(s.kind)), strings.Join(parts, ", "))
		}
	}
	head := b.String()
	for _, long := range []bool{true, false} {
		var c strings.Builder
		c.WriteString(head + "\nSources:")
		for i, s := range sources {
			fmt.Fprintf(&c, "\n[%d] %s", i+1, sourceLine(s, long))
		}
		if utf8.RuneCountInString(c.String()) <= MaxCaption {
			return c.String()
		}
	}
	return truncate(head, MaxCaption)
}

func sourceLine(s Source, long bool) string {
	name := s.DocID
	if long {
		name = s.Title
	}
	if s.Publisher != "" {
		name += " — " + s.Publisher
	}
	return name + ", " + s.Date.Human()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
