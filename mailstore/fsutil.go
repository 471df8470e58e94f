package mailstore

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// syncDir fsyncs the directory dir, making the names created or renamed
// in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// WriteFileAtomic replaces path with data: a temporary file in the same
// directory is written, fsynced and renamed over path, then the directory
// is fsynced. A reader sees the old content or the new, never a mixture;
// a crash leaves one of the two.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncer fsyncs files in the background, up to syncWorkers at once, so
// that the disk writes back one message while the next arrives: the
// kernel's journal commits concurrent fsyncs together, so a batch costs
// a few commits instead of one per file. wait returns the first error.
type syncer struct {
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs error
}

const syncWorkers = 32

func newSyncer() *syncer { return &syncer{sem: make(chan struct{}, syncWorkers)} }

// add starts fsyncing f.
func (s *syncer) add(f *os.File) {
	s.sem <- struct{}{}
	s.wg.Add(1)
	go func() {
		defer func() { <-s.sem; s.wg.Done() }()
		if err := f.Sync(); err != nil {
			s.mu.Lock()
			if s.errs == nil {
				s.errs = fmt.Errorf("fsync %s: %w", f.Name(), err)
			}
			s.mu.Unlock()
		}
	}()
}

// wait waits for every fsync started and returns the first error.
func (s *syncer) wait() error {
	s.wg.Wait()
	return s.errs
}
