// Package provenance checks who built a CPython archive: it verifies the
// Sigstore attestation that python-build-standalone publishes for every
// release archive (GitHub build provenance, made by
// actions/attest-build-provenance in the project's release workflow and
// signed through Sigstore's public-good instance).
//
// A sha256 from the catalog proves that the bytes are the ones the catalog
// names; an attestation proves that python-build-standalone's own workflow
// produced bytes with that digest. The package owns:
//
//   - where bundles come from, in order: pyget's cache
//     (<cache>/attestations/<sha256>.json, verified bundles only), the mirror
//     that served the archive (<archive URL>.sigstore.json, as `pyget mirror`
//     writes it, with the mirror's login), and GitHub's attestations API
//     (<api>/repos/<repo>/attestations/sha256:<hex>, its pages, following
//     bundle_url, whose body may be Snappy-compressed); every request goes
//     through internal/fetch's GetSmall (its retry loop and classification);
//     an unreachable API or a rate limit, and a failed TUF update, are
//     remembered in the cache (memory.go, root.go);
//   - the trusted root: a trusted-root file when the caller passes one
//     (PYGET_SIGSTORE_TRUSTED_ROOT, read by package config), else
//     Sigstore's public-good root
//     through TUF (cached under <cache>/sigstore-tuf), else a copy of that
//     root embedded in pyget;
//   - what is verified: the bundle's signature, certificate chain, embedded
//     SCTs and transparency-log or timestamp evidence against the trusted
//     root (sigstore-go), then pyget's policy (policy.go), held both in the
//     identity handed to sigstore-go and in pyget's own check: issuer exactly
//     https://token.actions.githubusercontent.com, signer identity exactly
//     https://github.com/<repo>/.github/workflows/release.yml@ and
//     refs/heads/main or refs/tags/… (attest.Identity overrides both), the
//     source-repository and owner extensions present and naming <repo>, a
//     build trigger other than pull_request(_target), an in-toto subject
//     whose sha256 is the archive's, and predicate type SLSA provenance v1
//     (candidates of other predicates are set aside before verifying).
//     Runner type is not checked: the project uses its own runners;
//   - what the three modes (auto, require, off; package attest owns them)
//     make of the outcome (Check);
//   - the pyget-attest helper's side of the protocol (ServeHelper, Serve):
//     one attest.Request on stdin, one attest.Response on stdout.
//
// Errors callers act on are typed: an *UnavailableError (errors.Is
// ErrNoBundle) when no bundle could be obtained, a *VerificationError when a
// bundle was obtained and failed; Check wraps either in a *CheckError that
// names the build.
//
// It imports nothing of pyget's but internal/fsutil (atomic cache writes)
// and internal/attest (the modes and the protocol), and must never import
// store, pipeline or cmd/pyget. Only cmd/pyget-attest imports it (and
// tests): sigstore-go doubles a binary and slows every start, so pyget
// itself never links it (internal/importrules checks both).
package provenance
