package glance

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDateExpressions(t *testing.T) {
	tests := []struct {
		ref, event, text string
		want             []string
	}{
		{"2024-03-25", "", "He spoke on Monday.", []string{"25 March 2024"}},
		{"2024-03-25", "", "They struck on Friday night.", []string{"22 March 2024, night"}},
		{"2024-03-25", "", "It happened last Monday.", []string{"18 March 2024"}},
		{"2024-03-25", "", "Talks resume next Tuesday.", []string{"26 March 2024"}},
		{"2024-03-28", "", "Shots were heard Thursday night.", []string{"28 March 2024, night"}},
		{"2024-03-22", "", "The alert came on March 7, 2024.", []string{"7 March 2024"}},
		{"2024-03-22", "", "The alert came on 7 March.", []string{"7 March 2024"}},
		{"2024-10-02", "", "It began on Sept. 30, 2004.", []string{"30 September 2004"}},
		{"2024-01-03", "", "It began on December 28.", []string{"28 December 2023"}},
		{"2024-03-22", "", "In the evening of March 22, gunmen opened fire.", []string{"22 March 2024, evening"}},
		{"2024-03-25", "", "They warned earlier this month.", []string{"between 1 and 24 March 2024"}},
		{"2024-03-22", "", "It was warned in early March.", []string{"between 1 and 10 March 2024"}},
		{"2024-03-22", "", "Intelligence gathered in March.", []string{"March 2024"}},
		{"2024-03-22", "", "The embassy acted a few days ago.", []string{"by 21 March 2024"}},
		{"2024-03-22", "", "The embassy acted two days ago.", []string{"20 March 2024"}},
		{"2024-03-23", "", "Officials spoke yesterday.", []string{"22 March 2024"}},
		{"2024-03-22", "", "The Kremlin had earlier in the day demanded answers.", []string{"22 March 2024"}},
		{"2024-03-25", "2024-03-22", "In an address following the attack, he spoke.", []string{"between 22 and 25 March 2024"}},
		{"2024-03-25", "2024-03-22", "Days after the terror attack, they disagree.", []string{"between 23 and 25 March 2024"}},
		{"2024-03-25", "", "Days after the terror attack, they disagree.", nil}, // the event's day is unknown
		{"2024-03-23", "", "An old video from 1999 was shown.", []string{"1999"}},
		{"2024-03-25", "", "First on Friday, then later on Saturday.", []string{"22 March 2024", "23 March 2024"}},
		{"", "", "He spoke on Monday.", nil}, // no article day to count from
		{"2024-03-22", "", "Over 50 crews came within 15-20 minutes over the next 48 hours.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := sentence{text: tt.text}
			if tt.ref != "" {
				s.day = day(tt.ref)
			}
			var event time.Time
			if tt.event != "" {
				event = day(tt.event)
			}
			var got []string
			for _, m := range resolveDates([]sentence{s}, matchDates([]sentence{s}), event) {
				got = append(got, m.when.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("dates = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUpdateStamp(t *testing.T) {
	c, ok := stampClock(day("2024-03-22"), "19", "50", "ET")
	if !ok || c.label != "19:50 ET" {
		t.Fatalf("stampClock = %+v, %v", c, ok)
	}
	// 19:50 in New York in late March (daylight saving time) is 23:50 UTC.
	if c.minute != 23*60+50 {
		t.Errorf("19:50 ET placed at minute %d of the UTC day, want %d", c.minute, 23*60+50)
	}
	if _, ok := stampClock(day("2024-03-22"), "25", "00", ""); ok {
		t.Error("stampClock accepted hour 25")
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"U.S. officials confirmed it. Mr. Smith left.", []string{"U.S. officials confirmed it.", "Mr. Smith left."}},
		{`He said: "We know." Then he left.`, []string{`He said: "We know."`, "Then he left."}},
		{"Is it true? 40 people died.", []string{"Is it true?", "40 people died."}},
		{"No period at the end", []string{"No period at the end"}},
		{"On Sept. 30, 2004 it rained. Then it stopped.", []string{"On Sept. 30, 2004 it rained.", "Then it stopped."}},
		{"Version 2.0 is out. it stays", []string{"Version 2.0 is out. it stays"}},
	}
	for _, tt := range tests {
		if got := splitSentences(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTollPatterns(t *testing.T) {
	tests := []struct {
		text string
		want []string // kind value qualifier
	}{
		{"At least 139 people were killed and 180 others wounded.", []string{"killed 139 at least", "wounded 180 "}},
		{"The attack killed at least 40 people and injured about 100 others.", []string{"killed 40 at least", "wounded 100 about"}},
		{"A list of 145 people who have been hospitalized.", []string{"wounded 145 "}},
		{"The death toll rose to 93.", []string{"killed 93 "}},
		{"Ten people died.", []string{"killed 10 "}},
		{"Around 100 people have been evacuated and four gunmen were detained.", nil},
		{"There are possibly at least ten casualties.", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range tollReports([]sentence{{text: tt.text, day: day("2024-03-22")}}) {
			got = append(got, strings.Join([]string{string(r.kind), strconv.Itoa(r.value), r.qualifier}, " "))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("tollReports(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
