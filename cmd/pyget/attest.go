package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/mirror"
	"github.com/pyget/pyget/internal/pipeline"
)

// addAttestationsFlag gives a command that installs or mirrors archives
// --attestations, which wins over PYGET_ATTESTATIONS.
func (a *app) addAttestationsFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.attestations, "attestations", "",
		"verify each CPython archive's Sigstore attestation: auto (when one is published), require or off (env PYGET_ATTESTATIONS; default auto)")
}

// attestMode is --attestations, else PYGET_ATTESTATIONS.
func (a *app) attestMode() (attest.Mode, error) {
	s, err := a.settings()
	if err != nil {
		return attest.Auto, err
	}
	if a.attestations == "" {
		return s.Attestations, nil
	}
	m, err := attest.ParseMode(a.attestations)
	if err != nil {
		return m, usagef("--attestations %q: want %s", a.attestations, attest.ModeValues)
	}
	return m, nil
}

// attestHelper runs pyget-attest with the user's mode and settings; it is
// looked for only when something is checked (never under off).
func (a *app) attestHelper() (*attest.Helper, error) {
	mode, err := a.attestMode()
	if err != nil {
		return nil, err
	}
	cache, err := a.cacheRoot()
	if err != nil {
		return nil, err
	}
	s := a.env
	fc, err := a.fetchConfig()
	if err != nil {
		return nil, err
	}
	retries := fc.Retries
	return &attest.Helper{Mode: mode, PygetVersion: buildVersion(), Settings: attest.Settings{
		CacheDir:        cache,
		APIURL:          s.GitHubAPIURL,
		Token:           s.GitHubToken,
		TrustedRootPath: s.SigstoreTrustedRoot,
		UserAgent:       "pyget/" + buildVersion(),
		Identity:        s.AttestationIdentity,
		HTTPRetries:     &retries,
		HTTPTimeout:     fc.IdleTimeout,
		Netrc:           fc.Netrc,
		Mirrors:         fc.Mirrors,
		Offline:         a.isOffline(),
	}}, nil
}

// buildVersion is pyget's version, the first line of --version.
func buildVersion() string {
	return strings.SplitN(versionString(), "\n", 2)[0]
}

// withAttestations makes in check each CPython archive's attestation: by
// its bundle on the first mirror transfers try (the first configured, else
// the first default; without its userinfo), else GitHub's API.
func (a *app) withAttestations(in *pipeline.Installer, fetcher *fetch.Fetcher) error {
	h, err := a.attestHelper()
	if err != nil {
		return err
	}
	in.Attester = h
	in.AttestMirror = ""
	if m := fetcher.Mirrors(); len(m) > 0 {
		in.AttestMirror = m[0]
	}
	return nil
}

// attestHelperVersion is what pyget --version says of pyget-attest: which
// one was found, where, its version and protocol; with -v, which trusted
// root it would verify against and how old that is. It runs the helper's
// handshake, which makes no request.
func (a *app) attestHelperVersion() string {
	h, err := a.attestHelper()
	if err != nil {
		return fmt.Sprintf("pyget-attest: not looked for: %v\n", err)
	}
	info := h.Describe(context.Background(), a.verbose)
	if info.Err != nil {
		return fmt.Sprintf("pyget-attest: none usable: %v (attestations cannot be verified)\n", info.Err)
	}
	s := fmt.Sprintf("pyget-attest %s (%s, protocol %d)\n", info.Version, info.Path, info.Protocol)
	if info.Version != buildVersion() {
		s += fmt.Sprintf("  warning: not pyget's build (%s): --attestations require refuses it\n", buildVersion())
	}
	if info.TrustedRoot != "" {
		s += "  trusted root: " + info.TrustedRoot + "\n"
	}
	return s
}

// reportAttestation shows what the check said: its warning always (unless
// -q), what was verified or why nothing was under -v.
func (a *app) reportAttestation(r attest.Result) {
	if r.Warning != "" {
		a.warn("%s", r.Warning)
	}
	if r.Note != "" {
		a.debug("%s", r.Note)
	}
}

// mirrorBundles is what stores and checks a mirror's attestation bundles;
// nil under off (none stored, none checked).
func (a *app) mirrorBundles() (mirror.Bundler, error) {
	h, err := a.attestHelper()
	if err != nil || h.Mode == attest.Off {
		return nil, err
	}
	return h, nil
}
