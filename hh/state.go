package hh

import (
	"fmt"
	"math"
)

// State is the state of the model: membrane potential V (mV) and the gating
// variables m, h (sodium activation and inactivation) and n (potassium
// activation), each in [0, 1].
type State struct{ V, M, H, N float64 }

// deriv returns dS/dt at s with injected current iext (uA/cm2).
func (p Params) deriv(s State, iext float64) State {
	m3h := s.M * s.M * s.M * s.H
	n2 := s.N * s.N
	ion := p.GNa*m3h*(s.V-p.ENa) + p.GK*n2*n2*(s.V-p.EK) + p.GL*(s.V-p.EL)
	return State{
		V: (iext - ion) / p.Cm,
		M: alphaM(s.V)*(1-s.M) - betaM(s.V)*s.M,
		H: alphaH(s.V)*(1-s.H) - betaH(s.V)*s.H,
		N: alphaN(s.V)*(1-s.N) - betaN(s.V)*s.N,
	}
}

// steadyCurrent returns the net membrane current at v with every gate at its
// steady state, minus iext: the fixed points are its roots.
func (p Params) steadyCurrent(v, iext float64) float64 {
	m, h, n := gates(v)
	return p.GNa*m*m*m*h*(v-p.ENa) + p.GK*n*n*n*n*(v-p.EK) + p.GL*(v-p.EL) - iext
}

// Scan range and step for the fixed point search, mV.
const (
	scanLoMV   = -150.0
	scanHiMV   = 100.0
	scanStepMV = 0.05
)

// SteadyState returns the fixed point of the model under a constant current
// iext (uA/cm2) with the lowest potential: the gates sit at their steady
// states and the net ionic current equals iext. It scans V over
// [-150, 100] mV and refines the first root by bisection to rounding. It does
// not check stability: above rheobase the fixed point may be unstable.
func SteadyState(p Params, iext float64) (State, error) {
	if err := p.Validate(); err != nil {
		return State{}, err
	}
	if math.IsNaN(iext) || math.IsInf(iext, 0) {
		return State{}, fmt.Errorf("hh: steady state: current is %v", iext)
	}
	lo := scanLoMV
	flo := p.steadyCurrent(lo, iext)
	if flo >= 0 {
		return State{}, fmt.Errorf("hh: steady state: net current %g uA/cm2 >= 0 at %g mV; no fixed point in range", flo, lo)
	}
	hi := math.NaN()
	for i := 1; ; i++ {
		v := scanLoMV + float64(i)*scanStepMV
		if v > scanHiMV {
			return State{}, fmt.Errorf("hh: steady state: no fixed point in [%g, %g] mV for I = %g", scanLoMV, scanHiMV, iext)
		}
		if p.steadyCurrent(v, iext) >= 0 {
			hi = v
			break
		}
		lo = v
	}
	for {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if p.steadyCurrent(mid, iext) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	v := (lo + hi) / 2
	m, h, n := gates(v)
	return State{V: v, M: m, H: h, N: n}, nil
}
