package recording

import (
	"math"
	"strconv"
)

// Numbers in messages are rounded to their meaning: a time such as
// 139.99500000000012 ms is written 139.995 ms.

// fmtMs writes a time or duration in ms with 6 significant digits.
func fmtMs(ms float64) string { return fmtSig(ms, 6) }

// fmtSig writes v rounded to sig significant digits, without an exponent
// between 1e-4 and 1e9 and without trailing zeros; 0 as "0".
func fmtSig(v float64, sig int) string {
	if v == 0 {
		return "0"
	}
	r := roundSig(v, sig)
	if a := math.Abs(r); a >= 1e-4 && a < 1e9 {
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	return strconv.FormatFloat(r, 'g', sig, 64)
}

// roundSig rounds v to sig significant digits.
func roundSig(v float64, sig int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', sig, 64), 64)
	if err != nil {
		return v
	}
	return r
}
