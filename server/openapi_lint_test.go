package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// redoclyPackage is the linter the API description must satisfy; .ci/run
// installs this version.
const redoclyPackage = "@redocly/cli@1.34.20"

// TestOpenAPILint runs Redocly's linter with its recommended rules on the
// document GET /openapi.json serves, so that other tools (generators,
// gateways, documentation sites) accept it. It skips when redocly is not
// installed, and fails instead under CI=true, where it must be.
func TestOpenAPILint(t *testing.T) {
	redocly, err := exec.LookPath("redocly")
	if err != nil {
		msg := "redocly not found on PATH; install it with npm install -g " + redoclyPackage +
			" to lint the OpenAPI document"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	r := shared.get(t, "/openapi.json")
	if r.status != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %s", r.status, r.body)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(file, r.body, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// --extends recommended holds the ruleset even if a redocly.yaml turns
	// up in a parent folder; the linter exits non-zero on any error.
	cmd := exec.CommandContext(ctx, redocly, "lint", "--extends", "recommended", "--format", "stylish", file)
	cmd.Dir = dir
	// The test must not depend on the network: no usage telemetry, no
	// check for a newer version.
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("redocly lint did not finish in time:\n%s", out)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		t.Fatalf("redocly lint reports errors in /openapi.json:\n%s", out)
	case err != nil:
		t.Fatalf("run redocly: %v\n%s", err, out)
	}
	// Warnings do not fail the test; -v shows them.
	t.Logf("redocly lint:\n%s", out)
}
