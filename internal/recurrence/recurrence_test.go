package recurrence

import (
	"errors"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		rule       Rule
		due        string
		anchor     int
		want       string
		wantAnchor int
	}{
		{"DailyMidMonth", Daily, "2026-03-10", 0, "2026-03-11", 0},
		{"DailyMonthEnd", Daily, "2026-04-30", 0, "2026-05-01", 0},
		{"DailyYearEnd", Daily, "2026-12-31", 0, "2027-01-01", 0},
		{"DailyLeapDay", Daily, "2028-02-28", 0, "2028-02-29", 0},
		{"DailyAfterLeapDay", Daily, "2028-02-29", 0, "2028-03-01", 0},
		{"DailyCommonYearFeb28", Daily, "2027-02-28", 0, "2027-03-01", 0},

		{"WeekdaysMonday", Weekdays, "2026-11-23", 0, "2026-11-24", 0},
		{"WeekdaysThursday", Weekdays, "2026-11-26", 0, "2026-11-27", 0},
		{"WeekdaysFridayToMonday", Weekdays, "2026-11-27", 0, "2026-11-30", 0},
		{"WeekdaysSaturdayToMonday", Weekdays, "2026-11-28", 0, "2026-11-30", 0},
		{"WeekdaysSundayToMonday", Weekdays, "2026-11-29", 0, "2026-11-30", 0},
		{"WeekdaysFridayOverYearEnd", Weekdays, "2027-12-31", 0, "2028-01-03", 0},
		{"WeekdaysFridayOverMonthEnd", Weekdays, "2026-07-31", 0, "2026-08-03", 0},

		{"WeeklyMidMonth", Weekly, "2026-03-10", 0, "2026-03-17", 0},
		{"WeeklyOverYearEnd", Weekly, "2026-12-28", 0, "2027-01-04", 0},
		{"WeeklyOverLeapDay", Weekly, "2028-02-25", 0, "2028-03-03", 0},

		{"MonthlyMidMonth", Monthly, "2026-03-10", 0, "2026-04-10", 0},
		{"MonthlyDecemberToJanuary", Monthly, "2026-12-15", 0, "2027-01-15", 0},
		{"MonthlyDecember31", Monthly, "2026-12-31", 0, "2027-01-31", 0},
		{"MonthlyJan31ToFeb28", Monthly, "2027-01-31", 0, "2027-02-28", 31},
		{"MonthlyJan31ToFeb29InLeapYear", Monthly, "2028-01-31", 0, "2028-02-29", 31},
		{"MonthlyJan30ToFeb28", Monthly, "2027-01-30", 0, "2027-02-28", 30},
		{"MonthlyJan29ToFeb29InLeapYear", Monthly, "2028-01-29", 0, "2028-02-29", 0},
		{"MonthlyFeb28AnchoredTo31ToMar31", Monthly, "2027-02-28", 31, "2027-03-31", 0},
		{"MonthlyFeb28AnchoredTo30ToMar30", Monthly, "2027-02-28", 30, "2027-03-30", 0},
		{"MonthlyMar31ToApr30", Monthly, "2027-03-31", 0, "2027-04-30", 31},
		{"MonthlyApr30AnchoredTo31ToMay31", Monthly, "2027-04-30", 31, "2027-05-31", 0},
		{"MonthlyFeb28WithoutAnchorStays28", Monthly, "2027-02-28", 0, "2027-03-28", 0},
		{"MonthlyAnchorBelowDueDayIsIgnored", Monthly, "2027-03-31", 29, "2027-04-30", 31},

		{"YearlyMidYear", Yearly, "2026-07-04", 0, "2027-07-04", 0},
		{"YearlyDec31", Yearly, "2026-12-31", 0, "2027-12-31", 0},
		{"YearlyLeapDayToFeb28", Yearly, "2028-02-29", 0, "2029-02-28", 29},
		{"YearlyFeb28AnchoredTo29StaysFeb28", Yearly, "2029-02-28", 29, "2030-02-28", 29},
		{"YearlyFeb28AnchoredTo29BackToLeapDay", Yearly, "2031-02-28", 29, "2032-02-29", 0},
		{"YearlyFeb28WithoutAnchor", Yearly, "2027-02-28", 0, "2028-02-28", 0},
		{"YearlyCenturyNotLeap", Yearly, "2096-02-29", 0, "2097-02-28", 29},
		{"YearlyToCenturyNotLeap", Yearly, "2099-02-28", 29, "2100-02-28", 29},
		{"YearlyToQuadCenturyLeap", Yearly, "2399-02-28", 29, "2400-02-29", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, anchor, err := Next(tt.rule, date(tt.due), tt.anchor)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format(time.DateOnly) != tt.want || anchor != tt.wantAnchor {
				t.Errorf("Next(%s, %s, anchor %d) = %s anchor %d, want %s anchor %d",
					tt.rule, tt.due, tt.anchor, got.Format(time.DateOnly), anchor, tt.want, tt.wantAnchor)
			}
			if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 {
				t.Errorf("Next returned %v, want a civil date at 00:00 UTC", got)
			}
		})
	}
}

