// Package modproxy turns this repository's working tree into a file-based Go
// module proxy holding every published module at one release version, so
// that a release can be installed the way users install it (GOWORK=off, go
// get module@version) before any tag is pushed.
package modproxy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// Prefix is the module path every module of this repository starts with.
const Prefix = "github.com/dtmkit/drivers/"

// Unpublished lists the workspace modules that are never tagged: they are
// built inside the repository only. Every other module of go.work is
// published, and its go.mod must require siblings at the release version.
var Unpublished = map[string]bool{
	Prefix + "examples": true,
	Prefix + "release":  true,
}

// Module is one module of the workspace.
type Module struct {
	Path string // module path, e.g. github.com/dtmkit/drivers/kit
	Dir  string // absolute directory holding its go.mod
	// TagPrefix is the directory relative to the repository root, which
	// prefixes its release tags ("kit" for kit/v0.1.0).
	TagPrefix string
}

// Published returns the published modules of the workspace rooted at root,
// in go.work's order.
func Published(root string) ([]Module, error) {
	all, err := Workspace(root)
	if err != nil {
		return nil, err
	}
	var out []Module
	for _, m := range all {
		if !Unpublished[m.Path] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Workspace returns every module go.work uses.
func Workspace(root string) ([]Module, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.work"))
	if err != nil {
		return nil, fmt.Errorf("modproxy: %w", err)
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return nil, fmt.Errorf("modproxy: %w", err)
	}
	var out []Module
	for _, u := range wf.Use {
		dir := filepath.Join(root, u.Path)
		mf, err := readModFile(dir)
		if err != nil {
			return nil, err
		}
		rel := filepath.ToSlash(filepath.Clean(u.Path))
		out = append(out, Module{Path: mf.Module.Mod.Path, Dir: dir, TagPrefix: rel})
	}
	return out, nil
}

func readModFile(dir string) (*modfile.File, error) {
	p := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("modproxy: %w", err)
	}
	mf, err := modfile.Parse(p, data, nil)
	if err != nil {
		return nil, fmt.Errorf("modproxy: %w", err)
	}
	return mf, nil
}

// CheckRequirements returns an error naming every published go.mod that a
// user could not build from the release: a sibling required at another
// version than the release's or one that is never published, or a replace
// directive (ignored in a dependency, refused by go install).
func CheckRequirements(root, version string) error {
	mods, err := Published(root)
	if err != nil {
		return err
	}
	published := map[string]bool{}
	for _, m := range mods {
		published[m.Path] = true
	}
	var problems []string
	for _, m := range mods {
		mf, err := readModFile(m.Dir)
		if err != nil {
			return err
		}
		rel := m.TagPrefix + "/go.mod"
		for _, r := range mf.Require {
			if !strings.HasPrefix(r.Mod.Path, Prefix) {
				continue
			}
			switch {
			case !published[r.Mod.Path]:
				problems = append(problems, fmt.Sprintf("%s requires %s, which is not published", rel, r.Mod.Path))
			case r.Mod.Version != version:
				problems = append(problems, fmt.Sprintf("%s requires %s %s, but the release publishes %s",
					rel, r.Mod.Path, r.Mod.Version, version))
			}
		}
		for _, r := range mf.Replace {
			problems = append(problems, fmt.Sprintf("%s replaces %s: replace directives are ignored in dependencies "+
				"and refused by go install; go.work keeps development local", rel, r.Old.Path))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("modproxy: the release %s would not build for users:\n\t%s", version, strings.Join(problems, "\n\t"))
	}
	return nil
}

// Build writes a file-based module proxy to dir (GOPROXY=file://dir) with
// every published module of root at version, zipped from the working tree
// as the tags would publish it (nested modules and testdata modules are left
// out as the go command leaves them out).
func Build(root, dir, version string) ([]Module, error) {
	mods, err := Published(root)
	if err != nil {
		return nil, err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		escaped, err := module.EscapePath(m.Path)
		if err != nil {
			return nil, fmt.Errorf("modproxy: %w", err)
		}
		vdir := filepath.Join(dir, filepath.FromSlash(escaped), "@v")
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return nil, fmt.Errorf("modproxy: %w", err)
		}
		if err := writeZip(filepath.Join(vdir, version+".zip"), m, version); err != nil {
			return nil, err
		}
		gomod, err := os.ReadFile(filepath.Join(m.Dir, "go.mod"))
		if err != nil {
			return nil, fmt.Errorf("modproxy: %w", err)
		}
		files := map[string][]byte{version + ".mod": gomod, version + ".info": info, "list": []byte(version + "\n")}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
				return nil, fmt.Errorf("modproxy: %w", err)
			}
		}
	}
	return mods, nil
}

func writeZip(path string, m Module, version string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	err = zip.CreateFromDir(f, module.Version{Path: m.Path, Version: version}, m.Dir)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("modproxy: zip %s: %w", m.Path, err)
	}
	return nil
}
