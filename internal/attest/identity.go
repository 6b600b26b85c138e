package attest

import (
	"fmt"
	"strings"
)

// The signer python-build-standalone's attestations must have: its release
// workflow, run on main or on a release tag.
const (
	DefaultRepo     = "astral-sh/python-build-standalone"
	DefaultWorkflow = ".github/workflows/release.yml"
)

// Identity is the workflow whose signature an attestation must carry
// (PYGET_ATTESTATION_IDENTITY overrides it, for forks and private builds).
type Identity struct {
	// Repo is owner/name.
	Repo string
	// Workflow is the workflow file's path in Repo.
	Workflow string
	// Ref is the one git ref the workflow must have run on; "" admits
	// refs/heads/main and any refs/tags/… (a release).
	Ref string
}

// DefaultIdentity is python-build-standalone's release workflow.
func DefaultIdentity() Identity {
	return Identity{Repo: DefaultRepo, Workflow: DefaultWorkflow}
}

// IdentityForm says what ParseIdentity reads, for messages.
const IdentityForm = "owner/repo/.github/workflows/<file>.yml, optionally with @<ref> (e.g. @refs/heads/main), optionally after https://github.com/"

// ParseIdentity reads PYGET_ATTESTATION_IDENTITY: owner/repo followed by
// the workflow's path (.github/workflows/<file>), then optionally @<ref>,
// with or without https://github.com/ in front. "" is DefaultIdentity.
func ParseIdentity(s string) (Identity, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultIdentity(), nil
	}
	bad := func(why string) (Identity, error) {
		return Identity{}, fmt.Errorf("attestation identity %q: %s; want %s", s, why, IdentityForm)
	}
	rest := strings.TrimPrefix(s, "https://github.com/")
	rest, ref, hasRef := strings.Cut(rest, "@")
	if hasRef && (!strings.HasPrefix(ref, "refs/") || strings.ContainsAny(ref, " \t@")) {
		return bad("the ref must be a full ref such as refs/heads/main or refs/tags/v1")
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return bad("no owner/repo")
	}
	wf := parts[2]
	file, ok := strings.CutPrefix(wf, ".github/workflows/")
	if !ok || file == "" || strings.Contains(file, "/") || !(strings.HasSuffix(file, ".yml") || strings.HasSuffix(file, ".yaml")) {
		return bad("no workflow file under .github/workflows/")
	}
	if strings.ContainsAny(parts[0]+parts[1], " ?#:") {
		return bad("owner/repo has characters GitHub does not allow")
	}
	return Identity{Repo: parts[0] + "/" + parts[1], Workflow: wf, Ref: ref}, nil
}

// String is the form ParseIdentity reads.
func (i Identity) String() string {
	s := i.Repo + "/" + i.Workflow
	if i.Ref != "" {
		s += "@" + i.Ref
	}
	return s
}

// Owner is Repo's owner.
func (i Identity) Owner() string {
	owner, _, _ := strings.Cut(i.Repo, "/")
	return owner
}
