package pg

import (
	"os/exec"
	"runtime"
)

// process is a running child whose exit we observe.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the child has exited
	err  error         // the child's exit status; read only after done is closed
}

// startProcess starts cmd from a goroutine that stays locked to its OS
// thread until the child exits: Linux sends Pdeathsig when the thread that
// forked the child ends, not the process, and the Go runtime may end an
// unlocked thread at any time.
func startProcess(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// exited reports whether the child has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
