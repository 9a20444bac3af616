package recording

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// CurrentUnit is the unit of Recording.Current: an absolute current (A, nA,
// pA) or the model's current density, uA/cm2.
type CurrentUnit string

// Current units.
const (
	UnitA       CurrentUnit = "A"
	UnitNA      CurrentUnit = "nA"
	UnitPA      CurrentUnit = "pA"
	UnitDensity CurrentUnit = "uA/cm2" // the model's unit
)

// SpecificCapacitance is the membrane capacitance per area assumed when the
// area is estimated from a whole-cell capacitance: 1 uF/cm2.
const SpecificCapacitance = 1.0

// amperes is the size of one unit of an absolute current, in A.
func (u CurrentUnit) amperes() float64 {
	switch u {
	case UnitA:
		return 1
	case UnitNA:
		return 1e-9
	case UnitPA:
		return 1e-12
	}
	return math.NaN()
}

// quantity is what a column or data set measures.
type quantity int

const (
	qTime quantity = iota
	qVoltage
	qCurrent
)

func (q quantity) String() string {
	return [...]string{"time", "voltage", "current"}[q]
}

// units lists the allowed units of each quantity, for error messages.
func (q quantity) units() string {
	return [...]string{"s or ms", "V or mV", "A, nA, pA or uA/cm2"}[q]
}

// unit is a parsed unit: the quantity it measures and, for time and voltage,
// the factor to ms and mV; for current, the CurrentUnit.
type unit struct {
	q       quantity
	scale   float64
	current CurrentUnit
}

// unitTable maps normalized spellings (lower case, no spaces, u for micro)
// to units. NWB spellings (seconds, volts, amperes) are included.
var unitTable = map[string]unit{
	"s": {qTime, 1000, ""}, "sec": {qTime, 1000, ""}, "second": {qTime, 1000, ""}, "seconds": {qTime, 1000, ""},
	"ms": {qTime, 1, ""}, "msec": {qTime, 1, ""}, "millisecond": {qTime, 1, ""}, "milliseconds": {qTime, 1, ""},
	"v": {qVoltage, 1000, ""}, "volt": {qVoltage, 1000, ""}, "volts": {qVoltage, 1000, ""},
	"mv": {qVoltage, 1, ""}, "millivolt": {qVoltage, 1, ""}, "millivolts": {qVoltage, 1, ""},
	"a": {qCurrent, 1, UnitA}, "amp": {qCurrent, 1, UnitA}, "amps": {qCurrent, 1, UnitA},
	"ampere": {qCurrent, 1, UnitA}, "amperes": {qCurrent, 1, UnitA},
	"na": {qCurrent, 1, UnitNA}, "pa": {qCurrent, 1, UnitPA},
	"ua/cm2": {qCurrent, 1, UnitDensity}, "ua/cm^2": {qCurrent, 1, UnitDensity}, "ua/cm**2": {qCurrent, 1, UnitDensity},
	"ua/cm²": {qCurrent, 1, UnitDensity}, "ua_per_cm2": {qCurrent, 1, UnitDensity}, "uapercm2": {qCurrent, 1, UnitDensity},
	"ua.cm-2": {qCurrent, 1, UnitDensity}, "ua_per_cm^2": {qCurrent, 1, UnitDensity},
}

// parseUnit reads a unit spelling; case does not matter, µ or μ may stand for u.
func parseUnit(s string) (unit, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	s = strings.NewReplacer("µ", "u", "μ", "u").Replace(s)
	u, ok := unitTable[s]
	return u, ok
}

// parseUnitOf reads a unit that must measure q.
func parseUnitOf(q quantity, s string) (unit, error) {
	u, ok := parseUnit(s)
	if !ok {
		return unit{}, fmt.Errorf("unknown %s unit %q (want %s)", q, s, q.units())
	}
	if u.q != q {
		return unit{}, fmt.Errorf("unit %q measures %s, not %s (want %s)", s, u.q, q, q.units())
	}
	return u, nil
}

// Membrane turns an absolute current into the model's current density. Give
// the membrane area, or the whole-cell capacitance, from which the area is
// estimated as C / SpecificCapacitance (1 uF/cm2: 100 pF is 1e-4 cm2). The
// area wins when both are given. Note that with an estimated area the
// model's C_m is expected near 1 uF/cm2 by construction.
type Membrane struct {
	AreaCm2       float64 // membrane area, cm2
	CapacitancePF float64 // whole-cell membrane capacitance, pF
}

// errNoMembrane is returned when an absolute current cannot become a density.
var errNoMembrane = errors.New("give the membrane area (cm2) or the cell capacitance (pF) to convert it to uA/cm2")

// IsZero reports whether neither the area nor the capacitance is given.
func (m Membrane) IsZero() bool { return m.AreaCm2 == 0 && m.CapacitancePF == 0 }

// Area returns the membrane area in cm2 and how it was found.
func (m Membrane) Area() (areaCm2 float64, how string, err error) {
	bad := func(v float64) bool { return !(v > 0) || math.IsInf(v, 0) }
	switch {
	case m.AreaCm2 != 0:
		if bad(m.AreaCm2) {
			return 0, "", fmt.Errorf("recording: membrane area %g cm2 must be a positive number", m.AreaCm2)
		}
		return m.AreaCm2, fmt.Sprintf("membrane area %g cm2", m.AreaCm2), nil
	case m.CapacitancePF != 0:
		if bad(m.CapacitancePF) {
			return 0, "", fmt.Errorf("recording: capacitance %g pF must be a positive number", m.CapacitancePF)
		}
		// C [pF] * 1e-12 F/pF / (c_m [uF/cm2] * 1e-6 F/uF) = area in cm2.
		a := m.CapacitancePF * 1e-12 / (SpecificCapacitance * 1e-6)
		return a, fmt.Sprintf("membrane area %s cm2 estimated from %s pF at %g uF/cm2", fmtSig(a, 4), fmtSig(m.CapacitancePF, 6), SpecificCapacitance), nil
	}
	return 0, "", fmt.Errorf("recording: no membrane area: %w", errNoMembrane)
}

// ToDensity returns a copy of r whose current is in uA/cm2, dividing an
// absolute current by the membrane area: I [uA/cm2] = I [A] / area [cm2] * 1e6.
// A current already in uA/cm2 is returned unchanged (m is then ignored).
func (r Recording) ToDensity(m Membrane) (Recording, error) {
	if r.CurrentUnit == UnitDensity {
		return r, nil
	}
	amps := r.CurrentUnit.amperes()
	if math.IsNaN(amps) {
		return r, fmt.Errorf("recording: unknown current unit %q (want %s)", r.CurrentUnit, qCurrent.units())
	}
	if m.IsZero() {
		return r, fmt.Errorf("recording: the current is in %s: %w", r.CurrentUnit, errNoMembrane)
	}
	area, how, err := m.Area()
	if err != nil {
		return r, err
	}
	f := amps / area * 1e6
	out := r
	out.Current = make([]float64, len(r.Current))
	for i, v := range r.Current {
		out.Current[i] = v * f
	}
	out.CurrentUnit = UnitDensity
	if m.AreaCm2 == 0 {
		out.Warnings = append(append([]string(nil), r.Warnings...), "current density uses a "+how)
	}
	return out, nil
}
