package faulttest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// proxy is a TCP proxy on loopback whose link can be cut (open connections
// reset, new ones closed at once) and restored, delay what the target sends,
// or drop it.
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	cut       atomic.Bool
	dropBack  atomic.Bool  // discard target → client bytes
	delayBack atomic.Int64 // nanoseconds added to target → client bytes
	// killOn, if set, is shown every chunk the target sends; when it
	// returns true the chunk is dropped and the connection reset.
	killOn atomic.Pointer[func([]byte) bool]

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
	// Accepted counts connections accepted while not cut.
	accepted atomic.Int64
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.cut.Load() {
			c.Close()
			continue
		}
		p.accepted.Add(1)
		p.wg.Add(1)
		go p.handle(c)
	}
}

func (p *proxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !add {
		delete(p.conns, c)
		return true
	}
	if p.conns == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) handle(client net.Conn) {
	defer p.wg.Done()
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(client, true) || !p.track(server, true) {
		client.Close()
		server.Close()
		return
	}
	defer func() {
		client.Close()
		server.Close()
		p.track(client, false)
		p.track(server, false)
	}()
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(server, client)
		server.Close()
		done <- struct{}{}
	}()
	go func() {
		p.back(client, server)
		client.Close()
		done <- struct{}{}
	}()
	<-done
	<-done
}

type chunk struct {
	b  []byte
	at time.Time
}

// back copies target → client, dropping or delaying as configured. Delayed
// chunks keep their order.
func (p *proxy) back(client, server net.Conn) {
	q := make(chan chunk, 1024)
	wdone := make(chan struct{})
	go func() {
		defer close(wdone)
		for c := range q {
			if d := time.Until(c.at); d > 0 {
				time.Sleep(d)
			}
			if _, err := client.Write(c.b); err != nil {
				server.Close()
				for range q {
				}
				return
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := server.Read(buf)
		if f := p.killOn.Load(); n > 0 && f != nil && (*f)(buf[:n]) {
			reset(client)
			reset(server)
			break
		}
		if n > 0 && !p.dropBack.Load() {
			b := append([]byte(nil), buf[:n]...)
			q <- chunk{b: b, at: time.Now().Add(time.Duration(p.delayBack.Load()))}
		}
		if err != nil {
			break
		}
	}
	close(q)
	<-wdone
}

// reset closes c with a RST, as a crashed peer.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// Cut resets every open connection and refuses new ones until Restore.
func (p *proxy) Cut() {
	p.cut.Store(true)
	p.mu.Lock()
	for c := range p.conns {
		reset(c)
	}
	p.mu.Unlock()
}

// Restore lets connections through again.
func (p *proxy) Restore() { p.cut.Store(false) }

func (p *proxy) close() {
	p.Cut()
	_ = p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}
