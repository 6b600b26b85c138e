package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fsutil"
)

// apiMemory is how long an unreachable (or failing) attestations API is
// remembered: installs under auto meanwhile do not wait for its retries.
// A rate limit is remembered until its reset instead.
const apiMemory = 15 * time.Minute

// apiDown is what <cache>/attestations/api-unavailable.json remembers.
type apiDown struct {
	API         string    `json:"api"`
	Until       time.Time `json:"until"`
	Since       time.Time `json:"since"`
	Reason      string    `json:"reason"`
	RateLimited bool      `json:"rate_limited,omitempty"`
	// Token is a fingerprint of the token sent (none: ""): a rate limit is
	// the token's, and another token is asked afresh.
	Token string `json:"token,omitempty"`
}

// tokenPrint is a short fingerprint of the token in use ("" for none): the
// memory must not hold the token itself.
func (v *Verifier) tokenPrint() string {
	if v.cfg.Token == "" {
		return ""
	}
	h := sha256.Sum256([]byte("pyget attestation memory\x00" + v.cfg.Token))
	return hex.EncodeToString(h[:8])
}

func (v *Verifier) apiMemoryPath() string {
	return filepath.Join(v.cfg.CacheDir, attest.BundleCacheDir, "api-unavailable.json")
}

// rememberAPI records how the API's listing went: a failure that another
// try soon would meet again (unreachable, 5xx past the budget, a rate
// limit) is remembered; an answer forgets it. Per-digest answers (404) and
// refusals a token would change are neither.
func (v *Verifier) rememberAPI(err error) {
	if v.cfg.CacheDir == "" || v.cfg.Offline {
		return
	}
	var u *UnavailableError
	switch {
	case err == nil:
		_ = os.Remove(v.apiMemoryPath())
		return
	case !errors.As(err, &u):
		return
	}
	now := v.cfg.Now()
	d := apiDown{API: v.api.String(), Since: now.UTC(), Reason: u.Reason, RateLimited: u.RateLimited, Token: v.tokenPrint()}
	switch {
	case u.RateLimited:
		d.Until = now.Add(u.RetryAfter)
		if u.RetryAfter <= 0 {
			d.Until = now.Add(apiMemory)
		}
	case u.StatusCode == 0 || u.StatusCode >= http.StatusInternalServerError:
		d.Until = now.Add(apiMemory)
	default:
		if u.StatusCode == http.StatusOK || u.StatusCode == http.StatusNotFound {
			_ = os.Remove(v.apiMemoryPath()) // it answered
		}
		return
	}
	raw, _ := json.Marshal(d)
	p := v.apiMemoryPath()
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		_ = fsutil.WriteFile(p, raw, 0o644)
	}
}

// rememberedUnavailable is the remembered failure of this API, as the
// answer for sha, while it lasts; nil otherwise.
func (v *Verifier) rememberedUnavailable(sha string) *UnavailableError {
	if v.cfg.CacheDir == "" {
		return nil
	}
	raw, err := os.ReadFile(v.apiMemoryPath())
	if err != nil {
		return nil
	}
	var d apiDown
	now := v.cfg.Now()
	if json.Unmarshal(raw, &d) != nil || d.API != v.api.String() || d.Token != v.tokenPrint() || !now.Before(d.Until) || now.Before(d.Since) {
		return nil
	}
	return &UnavailableError{SHA256: sha, RateLimited: d.RateLimited, Refused: d.RateLimited, TokenSent: v.cfg.Token != "",
		Reason: fmt.Sprintf("%s at %s; not asked again before %s (--attestations require always asks)",
			d.Reason, d.Since.Format("15:04:05 UTC"), d.Until.UTC().Format("15:04:05 UTC"))}
}
