package money

import (
	"errors"
	"math"
	"testing"
)

func TestCheckMinor(t *testing.T) {
	for _, c := range []struct {
		n  int64
		ok bool
	}{
		{0, true}, {1, true}, {-1, true}, {MaxMinor, true}, {-MaxMinor, true},
		{MaxMinor + 1, false}, {-MaxMinor - 1, false}, {math.MaxInt64, false}, {math.MinInt64, false},
	} {
		err := CheckMinor(c.n)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrTooLarge)) {
			t.Errorf("CheckMinor(%d) = %v, want ok=%v", c.n, err, c.ok)
		}
		if got := New(c.n, "EUR").Check(); (got == nil) != c.ok {
			t.Errorf("Amount.Check(%d) = %v", c.n, got)
		}
	}
	if CheckTotal(MaxTotal) != nil || CheckTotal(-MaxTotal) != nil || CheckTotal(MaxTotal+1) == nil || CheckTotal(math.MinInt64) == nil {
		t.Error("CheckTotal bounds")
	}
	// A sum of a few totals cannot overflow int64.
	if MaxTotal > math.MaxInt64/8 {
		t.Error("MaxTotal leaves no room for sums")
	}
}
