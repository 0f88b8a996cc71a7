package bunstoretest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clusterDirPrefix names the temporary directories of test clusters, so a
// later run can recognise and remove the leftovers of a crashed one.
const clusterDirPrefix = "allvoice-pg-"

// ownerFile, inside a cluster directory, holds the pid of the test binary
// that started the cluster.
const ownerFile = "owner.pid"

// durableSettings are every test cluster's settings. max_connections
// leaves room for parallel tests, each with its own pool.
var durableSettings = []string{
	"listen_addresses=127.0.0.1",
	"max_connections=300",
	"shared_buffers=32MB",
	"log_min_messages=warning",
}

// clusterSettings trade durability for speed; a test cluster is thrown
// away anyway.
var clusterSettings = append(durableSettings[:len(durableSettings):len(durableSettings)],
	"fsync=off",
	"synchronous_commit=off",
	"full_page_writes=off",
)

// cluster is a PostgreSQL server this test binary started.
type cluster struct {
	dir      string   // the temporary directory: data/, the socket, the log
	settings []string // the postmaster's -c settings
	port     int
	pid      int
	exited   chan struct{} // closed when the postmaster has exited
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startCluster runs initdb on a new temporary directory and starts a
// postmaster on a free port.
func startCluster(settings []string) (*cluster, error) {
	bin, err := serverBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	removeStaleClusters()

	dir, err := os.MkdirTemp("", clusterDirPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"),
		"-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.Dir = dir
	initdb.Env = append(os.Environ(), "LC_ALL=C")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb in %s: %v\n%s", bin, err, out)
	}

	// Another test binary may take the free port between our probe and the
	// postmaster binding it; then try another.
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		c, err := launch(bin, dir, port, cred, settings)
		if err == nil {
			return c, nil
		}
		if attempt < 5 && strings.Contains(err.Error(), "could not bind") {
			continue
		}
		_ = os.RemoveAll(dir)
		return nil, err
	}
}

// launch starts the postmaster and waits until it accepts connections.
//
// The process gets a parent-death signal, so the kernel stops it even if
// this binary dies without calling Main. That signal fires when the thread
// that started the process exits, so the start happens on a goroutine
// locked to its thread, which lives until the postmaster has exited.
func launch(bin, dir string, port int, cred *syscall.Credential, settings []string) (*cluster, error) {
	logPath := filepath.Join(dir, "postgres.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	args := []string{"-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port),
		"-c", "unix_socket_directories=" + dir}
	for _, s := range settings {
		args = append(args, "-c", s)
	}
	c := &cluster{dir: dir, settings: settings, port: port, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		defer close(c.exited)
		defer logf.Close()
		cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: cred,
			Pdeathsig:  syscall.SIGQUIT, // immediate shutdown
			Setpgid:    true,            // a terminal's Ctrl-C goes to the tests, not to it
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		c.pid = cmd.Process.Pid
		started <- nil
		_ = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting postgres: %v", err)
	}

	db, err := sql.Open("pgx", c.url())
	if err != nil {
		_ = c.stop()
		return nil, err
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			return c, nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited on start (port %d): %s", port, tail(log, 2000))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = c.stop()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not accept connections within a minute: %v\n%s", err, tail(log, 2000))
		}
	}
}

// stop shuts the postmaster down (fast shutdown: SIGINT) and removes the
// directory.
func (c *cluster) stop() error {
	var err error
	if c.pid > 0 {
		_ = syscall.Kill(c.pid, syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(c.pid, syscall.SIGKILL)
			<-c.exited
			err = errors.New("postgres did not stop within 30 s and was killed")
		}
	}
	if rerr := os.RemoveAll(c.dir); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// serverBinDir finds a directory holding initdb and postgres: the one on
// PATH, else the newest /usr/lib/postgresql/*/bin (Debian does not put
// server binaries on PATH).
func serverBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dir := filepath.Dir(real)
			if isFile(filepath.Join(dir, "postgres")) {
				return dir, nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or under /usr/lib/postgresql/*/bin; install postgresql or set " + EnvDatabaseURL)
}

// versionOf returns the major version in /usr/lib/postgresql/<v>/bin.
func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// serverCredential returns whom to run initdb and postgres as: nil (this
// user) normally; the postgres user when running as root, which both
// refuse.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and initdb refuses root, but there is no postgres user to run it as: %v", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("the postgres user has a non-numeric uid or gid")
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// removeStaleClusters removes the directories of clusters whose test binary
// is gone, stopping their postmaster if it still runs. Clusters of live
// binaries, including ones running in parallel right now, are left alone.
func removeStaleClusters() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), clusterDirPrefix+"*"))
	for _, dir := range dirs {
		owner, err := readPid(filepath.Join(dir, ownerFile))
		if err != nil {
			// No owner yet: perhaps being created right now. Only an old
			// directory is a leftover.
			fi, serr := os.Stat(dir)
			if serr != nil || time.Since(fi.ModTime()) < 10*time.Minute {
				continue
			}
		} else if alive(owner) {
			continue
		}
		if pm, err := readPid(filepath.Join(dir, "data", "postmaster.pid")); err == nil && isPostgres(pm) {
			_ = syscall.Kill(pm, syscall.SIGQUIT)
			for i := 0; i < 50 && alive(pm); i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
		_ = os.RemoveAll(dir)
	}
}

// readPid reads the first line of a pid file.
func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("no pid in %s", path)
	}
	return pid, nil
}

// alive reports whether a process with this pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isPostgres reports whether pid is a postgres process, so a recycled pid
// of something else is never signalled.
func isPostgres(pid int) bool {
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(comm)), "postgres")
}

// tail returns the last n bytes of b as text.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
