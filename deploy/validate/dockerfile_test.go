package validate

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
	line      int
}

// stage is one FROM and what follows it.
type stage struct {
	from, name string
	instrs     []instruction
}

// dockerfileSpec is the part of the Dockerfile the tests compare with the
// manifests: the final image's settings and the build command.
type dockerfileSpec struct {
	stages     []stage
	args       map[string]string // ARG defaults, in order of appearance
	final      stage
	env        map[string]string // the final image's ENV
	user       string
	workdir    string
	entrypoint []string
	cmd        []string
	expose     []string
	buildEnv   []string // NAME=VALUE before `go build` in the RUN line
	buildArgv  []string // go build ...
}

func parseDockerfile(t testing.TB, path string) *dockerfileSpec {
	t.Helper()
	var instrs []instruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(string(mustRead(t, path)), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() > 0 && strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		instrs = append(instrs, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	spec := &dockerfileSpec{args: map[string]string{}, env: map[string]string{}}
	for _, in := range instrs {
		switch {
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			var s stage
			for i := 0; i < len(f); i++ {
				switch {
				case strings.HasPrefix(f[i], "--"):
				case strings.EqualFold(f[i], "AS") && i+1 < len(f):
					s.name = f[i+1]
					i++
				default:
					s.from = f[i]
				}
			}
			spec.stages = append(spec.stages, s)
		case len(spec.stages) == 0:
			if in.cmd == "ARG" {
				name, def, _ := strings.Cut(in.args, "=")
				spec.args[name] = def
			}
		default:
			s := &spec.stages[len(spec.stages)-1]
			s.instrs = append(s.instrs, in)
		}
	}
	if len(spec.stages) == 0 {
		t.Fatal("Dockerfile: no FROM")
	}
	spec.final = spec.stages[len(spec.stages)-1]
	for _, s := range spec.stages {
		for _, in := range s.instrs {
			if in.cmd == "ARG" {
				name, def, _ := strings.Cut(in.args, "=")
				spec.args[name] = def
			}
		}
	}
	for _, in := range spec.final.instrs {
		switch in.cmd {
		case "ENV":
			for _, w := range shellWords(t, in.args, nil) {
				k, v, ok := strings.Cut(w, "=")
				if !ok {
					t.Fatalf("Dockerfile line %d: ENV %q: use the KEY=VALUE form", in.line, in.args)
				}
				spec.env[k] = v
			}
		case "USER":
			spec.user = in.args
		case "WORKDIR":
			spec.workdir = in.args
		case "ENTRYPOINT":
			spec.entrypoint = execForm(t, in)
		case "CMD":
			spec.cmd = execForm(t, in)
		case "EXPOSE":
			spec.expose = append(spec.expose, strings.Fields(in.args)...)
		}
	}
	// The build command: the RUN line of a build stage that runs `go build`.
	for _, s := range spec.stages[:len(spec.stages)-1] {
		for _, in := range s.instrs {
			if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
				continue
			}
			rest := in.args
			for strings.HasPrefix(rest, "--") { // --mount=... flags of RUN itself
				_, rest, _ = strings.Cut(rest, " ")
				rest = strings.TrimSpace(rest)
			}
			words := shellWords(t, rest, nil)
			i := 0
			for ; i < len(words) && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(words[i]); i++ {
				spec.buildEnv = append(spec.buildEnv, words[i])
			}
			spec.buildArgv = words[i:]
		}
	}
	return spec
}

func execForm(t testing.TB, in instruction) []string {
	t.Helper()
	if !strings.HasPrefix(in.args, "[") {
		t.Fatalf("Dockerfile line %d: %s must use the exec form [\"...\"] (no shell in distroless)", in.line, in.cmd)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(in.args, -1) {
		out = append(out, m[1])
	}
	return out
}

// shellWords splits s as /bin/sh would for a simple command: quotes,
// backslashes and $NAME / ${NAME} expansion from vars (nil: no expansion).
func shellWords(t testing.TB, s string, vars map[string]string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	expand := func(i int) int { // s[i] == '$'; returns the index after the name
		j := i + 1
		var name string
		if j < len(s) && s[j] == '{' {
			end := strings.IndexByte(s[j:], '}')
			if end < 0 {
				t.Fatalf("shell words %q: unclosed ${", s)
			}
			name, j = s[j+1:j+end], j+end+1
		} else {
			k := j
			for k < len(s) && (s[k] == '_' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= '0' && s[k] <= '9') {
				k++
			}
			name, j = s[j:k], k
		}
		if vars == nil {
			w.WriteString(s[i:j])
		} else {
			v, ok := vars[name]
			if !ok {
				t.Fatalf("shell words %q: $%s is not set", s, name)
			}
			w.WriteString(v)
		}
		return j
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
			i++
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				t.Fatalf("shell words %q: unclosed '", s)
			}
			w.WriteString(s[i+1 : i+1+end])
			inWord, i = true, i+end+2
		case c == '"':
			inWord = true
			i++
			for i < len(s) && s[i] != '"' {
				switch {
				case s[i] == '\\' && i+1 < len(s):
					w.WriteByte(s[i+1])
					i += 2
				case s[i] == '$':
					i = expand(i)
				default:
					w.WriteByte(s[i])
					i++
				}
			}
			if i >= len(s) {
				t.Fatalf("shell words %q: unclosed \"", s)
			}
			i++
		case c == '\\' && i+1 < len(s):
			w.WriteByte(s[i+1])
			inWord, i = true, i+2
		case c == '$':
			inWord = true
			i = expand(i)
		default:
			w.WriteByte(c)
			inWord = true
			i++
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestDockerfile checks the image's settings against the Deployment.
func TestDockerfile(t *testing.T) {
	spec := parseDockerfile(t, dockerfile)
	if !strings.Contains(spec.final.from, "distroless/static") || !strings.HasSuffix(spec.final.from, ":nonroot") {
		t.Errorf("final image %q: want distroless/static ...:nonroot", spec.final.from)
	}
	if len(spec.stages) < 2 {
		t.Error("want a multi-stage build")
	}
	if fmt.Sprint(spec.entrypoint) != "[/newsfeed]" {
		t.Errorf("ENTRYPOINT %q, want [\"/newsfeed\"]", spec.entrypoint)
	}
	if !contains(spec.buildEnv, "CGO_ENABLED=0") {
		t.Errorf("the go build line sets %v: want CGO_ENABLED=0", spec.buildEnv)
	}
	if len(spec.buildArgv) < 2 || spec.buildArgv[0] != "go" || spec.buildArgv[1] != "build" || spec.buildArgv[len(spec.buildArgv)-1] != "./cmd/newsfeed" {
		t.Errorf("build command %q: want go build ... ./cmd/newsfeed", spec.buildArgv)
	}
	if !contains(spec.buildArgv, "-trimpath") {
		t.Error("build without -trimpath: the binary would carry the builder's paths")
	}
	if got := outputPath(spec.buildArgv); got != "/out/newsfeed" || !copiesFrom(spec, got, "/newsfeed") {
		t.Errorf("the binary built at %q is not what the final stage copies to /newsfeed", got)
	}

	for _, dir := range installs {
		in := render(t, dir)
		d := in.deployment(t)
		c := in.container(t)
		uid := strings.Split(spec.user, ":")[0]
		if ps := d.Spec.Template.Spec.SecurityContext; ps == nil || ps.RunAsUser == nil || strconv.FormatInt(*ps.RunAsUser, 10) != uid {
			t.Errorf("%s: pod runAsUser differs from the image's USER %s", dir, spec.user)
		}
		if len(c.Command) > 0 && fmt.Sprint(c.Command) != fmt.Sprint(spec.entrypoint) {
			t.Errorf("%s: command %q replaces the image's entrypoint %q", dir, c.Command, spec.entrypoint)
		}
		for _, p := range c.Ports {
			if !contains(spec.expose, strconv.Itoa(int(p.ContainerPort))) && !contains(spec.expose, fmt.Sprintf("%d/tcp", p.ContainerPort)) {
				t.Errorf("%s: container port %d is not EXPOSEd by the image (%v)", dir, p.ContainerPort, spec.expose)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func outputPath(argv []string) string {
	for i, a := range argv {
		if a == "-o" && i+1 < len(argv) {
			return argv[i+1]
		}
	}
	return ""
}

// copiesFrom reports whether the final stage copies built file src to dst.
func copiesFrom(spec *dockerfileSpec, src, dst string) bool {
	for _, in := range spec.final.instrs {
		if in.cmd != "COPY" || !strings.Contains(in.args, "--from=") {
			continue
		}
		f := strings.Fields(in.args)
		if len(f) >= 2 && f[len(f)-2] == src && f[len(f)-1] == dst {
			return true
		}
	}
	return false
}

// The binary, built once per test run exactly as the Dockerfile builds it.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

const buildVersion = "deploy-validate"

// newsfeedBinary builds the daemon with the Dockerfile's `go build` line, in
// a copy of the build context filtered by Dockerfile.dockerignore, for this
// machine's OS and architecture.
func newsfeedBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		spec := parseDockerfile(t, dockerfile)
		ctxDir := filepath.Join(workDir, "context")
		if buildErr = copyContext(repoRoot, ctxDir, dockerignorePatterns(t)); buildErr != nil {
			return
		}
		vars := map[string]string{}
		for k, v := range spec.args {
			vars[k] = v
		}
		vars["TARGETOS"], vars["TARGETARCH"], vars["VERSION"] = runtime.GOOS, runtime.GOARCH, buildVersion
		expand := func(s string) string { return strings.Join(shellWords(t, s, vars), " ") }
		binPath = filepath.Join(workDir, "newsfeed")
		argv := append([]string(nil), spec.buildArgv...)
		for i := range argv {
			argv[i] = expand(argv[i])
			if i > 0 && argv[i-1] == "-o" {
				argv[i] = binPath
			}
		}
		env := os.Environ()
		for _, e := range spec.buildEnv {
			env = append(env, expand(e))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = ctxDir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building as the Dockerfile does: %v", buildErr)
	}
	return binPath
}

func dockerignorePatterns(t testing.TB) []string {
	var out []string
	for _, line := range strings.Split(string(mustRead(t, dockerignore)), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf("Dockerfile.dockerignore: exceptions (%s) are not supported by this test", line)
		}
		out = append(out, strings.TrimPrefix(filepath.Clean(line), "/"))
	}
	return out
}

// ignored reports whether rel (slash-separated, relative to the context)
// matches a .dockerignore pattern.
func ignored(rel string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, rel); ok {
			return true
		}
		if rest, ok := strings.CutPrefix(p, "**/"); ok {
			for s := rel; ; {
				if m, _ := filepath.Match(rest, s); m {
					return true
				}
				_, after, found := strings.Cut(s, "/")
				if !found {
					break
				}
				s = after
			}
		}
	}
	return false
}

func copyContext(src, dst string, patterns []string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && ignored(rel, patterns) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil // symlinks and the like: not in the build
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestImageBinary builds the binary as the image does and checks that it is
// static and carries the version passed as a build argument.
func TestImageBinary(t *testing.T) {
	bin := newsfeedBinary(t)
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the binary has a dynamic loader (PT_INTERP): it will not run on distroless/static")
			}
		}
		if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
			t.Errorf("the binary links shared libraries %v (%v)", libs, err)
		}
	}
	out := runBinary(t, bin, "version")
	if !strings.Contains(out, "newsfeed "+buildVersion+" ") {
		t.Errorf("version prints %q: the -X main.version ldflag did not take", out)
	}
}

