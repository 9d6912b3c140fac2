package pg

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is the OS user the server runs as. initdb and postgres refuse to
// run as root, so a root caller hands them to the postgres user instead.
type account struct {
	name     string
	uid, gid uint32
	// drop is set when we are root and the server must run as uid/gid.
	drop bool
}

func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			continue
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			continue
		}
		return account{name: name, uid: uint32(uid), gid: uint32(gid), drop: true}, nil
	}
	return account{}, errors.New("running as root, but neither a postgres nor a nobody user exists to run postgresql as: create one with useradd --system postgres")
}

// sysProcAttr puts the child in its own process group, so a terminal's ^C
// reaches only us and we decide the shutdown order, and has the kernel send
// it SIGINT (fast shutdown) if we die without stopping it.
func (a account) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	if a.drop {
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid}
	}
	return attr
}

// chown hands path to the account when the server runs as another user.
func (a account) chown(path string) error {
	if !a.drop {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("handing %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// chownTree hands a whole tree to the account; it repairs a data directory
// that an earlier run created as a different user.
func (a account) chownTree(root string) error {
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return a.chown(path)
	})
}

// owns reports whether path belongs to the account.
func (a account) owns(path string) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true, nil
	}
	return st.Uid == a.uid, nil
}

// makeTraversable lets the account walk from / down to dir, adding only the
// search (x) bit for others where it lacks it, never read or write: a data
// directory under a private home directory is otherwise unreachable.
func (a account) makeTraversable(dir string, log *slog.Logger) error {
	if !a.drop {
		return nil
	}
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("checking %s: %w", p, err)
		}
		if !a.canSearch(fi) {
			mode := fi.Mode().Perm() | 0o001
			if err := os.Chmod(p, mode); err != nil {
				return fmt.Errorf("making %s traversable for user %s: %w", p, a.name, err)
			}
			log.Info("made directory traversable for the postgresql user", "dir", p, "user", a.name, "mode", fmt.Sprintf("%#o", mode))
		}
		if parent := filepath.Dir(p); parent == p {
			return nil
		}
	}
}

func (a account) canSearch(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !ok:
		return true
	case st.Uid == a.uid:
		return perm&0o100 != 0
	case st.Gid == a.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
