package serve

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// queryValues reads typed query parameters, answering 400 for a malformed
// one.
type queryValues struct{ url.Values }

// float returns the parameter key as a finite number, def when absent.
func (q queryValues) float(key string, def float64) (float64, error) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fail(http.StatusBadRequest, CodeBadRequest, "%s=%q: want a finite number", key, s)
	}
	return v, nil
}

// int returns the parameter key as an integer, def when absent.
func (q queryValues) int(key string, def int) (int, error) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fail(http.StatusBadRequest, CodeBadRequest, "%s=%q: want an integer", key, s)
	}
	return v, nil
}

// uint64 returns the parameter key as an unsigned integer, def when absent.
func (q queryValues) uint64(key string, def uint64) (uint64, error) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fail(http.StatusBadRequest, CodeBadRequest, "%s=%q: want an unsigned integer", key, s)
	}
	return v, nil
}

// bool returns the parameter key as a boolean, def when absent.
func (q queryValues) bool(key string, def bool) (bool, error) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return false, fail(http.StatusBadRequest, CodeBadRequest, "%s=%q: want true or false", key, s)
	}
	return v, nil
}
