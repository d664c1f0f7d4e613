// Package natstest starts a real nats-server with JetStream inside a test:
// random port, store in the test's temporary directory, shut down when the
// test ends.
package natstest

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Run starts a server on 127.0.0.1 and a random port. tweak, if not nil,
// adjusts the options first.
func Run(t testing.TB, tweak func(*server.Options)) *server.Server {
	t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	if tweak != nil {
		tweak(opts)
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		t.Fatal("nats-server not ready after 10s")
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// Cluster starts n servers (n ≥ 1) with JetStream clustered on 127.0.0.1,
// fully meshed, and waits until JetStream's meta group has formed. Client
// ports are random; route ports are picked free just before the start (a
// clustered server needs its peers' route ports up front). tweak, if not
// nil, adjusts each server's options first. The servers shut down when the
// test ends.
func Cluster(t testing.TB, n int, tweak func(i int, o *server.Options)) []*server.Server {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		ports[i] = freePort(t)
	}
	var servers []*server.Server
	t.Cleanup(func() {
		for _, s := range servers {
			s.Shutdown()
			s.WaitForShutdown()
		}
	})
	for i := 0; i < n; i++ {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		opts := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
			Cluster: server.ClusterOpts{Name: "natstest", Host: "127.0.0.1", Port: ports[i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
		}
		if tweak != nil {
			tweak(i, opts)
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
		go s.Start()
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		formed := true
		for _, s := range servers {
			if !s.ReadyForConnections(time.Until(deadline)) || !s.JetStreamIsCurrent() || (n > 1 && !s.JetStreamIsClustered()) {
				formed = false
				break
			}
		}
		if formed {
			return servers
		}
		if time.Now().After(deadline) {
			t.Fatalf("JetStream cluster of %d did not form within 30s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ClientURLs joins the servers' client URLs for nats.Connect.
func ClientURLs(servers []*server.Server) string {
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.ClientURL()
	}
	return strings.Join(urls, ",")
}
