package fetch

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// ConfigFromEnv fills Retries and IdleTimeout from PYGET_HTTP_RETRIES and
// PYGET_HTTP_TIMEOUT, and Mirrors from PYGET_MIRROR (space-separated).
// PYGET_HTTP_RETRIES=0 means no retry at all (Config.Retries < 0).
func ConfigFromEnv(cfg Config) (Config, error) {
	if v, ok := os.LookupEnv("PYGET_HTTP_RETRIES"); ok && strings.TrimSpace(v) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("invalid PYGET_HTTP_RETRIES %q: want a whole number >= 0", v)
		}
		if n == 0 {
			n = -1
		}
		cfg.Retries = n
	}
	if v, ok := os.LookupEnv("PYGET_HTTP_TIMEOUT"); ok && strings.TrimSpace(v) != "" {
		secs, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || secs <= 0 || math.IsInf(secs, 0) || math.IsNaN(secs) || secs > 24*3600 {
			return cfg, fmt.Errorf("invalid PYGET_HTTP_TIMEOUT %q: want seconds > 0 (fractions like 0.5 allowed)", v)
		}
		cfg.IdleTimeout = time.Duration(secs * float64(time.Second))
	}
	if v, ok := os.LookupEnv("PYGET_MIRROR"); ok && strings.TrimSpace(v) != "" {
		mirrors := strings.Fields(v)
		for _, m := range mirrors {
			if err := checkBaseURL(m); err != nil {
				return cfg, fmt.Errorf("invalid PYGET_MIRROR entry %q: %w", m, err)
			}
		}
		cfg.Mirrors = mirrors
	}
	return cfg, nil
}