func runBinary(t testing.TB, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Dir = workDir
	if err := cmd.Run(); err != nil {
		t.Fatalf("newsfeed %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestCommandLine checks the container's arguments against the binary's own
// --help: the command exists, and so does every flag given to it.
func TestCommandLine(t *testing.T) {
	bin := newsfeedBinary(t)
	commands := map[string]bool{}
	for _, line := range strings.Split(runBinary(t, bin, "--help"), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "newsfeed" {
			commands[f[1]] = true
		}
	}
	if !commands["run"] {
		t.Fatalf("newsfeed --help lists no run command: %v", commands)
	}
	flagsOf := func(cmd string) map[string]bool {
		out := map[string]bool{}
		for _, line := range strings.Split(runBinary(t, bin, cmd, "--help"), "\n") {
			if m := regexp.MustCompile(`^\s+-(\S+)`).FindStringSubmatch(line); m != nil {
				out[m[1]] = true
			}
		}
		return out
	}
	check := func(where string, args []string) {
		if len(args) == 0 || !commands[args[0]] {
			t.Errorf("%s: %q does not start with a newsfeed command (%v)", where, args, commands)
			return
		}
		flags := flagsOf(args[0])
		for _, a := range args[1:] {
			if !strings.HasPrefix(a, "-") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !flags[name] {
				t.Errorf("%s: newsfeed %s has no flag %s (it has %v)", where, args[0], a, flags)
			}
		}
	}
	check("Dockerfile CMD", parseDockerfile(t, dockerfile).cmd)
	for _, dir := range installs {
		check(dir, render(t, dir).container(t).Args)
	}
}
