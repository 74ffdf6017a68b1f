package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ErrLocked is returned when another process holds the database's lock: a
// running service, or another command that writes it.
var ErrLocked = errors.New("in use by another process")

// The database lock.
//
// One process at a time may write a database: the service while it runs,
// or one command that changes it (restore, import, demo remove, provider
// and admin commands). That process holds an exclusive flock(2) on the
// database file itself, through a descriptor it keeps open until it has
// closed the store; the kernel releases it when the process ends, also by
// SIGKILL, so a crash never leaves a stale lock. A lock on the file, not on
// a name, holds through every name of the file: a symbolic link, a linked
// directory, another spelling of the path.
//
// Two more rules follow from SQLite, which names a database's -wal and -shm
// after the path it is given:
//
//   - Symbolic links are resolved before SQLite sees the path, so every
//     process, by whatever link it names the file, shares one -wal.
//   - A database file with more than one hard link is refused, by readers
//     too: no name of it is the real one, and two processes using two names
//     would each keep a -wal of their own and lose each other's writes
//     (SQLite documents this as a way to corrupt a database).
//
// flock and SQLite's own POSIX record locks are independent on local file
// systems. SQLite in WAL mode needs a local file system anyway, so the
// database must not be on NFS or another network file system. The lock
// descriptor is closed only after SQLite's connections: closing any
// descriptor of a file drops every POSIX lock the process holds on it.

// resolve returns the path SQLite is to open for path: absolute, with every
// symbolic link resolved. A path that does not exist resolves through its
// directory; a symbolic link to nothing is refused rather than followed to
// create a database where the link points.
func resolve(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%w: empty database path", ErrInvalid)
	}
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		return filepath.Abs(real)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
		return "", fmt.Errorf("%w: %s is a symbolic link to a file that does not exist", ErrInvalid, path)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(path)), nil
}

// refuseHardLinks fails when the file fi describes has more than one name.
func refuseHardLinks(path string, fi os.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return fmt.Errorf("%w: %s has %d hard links; SQLite keeps a database's -wal beside the name it is opened by, "+
			"so two names of one database would lose writes: remove the other links (find / -samefile %s) and use one path",
			ErrInvalid, path, st.Nlink, path)
	}
	return nil
}

// fileLock is a held database lock.
type fileLock struct {
	f *os.File
}

func (l *fileLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// lockFile takes the lock of the database at real (a resolved path). When
// the file does not exist it is created, empty, only if create is set, and
// created says so; otherwise that is ErrNotFound.
func lockFile(real string, create bool) (l *fileLock, created bool, err error) {
	// A few tries: a restore may rename a new file over the name between
	// our open and our lock, and then the lock we got is the old file's.
	for range 5 {
		created = false
		f, err := os.OpenFile(real, os.O_RDONLY, 0)
		if errors.Is(err, fs.ErrNotExist) && create {
			f, err = os.OpenFile(real, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, fs.ErrExist) {
				continue // another process made it meanwhile; open that one
			}
			created = err == nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("%w: %s: no such database", ErrNotFound, real)
		}
		if err != nil {
			return nil, false, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, false, fmt.Errorf("%s: %w", real, ErrLocked)
			}
			return nil, false, fmt.Errorf("lock %s: %w", real, err)
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, false, err
		}
		named, err := os.Stat(real)
		if err != nil || !os.SameFile(held, named) {
			f.Close()
			continue
		}
		if err := refuseHardLinks(real, held); err != nil {
			f.Close()
			return nil, false, err
		}
		return &fileLock{f: f}, created, nil
	}
	return nil, false, fmt.Errorf("%s: %w (the file kept being replaced)", real, ErrLocked)
}

// Lock takes the lock of the existing database at path, by whatever name,
// as a command that writes it does; unlock releases it. While another
// process holds it, Lock fails at once with ErrLocked.
func Lock(path string) (unlock func(), err error) {
	real, err := resolve(path)
	if err != nil {
		return nil, err
	}
	l, _, err := lockFile(real, false)
	if err != nil {
		return nil, err
	}
	return func() { l.release() }, nil
}

// OpenExclusive opens the store at path as its one writer: it takes the
// database's lock (ErrLocked while a service or another command holds it)
// and keeps it until Close. A database that does not exist is created only
// with create, and is otherwise ErrNotFound. Like Open, it refuses an
// existing 0-byte file and a file with hard links, and opens the file its
// symbolic links lead to (Path says which).
func OpenExclusive(ctx context.Context, path string, create bool) (*Store, error) {
	if IsPostgres(path) {
		// Many instances share a PostgreSQL database: their writes take
		// an advisory lock each (Store.inTx), not the database.
		return openPostgres(ctx, path)
	}
	real, err := resolve(path)
	if err != nil {
		return nil, err
	}
	l, created, err := lockFile(real, create)
	if err != nil {
		return nil, err
	}
	if !created {
		if err := refuseEmpty(real); err != nil {
			l.release()
			return nil, err
		}
	}
	s, err := open(ctx, real)
	if err != nil {
		if created {
			for _, side := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(real + side)
			}
		}
		l.release()
		return nil, err
	}
	s.lock = l
	return s, nil
}