// TestNextMonthlySeriesKeepsItsDay follows a month-end series through a year, passing each
// occurrence's anchor on as the store does.
func TestNextMonthlySeriesKeepsItsDay(t *testing.T) {
	t.Parallel()
	want := []string{"2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30", "2028-07-31",
		"2028-08-31", "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31", "2029-01-31", "2029-02-28", "2029-03-31"}
	due, anchor := date("2028-01-31"), 0
	for i, w := range want {
		var err error
		due, anchor, err = Next(Monthly, due, anchor)
		if err != nil {
			t.Fatal(err)
		}
		if got := due.Format(time.DateOnly); got != w {
			t.Fatalf("occurrence %d: %s, want %s", i+1, got, w)
		}
	}
}

// TestNextWeekdaysIsAlwaysAWeekday walks two years day by day.
func TestNextWeekdaysIsAlwaysAWeekday(t *testing.T) {
	t.Parallel()
	for d := date("2027-01-01"); d.Year() < 2029; d = d.AddDate(0, 0, 1) {
		next, _, err := Next(Weekdays, d, 0)
		if err != nil {
			t.Fatal(err)
		}
		if wd := next.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("after %s: %s, a %s", d.Format(time.DateOnly), next.Format(time.DateOnly), wd)
		}
		if gap := next.Sub(d); gap <= 0 || gap > 3*24*time.Hour {
			t.Fatalf("after %s: %s, %v later", d.Format(time.DateOnly), next.Format(time.DateOnly), gap)
		}
	}
}

func TestNextNoneIsAnError(t *testing.T) {
	t.Parallel()
	for _, r := range []Rule{None, "", "hourly"} {
		if _, _, err := Next(r, date("2027-01-01"), 0); err == nil {
			t.Errorf("Next(%q) returned no error", r)
		}
	}
}

// TestNextEndsAtTheLastDate: every rule's series ends where its next date would fall after
// 9999-12-31 (issue 12: a daily task due 9999-12-31 got an occurrence due 10000-01-01), and
// reaches 9999-12-31 itself.
func TestNextEndsAtTheLastDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rule   Rule
		due    string
		anchor int
		want   string // "": ErrEnded
	}{
		{Daily, "9999-12-30", 0, "9999-12-31"},
		{Daily, "9999-12-31", 0, ""},
		{Weekdays, "9999-12-30", 0, "9999-12-31"}, // Thursday → Friday
		{Weekdays, "9999-12-31", 0, ""},           // Friday → Monday 10000-01-03
		{Weekdays, "9999-12-25", 0, "9999-12-27"}, // Saturday → Monday
		{Weekly, "9999-12-24", 0, "9999-12-31"},
		{Weekly, "9999-12-25", 0, ""},
		{Monthly, "9999-11-30", 31, "9999-12-31"},
		{Monthly, "9999-11-30", 0, "9999-12-30"},
		{Monthly, "9999-12-01", 0, ""},
		{Monthly, "9999-12-31", 0, ""},
		{Yearly, "9998-12-31", 0, "9999-12-31"},
		{Yearly, "9998-02-28", 29, "9999-02-28"},
		{Yearly, "9999-01-01", 0, ""},
	} {
		got, _, err := Next(tt.rule, date(tt.due), tt.anchor)
		switch {
		case tt.want == "" && !errors.Is(err, ErrEnded):
			t.Errorf("Next(%s, %s) = %s, %v; want ErrEnded", tt.rule, tt.due, got.Format(time.DateOnly), err)
		case tt.want != "" && (err != nil || got.Format(time.DateOnly) != tt.want):
			t.Errorf("Next(%s, %s) = %s, %v; want %s", tt.rule, tt.due, got.Format(time.DateOnly), err, tt.want)
		}
	}
}
