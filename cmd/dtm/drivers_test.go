package main

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The checks below find the drivers by looking at the repository, so that a
// new driver directory is checked without editing them: a place that was
// forgotten fails here instead of going quiet. CONTRIBUTING.md lists the
// places.

// root is the repository root, from cmd/dtm.
const root = "../.."

// modulePrefix is where every module of this repository lives.
const modulePrefix = "github.com/dtmkit/drivers/"

// driverModule is one module under a driver-* directory: the driver itself
// (dir "driver-gozero") or a registry module of its (dir "driver-gozero/x").
type driverModule struct {
	dir  string // relative to root, with "/"
	path string // module path
}

// driverModules lists every module under a driver-* directory.
func driverModules(t *testing.T) []driverModule {
	t.Helper()
	tops, err := filepath.Glob(filepath.Join(root, "driver-*"))
	if err != nil {
		t.Fatal(err)
	}
	var mods []driverModule
	for _, top := range tops {
		err := filepath.WalkDir(top, func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && (e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".")) {
				return filepath.SkipDir
			}
			if e.Name() != "go.mod" {
				return nil
			}
			dir, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			mods = append(mods, driverModule{dir: filepath.ToSlash(dir), path: modulePath(t, p)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(mods) == 0 {
		t.Fatal("no driver-*/go.mod found")
	}
	return mods
}

// drivers returns the top-level driver directories ("driver-gozero").
func drivers(t *testing.T) []string {
	var out []string
	for _, m := range driverModules(t) {
		if !strings.Contains(m.dir, "/") {
			out = append(out, m.dir)
		}
	}
	return out
}

func modulePath(t *testing.T, gomod string) string {
	t.Helper()
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(p), `"`)
		}
	}
	t.Fatalf("%s names no module", gomod)
	return ""
}

// bundled returns the packages of this repository that main.go imports.
func bundled(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(p, modulePrefix) {
			out[p] = true
		}
	}
	return out
}

// driverName returns the Name constant of the driver package in dir, the
// name it registers under with dtmdriver.
func driverName(t *testing.T, dir string) string {
	t.Helper()
	for _, f := range sources(t, filepath.Join(root, dir), dir, false) {
		if f.pkgDir != dir {
			continue
		}
		for _, decl := range f.ast.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name != "Name" || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						return name
					}
				}
			}
		}
	}
	t.Errorf("%s: no const Name = \"...\" (the name the driver registers under)", dir)
	return ""
}

// TestEveryDriverIsWiredIn checks, for every module under driver-*, the
// places a driver must appear: go.work (use and the release-version
// replace), cmd/go.mod and main.go's imports (the bundled dtm server),
// RELEASING.md (module table and tag loop); and for every driver, a
// conformance package that runs and benchmarks the suite (scripts/bench.sh
// finds it there), a sample conf naming it, a use package, and a row in
// README.md's driver table.
func TestEveryDriverIsWiredIn(t *testing.T) {
	work := goWork(t)
	cmdMod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	imports := bundled(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	releasing, err := os.ReadFile(filepath.Join(root, "RELEASING.md"))
	if err != nil {
		t.Fatal(err)
	}
	tagLoop := regexp.MustCompile(`(?m)^\s*for m in (.*); do$`).FindSubmatch(releasing)
	for _, m := range driverModules(t) {
		if m.path != modulePrefix+m.dir {
			t.Errorf("%s/go.mod: module %s, want %s", m.dir, m.path, modulePrefix+m.dir)
		}
		if !work.uses["./"+m.dir] {
			t.Errorf("go.work does not use ./%s", m.dir)
		}
		if work.replaces[m.path+"@v0.1.0"] != "./"+m.dir {
			t.Errorf("go.work does not replace %s v0.1.0 by ./%s", m.path, m.dir)
		}
		if !regexp.MustCompile(`(?m)^\s*(require\s+)?` + regexp.QuoteMeta(m.path) + ` v0\.1\.0\b`).Match(cmdMod) {
			t.Errorf("cmd/go.mod does not require %s v0.1.0", m.path)
		}
		if !imports[m.path] {
			t.Errorf("cmd/dtm/main.go does not import %s: the bundled dtm server lacks it", m.path)
		}
		if !strings.Contains(string(releasing), "| `"+m.path+"` | `"+m.dir+"/vX.Y.Z` |") {
			t.Errorf("RELEASING.md's module table has no row for %s", m.path)
		}
		if tagLoop == nil || !strings.Contains(" "+string(tagLoop[1])+" ", " "+m.dir+" ") {
			t.Errorf("RELEASING.md's tag loop (for m in ...) does not tag %s", m.dir)
		}
	}
	for _, dir := range drivers(t) {
		name := driverName(t, dir)
		short := strings.TrimPrefix(dir, "driver-")
		checkConformancePackage(t, dir, filepath.Join(root, "conformance", short))
		conf := filepath.Join("conf", short+".yml")
		if got, err := confDriver(conf); err != nil {
			t.Errorf("sample conf for %s: %v", dir, err)
		} else if got != name {
			t.Errorf("%s: MicroService.Driver %q, want %q", conf, got, name)
		}
		if !fileExists(filepath.Join(root, dir, "use", "use.go")) {
			t.Errorf("%s/use: no package whose blank import selects the driver, as the other drivers have", dir)
		}
		row := "| `" + name + "` | [" + dir + "](" + dir + ") |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md's driver table has no row starting %q", row)
		}
	}
	// and nothing names a driver that is not there
	mods := map[string]bool{}
	for _, m := range driverModules(t) {
		mods[m.path] = true
	}
	for p := range imports {
		if !mods[p] {
			t.Errorf("cmd/dtm/main.go imports %s, which is no driver module", p)
		}
	}
}

