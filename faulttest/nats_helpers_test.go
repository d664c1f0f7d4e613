package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsNode is an in-process nats-server that can be shut down and started
// again on the same port and store.
type natsNode struct {
	t    *testing.T
	opts server.Options
	s    *server.Server
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startNATS starts a single in-process server with JetStream on a free
// port, storing in dir.
func startNATS(t *testing.T, dir string, tweak func(*server.Options)) *natsNode {
	t.Helper()
	n := &natsNode{t: t, opts: server.Options{
		ServerName: "n0", Host: "127.0.0.1", Port: freePort(t), JetStream: true, StoreDir: dir,
		NoLog: true, NoSigs: true, MaxPayload: 8 << 20,
	}}
	if tweak != nil {
		tweak(&n.opts)
	}
	n.start()
	t.Cleanup(n.shutdown)
	return n
}

func (n *natsNode) start() {
	n.t.Helper()
	opts := n.opts // the server keeps and changes its options
	s, err := server.NewServer(&opts)
	if err != nil {
		n.t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(20 * time.Second) {
		s.Shutdown()
		n.t.Fatalf("nats-server %s not ready", n.opts.ServerName)
	}
	n.s = s
}

func (n *natsNode) shutdown() {
	if n.s != nil {
		n.s.Shutdown()
		n.s.WaitForShutdown()
		n.s = nil
	}
}

func (n *natsNode) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.opts.Port) }

// natsProc is a nats-server process (built from the module version) that
// can be killed and started again on the same port and store.
type natsProc struct {
	t    *testing.T
	bin  string
	conf string
	port int
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

// startNATSProc starts nats-server with JetStream in dir; syncAlways sets
// jetstream.sync_interval: always.
func startNATSProc(t *testing.T, dir string, syncAlways bool) *natsProc {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &natsProc{t: t, bin: natsServerBinary(t), port: freePort(t), log: filepath.Join(dir, "nats.log")}
	sync := ""
	if syncAlways {
		sync = "\n  sync_interval: always"
	}
	conf := fmt.Sprintf("listen: 127.0.0.1:%d\nserver_name: proc0\nmax_payload: 8MB\njetstream {\n  store_dir: %q%s\n}\n", p.port, filepath.Join(dir, "js"), sync)
	p.conf = filepath.Join(dir, "nats.conf")
	if err := os.WriteFile(p.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p.start()
	t.Cleanup(func() { p.kill(syscall.SIGKILL) })
	return p
}

func (p *natsProc) url() string { return "nats://127.0.0.1:" + strconv.Itoa(p.port) }

func (p *natsProc) start() {
	p.t.Helper()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd := exec.Command(p.bin, "-c", p.conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		p.t.Fatal(err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func(done chan struct{}) {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}(p.done)
	// Ready when JetStream answers.
	ok, _ := waitFor(30*time.Second, func() bool {
		nc, err := nats.Connect(p.url(), nats.Timeout(time.Second))
		if err != nil {
			return false
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = js.AccountInfo(ctx)
		return err == nil
	})
	if !ok {
		b, _ := os.ReadFile(p.log)
		p.t.Fatalf("nats-server did not start:\n%s", b)
	}
}

// kill sends sig and waits for the process to end.
func (p *natsProc) kill(sig syscall.Signal) {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	<-p.done
	p.cmd = nil
}

// cluster is three in-process servers in one JetStream cluster. Every
// link goes through its own proxy (routes per ordered pair of nodes, and
// clients per node), so a node can be cut off at once, as when it crashes:
// a clean shutdown would hand its leaderships over first.
type cluster struct {
	t       *testing.T
	nodes   []*natsNode
	clients []*proxy   // clients → node i
	routes  [][]*proxy // node i → node j
}

func startCluster(t *testing.T, dir string) *cluster {
	t.Helper()
	const n = 3
	c := &cluster{t: t, routes: make([][]*proxy, n)}
	cports := make([]int, n)
	for i := range cports {
		cports[i] = freePort(t)
	}
	for i := 0; i < n; i++ {
		c.routes[i] = make([]*proxy, n)
		var routes []string
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			c.routes[i][j] = newProxy(t, fmt.Sprintf("127.0.0.1:%d", cports[j]))
			routes = append(routes, "nats-route://"+c.routes[i][j].addr())
		}
		nd := &natsNode{t: t, opts: server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: freePort(t),
			JetStream: true, StoreDir: filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			NoLog: true, NoSigs: true, MaxPayload: 8 << 20,
			Cluster: server.ClusterOpts{Name: "newsfeed-test", Host: "127.0.0.1", Port: cports[i], NoAdvertise: true},
		}}
		nd.opts.Routes = server.RoutesFromStr(joinComma(routes))
		c.nodes = append(c.nodes, nd)
		c.clients = append(c.clients, newProxy(t, fmt.Sprintf("127.0.0.1:%d", nd.opts.Port)))
	}
	// Start all before waiting: a node is ready for clients only once its
	// routes are up.
	for _, nd := range c.nodes {
		opts := nd.opts
		s, err := server.NewServer(&opts)
		if err != nil {
			t.Fatal(err)
		}
		nd.s = s
		t.Cleanup(nd.shutdown)
		go s.Start()
	}
	for _, nd := range c.nodes {
		if !nd.s.ReadyForConnections(30 * time.Second) {
			t.Fatalf("cluster node %s not ready", nd.opts.ServerName)
		}
	}
	ok, _ := waitFor(30*time.Second, func() bool {
		for _, nd := range c.nodes {
			if !nd.s.JetStreamIsCurrent() {
				return false
			}
		}
		return c.nodes[0].s.JetStreamIsClustered()
	})
	if !ok {
		t.Fatal("JetStream meta group did not form")
	}
	return c
}

// urls are the client URLs of every node (through the client proxies).
func (c *cluster) urls() string {
	var u []string
	for _, p := range c.clients {
		u = append(u, "nats://"+p.addr())
	}
	return joinComma(u)
}

// isolate cuts every link of node i, as if it had crashed.
func (c *cluster) isolate(i int) {
	c.clients[i].Cut()
	for j := range c.nodes {
		if j != i {
			c.routes[i][j].Cut()
			c.routes[j][i].Cut()
		}
	}
}

func (c *cluster) index(n *natsNode) int {
	for i, nd := range c.nodes {
		if nd == n {
			return i
		}
	}
	return -1
}

// streamLeader returns the node leading stream name, among nodes not in
// skip.
func (c *cluster) streamLeader(name string, skip ...*natsNode) *natsNode {
	for _, nd := range c.nodes {
		if nd.s == nil || slices.Contains(skip, nd) {
			continue
		}
		if nd.s.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, name) {
			return nd
		}
	}
	return nil
}

func joinComma(s []string) string { return strings.Join(s, ",") }

// streamInfo returns a stream's state through a fresh connection.
func streamInfo(t *testing.T, url, name string) *jetstream.StreamInfo {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// consumers returns the info of every consumer of the pipeline's streams,
// by consumer name (nil when the server cannot be asked).
func consumers(url string) map[string]*jetstream.ConsumerInfo {
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		return nil
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out := map[string]*jetstream.ConsumerInfo{}
	for _, name := range []string{"NEWS_JOBS", "NEWS_ITEMS", "NEWS_ARTICLES"} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return nil
		}
		// Read the whole list: the lister blocks until it is read.
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			out[ci.Name] = ci
		}
		if l.Err() != nil {
			return nil
		}
	}
	return out
}

