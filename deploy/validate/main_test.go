package validate

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// Paths, relative to this package's directory.
const (
	repoRoot      = "../.."
	deployDir     = ".."
	kustomizeDir  = "../kubernetes"
	dockerfile    = "../Dockerfile"
	dockerignore  = "../Dockerfile.dockerignore"
	natsValues    = "../nats/values.yaml"
	dashboardFile = "../grafana/newsfeed.json"
	deployReadme  = "../README.md"
)

// workDir holds what the tests build (the binary), removed after the run.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "newsfeed-deploy-validate-")
	if err != nil {
		panic(err)
	}
	workDir = dir
	code := 0
	func() {
		defer os.RemoveAll(dir)
		code = m.Run()
		if code == 0 {
			if err := goleak.Find(); err != nil {
				os.Stderr.WriteString("goleak: " + err.Error() + "\n")
				code = 1
			}
		}
	}()
	os.Exit(code)
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", filepath.Clean(path), err)
	}
	return b
}