// checkConformancePackage fails t unless dir holds the conformance tests of
// driver: TestConformance and BenchmarkConformance, importing the driver.
func checkConformancePackage(t *testing.T, driver, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	var test, bench, imports bool
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(src)
		test = test || strings.Contains(s, "\nfunc TestConformance(")
		bench = bench || strings.Contains(s, "\nfunc BenchmarkConformance(")
		imports = imports || strings.Contains(s, `"`+modulePrefix+driver+`"`)
	}
	switch {
	case len(files) == 0:
		t.Errorf("%s: no conformance package for %s", dir, driver)
	case !test:
		t.Errorf("%s: no TestConformance for %s", dir, driver)
	case !bench:
		t.Errorf("%s: no BenchmarkConformance: scripts/bench.sh would leave %s out", dir, driver)
	case !imports:
		t.Errorf("%s: does not import %s", dir, modulePrefix+driver)
	}
}

// TestSampleConfsBelongToDrivers checks that every sample conf is the conf
// of a driver directory (conf/<x>.yml for driver-<x>) or of a registry
// plug-in (conf/<x>-<registry>.yml for driver-<x>/<registry>), so none is
// left behind when a driver goes.
func TestSampleConfsBelongToDrivers(t *testing.T) {
	confs, err := filepath.Glob("conf/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(confs) == 0 {
		t.Fatal("no sample conf in conf/")
	}
	dirs := map[string]bool{}
	for _, m := range driverModules(t) {
		dirs[m.dir] = true
	}
	for _, c := range confs {
		short := strings.TrimSuffix(filepath.Base(c), ".yml")
		if !dirs["driver-"+short] && !dirs["driver-"+strings.Replace(short, "-", "/", 1)] {
			t.Errorf("%s: there is no driver-%s nor driver-%s", c, short, strings.Replace(short, "-", "/", 1))
		}
	}
}