// drained reports whether every consumer of the pipeline's streams has
// nothing pending and nothing unacknowledged.
func drained(url string) bool {
	cs := consumers(url)
	if cs == nil {
		return false
	}
	for _, ci := range cs {
		if ci.NumPending > 0 || ci.NumAckPending > 0 {
			return false
		}
	}
	return true
}

// ackSampler counts, per consumer, the extra deliveries of acknowledged
// messages: it turns on 100% ack sampling on the pipeline's consumers and
// reads JetStream's consumer-ack metric advisories, which carry each
// message's delivery count.
type ackSampler struct {
	nc  *nats.Conn
	sub *nats.Subscription

	mu    sync.Mutex
	acks  map[string]int // consumer → acknowledged messages sampled
	extra map[string]int // consumer → deliveries beyond the first
}

// sampleAcks starts sampling; call it after every replica has set up its
// consumers (Setup resets the sampling).
func sampleAcks(t *testing.T, url string) *ackSampler {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	a := &ackSampler{nc: nc, acks: map[string]int{}, extra: map[string]int{}}
	t.Cleanup(a.close)
	a.sub, err = nc.Subscribe("$JS.EVENT.METRIC.CONSUMER.ACK.>", func(m *nats.Msg) {
		var adv struct {
			Consumer   string `json:"consumer"`
			Deliveries uint64 `json:"deliveries"`
		}
		if json.Unmarshal(m.Data, &adv) != nil {
			return
		}
		a.mu.Lock()
		a.acks[adv.Consumer]++
		if adv.Deliveries > 1 {
			a.extra[adv.Consumer] += int(adv.Deliveries - 1)
		}
		a.mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"NEWS_JOBS", "NEWS_ITEMS", "NEWS_ARTICLES"} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		var cfgs []jetstream.ConsumerConfig
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			cfgs = append(cfgs, ci.Config)
		}
		if err := l.Err(); err != nil {
			t.Fatal(err)
		}
		for _, cfg := range cfgs {
			cfg.SampleFrequency = "100%"
			if _, err := js.UpdateConsumer(ctx, name, cfg); err != nil {
				t.Fatalf("sample %s/%s: %v", name, cfg.Durable, err)
			}
		}
	}
	return a
}

func (a *ackSampler) close() {
	if a.nc != nil {
		a.nc.Close()
	}
}

// redeliveries returns the extra deliveries seen for consumer.
func (a *ackSampler) redeliveries(consumer string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.extra[consumer]
}

func (a *ackSampler) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var parts []string
	for _, c := range []string{"poller", "scraper", "sink-jsonl", "sink-sqlite", "sink-postgres"} {
		if n, ok := a.acks[c]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d/%d", c, a.extra[c], n))
		}
	}
	return "redeliveries/acks{" + strings.Join(parts, " ") + "}"
}
