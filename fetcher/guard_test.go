package fetcher

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestBlockedAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr string
		why  string // substring of the reason; "" = allowed
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"169.254.169.254", "metadata"},
		{"169.254.170.2", "metadata"},
		{"169.254.1.1", "link-local"},
		{"100.100.100.200", "metadata"},
		{"100.64.0.1", "CGNAT"},
		{"100.128.0.1", ""},
		{"168.63.129.16", "metadata"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"192.0.2.1", "documentation"},
		{"198.18.0.1", "benchmarking"},
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"::", "unspecified"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:8.8.8.8", ""},
		{"::127.0.0.1", "IPv4-compatible"},
		{"64:ff9b::7f00:1", "NAT64 form of 127.0.0.1"},
		{"64:ff9b::a9fe:a9fe", "metadata"},
		{"64:ff9b::808:808", ""}, // NAT64 of a public address: allowed for DNS64 networks
		{"64:ff9b:1::1", "local-use NAT64"},
		{"2002:7f00:1::1", "6to4 form of 127.0.0.1"},
		{"2002:c0a8:101::1", "private"},
		{"2002:808:808::1", ""},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
		{"2001:db8::1", "documentation"},
		{"fd00:ec2::254", "metadata"},
		{"fd12:3456::1", "unique local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"100::1", "discard"},
		{"4000::1", "not a global unicast"},
		{"2606:4700:4700::1111", ""},
	} {
		a := netip.MustParseAddr(tc.addr)
		err := CheckAddr(a)
		switch {
		case tc.why == "" && err != nil:
			t.Errorf("%s refused: %v", tc.addr, err)
		case tc.why != "" && err == nil:
			t.Errorf("%s allowed, want refused (%s)", tc.addr, tc.why)
		case tc.why != "" && (!errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), tc.why)):
			t.Errorf("%s: %v, want %q", tc.addr, err, tc.why)
		}
	}
}

func TestDialControl(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:80":          false,
		"[::1]:443":             false,
		"[::ffff:10.0.0.1]:80":  false,
		"93.184.216.34:443":     true,
		"[2606:4700::1111]:443": true,
		"example.com:80":        false, // not an address: refused
		"garbage":               false,
	} {
		err := DialControl("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Errorf("%s: error does not wrap ErrBlocked", addr)
		}
	}
}

func TestHostnames(t *testing.T) {
	for _, tc := range []struct {
		host string
		ok   bool
		why  string
	}{
		{"example.com", true, ""},
		{"news.example.co.uk.", true, ""},
		{"1password.com", true, ""},
		{"123.example", true, ""},
		{"localhost", false, "loopback"},
		{"LOCALHOST.", false, "loopback"},
		{"foo.localhost", false, "loopback"},
		{"2130706433", false, "127.0.0.1"},
		{"0x7f000001", false, "127.0.0.1"},
		{"0x7f.1", false, "127.0.0.1"},
		{"127.1", false, "127.0.0.1"},
		{"0177.0.0.1", false, "127.0.0.1"},
		{"017700000001", false, "127.0.0.1"},
		{"10.1", false, "10.0.0.1"},
		{"3627734734", false, "non-canonical"}, // 216.58.214.206, public but disguised
		{"1.2.3.4.5", false, "not a valid host"},
		{"example.0x", false, "127"}, // ends in a number form but invalid → refused
		{"999999999999", false, "not a valid host"},
		{"", false, "empty"},
	} {
		err := checkHostname(tc.host)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.host, err)
			continue
		}
		if err != nil && tc.why != "127" && !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%q: %v, want %q", tc.host, err, tc.why)
		}
	}
}

func TestParseInetAton(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1":   "127.0.0.1",
		"127.1":       "127.0.0.1",
		"127.0.1":     "127.0.0.1",
		"2130706433":  "127.0.0.1",
		"0x7f.0x1":    "127.0.0.1",
		"0":           "0.0.0.0",
		"0x":          "0.0.0.0",
		"1.0x10000":   "1.1.0.0",
		"1.0x1000000": "",
		"256.1":       "",
		"1.2.3.256":   "",
		"4294967296":  "",
		"08.1.1.1":    "", // 8 is not octal
		"1..1":        "",
	} {
		a, ok := parseInetAton(in)
		if want == "" {
			if ok {
				t.Errorf("%s: %v, want invalid", in, a)
			}
			continue
		}
		if !ok || a.String() != want {
			t.Errorf("%s: %v %v, want %s", in, a, ok, want)
		}
	}
}

func FuzzHostname(f *testing.F) {
	for _, s := range []string{"example.com", "127.1", "0x7f.1", "2130706433", "[::1]", "localhost", "1.2.3.4", "0177.1", "a.b.0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		err := checkHostname(host)
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Fatalf("%q: error %v does not wrap ErrBlocked", host, err)
		}
		// a host that parses as an address is judged exactly as that address
		if a, perr := netip.ParseAddr(strings.ToLower(strings.TrimSuffix(host, "."))); perr == nil {
			if (err == nil) != (CheckAddr(a) == nil) {
				t.Fatalf("%q: hostname check %v, address check %v", host, err, CheckAddr(a))
			}
		}
		// numeric forms are never allowed through to a resolver
		if a, ok := parseInetAton(strings.ToLower(host)); ok && err == nil && a.String() != host {
			if endsInNumber(strings.ToLower(host)) {
				t.Fatalf("%q (= %s) passed", host, a)
			}
		}
	})
}