// confDriver reads MicroService.Driver from a dtm conf.yml.
func confDriver(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	inMicroService := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			inMicroService = strings.HasPrefix(line, "MicroService:")
			continue
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Driver:"); ok && inMicroService {
			return strings.Trim(strings.TrimSpace(v), `'"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", os.ErrNotExist
}

// workFile is what go.work says.
type workFile struct {
	uses     map[string]bool   // "./dir"
	replaces map[string]string // "path@version" → "./dir"
}

func goWork(t *testing.T) workFile {
	t.Helper()
	cmd := exec.Command("go", "work", "edit", "-json", "go.work")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go work edit -json: %v", err)
	}
	var w struct {
		Use     []struct{ DiskPath string }
		Replace []struct {
			Old struct{ Path, Version string }
			New struct{ Path string }
		}
	}
	if err := json.Unmarshal(out, &w); err != nil {
		t.Fatal(err)
	}
	wf := workFile{uses: map[string]bool{}, replaces: map[string]string{}}
	for _, u := range w.Use {
		wf.uses[u.DiskPath] = true
	}
	for _, r := range w.Replace {
		wf.replaces[r.Old.Path+"@"+r.Old.Version] = r.New.Path
	}
	return wf
}

// packageState lists the package-level variables of driver packages that
// are allowed, with the reason: everything else a driver keeps belongs on
// its *Driver (see driver-protocol1's Driver). Interface assertions ("_")
// and sentinel errors need no entry.
var packageState = map[string]string{
	"driver-gomicro.stallTimeout":      "a tuning constant that tests shorten",
	"driver-gozero.applied":            "mirrors go-zero's process-wide account and TLS registries (security.go)",
	"driver-gozero.schemes":            "the schemes of this build, fixed by a build tag",
	"driver-gozero.resolverClients":    "etcd clients shared by resolvers, which grpc's process-wide resolver registry builds (etcdclients.go)",
	"driver-gozero.registries":         "registry plug-ins, added from their packages' init as database/sql drivers are",
	"driver-kratos.registries":         "registry plug-ins, added from their packages' init as database/sql drivers are",
	"driver-gozero/nacos.flavor":       "the plug-in's fixed go-zero addressing rules",
	"driver-gozero/consul.flavor":      "the plug-in's fixed go-zero addressing and registration rules",
	"driver-kratos/consul.flavor":      "the plug-in's fixed kratos addressing and registration rules",
	"driver-kratos/nacos.flavor":       "the plug-in's fixed kratos naming and addressing rules",
	"driver-kratos.stallTimeout":       "a tuning constant that tests shorten",
	"driver-polaris.registered":        "the Driver init registers, which package-level Configure and SDKContext reach",
	"driver-polaris.legacyAddressEnvs": "a constant list",
}

// TestDriversKeepStateOnDriver checks that the non-test code of every
// driver package declares no package-level variable beyond packageState.
func TestDriversKeepStateOnDriver(t *testing.T) {
	for _, f := range driverSources(t, false) {
		for _, decl := range f.ast.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name == "_" || isErrorValue(vs, i) {
						continue
					}
					key := f.pkgDir + "." + n.Name
					if _, ok := packageState[key]; !ok {
						t.Errorf("%s: package-level variable %s: keep state on *Driver, or list it in packageState with the reason", f.name, n.Name)
					}
				}
			}
		}
	}
}

// isErrorValue reports whether the i-th value of vs is a sentinel error
// (errors.New or a value whose name starts with err/Err).
func isErrorValue(vs *ast.ValueSpec, i int) bool {
	name := vs.Names[i].Name
	if strings.HasPrefix(name, "err") || strings.HasPrefix(name, "Err") {
		return true
	}
	if i < len(vs.Values) {
		if c, ok := vs.Values[i].(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "errors" && sel.Sel.Name == "New" {
					return true
				}
			}
		}
	}
	return false
}

// TestImportGroups checks the import blocks of kit and the drivers, tests
// included: standard library, then third-party, then this repository's
// packages, each kind in one group, groups separated by a blank line.
func TestImportGroups(t *testing.T) {
	files := driverSources(t, true)
	files = append(files, sources(t, filepath.Join(root, "kit"), "kit", true)...)
	for _, f := range files {
		if msg := importGroupProblem(f); msg != "" {
			t.Errorf("%s: %s", f.name, msg)
		}
	}
}

func importGroupProblem(f source) string {
	kind := func(p string) int {
		switch {
		case strings.HasPrefix(p, modulePrefix):
			return 2
		case !strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
			return 0
		default:
			return 1
		}
	}
	names := [3]string{"standard library", "third-party", "github.com/dtmkit/drivers"}
	var groups [][]int // kinds of each group
	prevEnd := -1
	for _, imp := range f.ast.Imports {
		start := imp.Pos()
		if imp.Doc != nil {
			start = imp.Doc.Pos()
		}
		p, _ := strconv.Unquote(imp.Path.Value)
		off := f.fset.Position(start).Offset
		if prevEnd < 0 || strings.Contains(strings.ReplaceAll(string(f.src[prevEnd:off]), " ", ""), "\n\n") {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], kind(p))
		prevEnd = f.fset.Position(imp.End()).Offset
	}
	last := -1
	for _, g := range groups {
		for _, k := range g[1:] {
			if k != g[0] {
				return "an import group mixes " + names[g[0]] + " and " + names[k] + " packages"
			}
		}
		if g[0] <= last {
			return "import groups are not standard library, third-party, github.com/dtmkit/drivers, in that order and once each"
		}
		last = g[0]
	}
	return ""
}

// source is a parsed Go file.
type source struct {
	name   string // path relative to root
	module string // "driver-gozero", "kit"
	pkgDir string // the package's directory relative to root
	fset   *token.FileSet
	ast    *ast.File
	src    []byte
}

// driverSources parses the Go files of every driver module, tests too if
// withTests.
func driverSources(t *testing.T, withTests bool) []source {
	t.Helper()
	var out []source
	for _, m := range driverModules(t) {
		out = append(out, sources(t, filepath.Join(root, m.dir), m.dir, withTests)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// sources parses the Go files under dir (tests too if withTests), skipping
// testdata and nested modules.
func sources(t *testing.T, dir, module string, withTests bool) []source {
	t.Helper()
	var out []source
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != dir && (e.Name() == "testdata" || fileExists(filepath.Join(p, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || (!withTests && strings.HasSuffix(p, "_test.go")) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		pkgDir, _ := filepath.Rel(root, filepath.Dir(p))
		out = append(out, source{name: filepath.ToSlash(rel), module: module, pkgDir: filepath.ToSlash(pkgDir),
			fset: fset, ast: f, src: src})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
