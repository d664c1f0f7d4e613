package fetcher

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// The SSRF guard. An address is refused when it is not a public unicast
// address: loopback, private (RFC 1918, IPv6 ULA), link-local, CGNAT,
// unspecified, multicast, broadcast, documentation and benchmarking ranges,
// cloud metadata endpoints, and IPv6 forms that embed a refused IPv4
// address (IPv4-mapped, NAT64, 6to4) or hide one (Teredo, IPv4-compatible).
// NAT64 and 6to4 forms of public IPv4 addresses are allowed, so that
// IPv6-only networks with DNS64 still work.

type addrRule struct {
	prefix netip.Prefix
	why    string
}

func rulesOf(pairs ...string) []addrRule {
	out := make([]addrRule, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, addrRule{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return out
}

const metadata = "a cloud metadata endpoint"

var v4Rules = rulesOf(
	"169.254.169.254/32", metadata, // AWS, GCP, Azure, OpenStack, DigitalOcean
	"169.254.170.2/32", metadata, // AWS ECS task metadata
	"100.100.100.200/32", metadata, // Alibaba Cloud
	"168.63.129.16/32", metadata, // Azure WireServer
	"192.0.0.192/32", metadata, // Oracle Cloud
	"0.0.0.0/8", "an unspecified (this-network) address",
	"10.0.0.0/8", "a private address",
	"100.64.0.0/10", "a CGNAT (shared address space) address",
	"127.0.0.0/8", "a loopback address",
	"169.254.0.0/16", "a link-local address",
	"172.16.0.0/12", "a private address",
	"192.0.0.0/24", "an IETF protocol assignment address",
	"192.0.2.0/24", "a documentation address",
	"192.88.99.0/24", "a 6to4 relay anycast address",
	"192.168.0.0/16", "a private address",
	"198.18.0.0/15", "a benchmarking address",
	"198.51.100.0/24", "a documentation address",
	"203.0.113.0/24", "a documentation address",
	"224.0.0.0/4", "a multicast address",
	"255.255.255.255/32", "the broadcast address",
	"240.0.0.0/4", "a reserved address",
)

var v6Rules = rulesOf(
	"fd00:ec2::254/128", metadata, // AWS IMDS over IPv6
	"fd20:ce::254/128", metadata, // GCP metadata over IPv6
	"::/128", "an unspecified address",
	"::1/128", "a loopback address",
	"64:ff9b:1::/48", "a local-use NAT64 address",
	"::/96", "an IPv4-compatible IPv6 address (deprecated)",
	"100::/64", "a discard-only address",
	"2001::/32", "a Teredo tunnel address",
	"2001:10::/28", "an ORCHID address",
	"2001:20::/28", "an ORCHID address",
	"2001:db8::/32", "a documentation address",
	"3fff::/20", "a documentation address",
	"5f00::/16", "a segment-routing address",
	"fc00::/7", "a private (unique local) address",
	"fe80::/10", "a link-local address",
	"fec0::/10", "a site-local address",
	"ff00::/8", "a multicast address",
)

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	global6   = netip.MustParsePrefix("2000::/3")
)

// blockedReason returns why a is refused, "" when it is a public address.
func blockedReason(a netip.Addr) string {
	a = a.WithZone("")
	if a.Is4In6() {
		if why := blockedReason(a.Unmap()); why != "" {
			return "an IPv4-mapped form of " + a.Unmap().String() + ", " + why
		}
		return ""
	}
	if a.Is4() {
		for _, r := range v4Rules {
			if r.prefix.Contains(a) {
				return r.why
			}
		}
		return ""
	}
	if !a.Is6() {
		return "not an IP address"
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		v4 := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		if why := blockedReason(v4); why != "" {
			return "a NAT64 form of " + v4.String() + ", " + why
		}
		return ""
	case sixToFour.Contains(a):
		v4 := netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		if why := blockedReason(v4); why != "" {
			return "a 6to4 form of " + v4.String() + ", " + why
		}
		return ""
	}
	for _, r := range v6Rules {
		if r.prefix.Contains(a) {
			return r.why
		}
	}
	if !global6.Contains(a) {
		return "not a global unicast address"
	}
	return ""
}

const allowHint = "private and local networks are refused unless http.allow_private_networks is true"

// CheckAddr returns an error wrapping ErrBlocked when a is not a public
// address, saying why.
func CheckAddr(a netip.Addr) error {
	if why := blockedReason(a); why != "" {
		return fmt.Errorf("%w: %s is %s (%s)", ErrBlocked, a.WithZone(""), why, allowHint)
	}
	return nil
}

// DialControl is a net.Dialer Control function that refuses private,
// loopback, link-local and other non-public addresses. It runs after DNS
// resolution for every connection, including those made for redirects, so
// DNS rebinding cannot slip through. Other packages (the webhook sink) use it.
func DialControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBlocked, err)
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address", ErrBlocked, host)
	}
	return CheckAddr(a)
}

// checkHostname refuses host names that name a local address without DNS:
// IP literals of refused ranges, "localhost", and the numeric IPv4 forms
// that C resolvers accept (2130706433, 0x7f.1, 127.1, 0177.0.0.1), which
// are refused whatever they point to since no real site uses them.
func checkHostname(host string) error {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "" {
		return fmt.Errorf("%w: empty host", ErrBlocked)
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return CheckAddr(a)
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("%w: %s is a loopback name (%s)", ErrBlocked, host, allowHint)
	}
	if endsInNumber(h) {
		if a, ok := parseInetAton(h); ok {
			if why := blockedReason(a); why != "" {
				return fmt.Errorf("%w: %s is a numeric form of %s, %s (%s)", ErrBlocked, host, a, why, allowHint)
			}
			return fmt.Errorf("%w: %s is a non-canonical numeric form of %s; use the dotted address", ErrBlocked, host, a)
		}
		return fmt.Errorf("%w: %s is not a valid host name", ErrBlocked, host)
	}
	return nil
}

// endsInNumber follows the WHATWG URL host parser: a host whose last label
// is numeric (decimal, 0x hex or octal) is an IPv4 address, not a name.
func endsInNumber(h string) bool {
	labels := strings.Split(h, ".")
	last := labels[len(labels)-1]
	if last == "" && len(labels) > 1 {
		last = labels[len(labels)-2]
	}
	if last == "" {
		return false
	}
	if isDigits(last) {
		return true
	}
	if strings.HasPrefix(last, "0x") {
		for _, c := range last[2:] {
			if !strings.ContainsRune("0123456789abcdef", c) {
				return false
			}
		}
		return true
	}
	return false
}

// parseInetAton parses the IPv4 forms inet_aton(3) accepts: one to four
// parts, each decimal, octal (leading 0) or hex (0x); the last part fills
// the remaining bytes.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base := 10
		switch {
		case strings.HasPrefix(p, "0x"):
			base, p = 16, p[2:]
			if p == "" {
				p = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	last := len(vals) - 1
	for i := 0; i < last; i++ {
		if vals[i] > 255 {
			return netip.Addr{}, false
		}
		n |= vals[i] << (8 * (3 - i))
	}
	if vals[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	n |= vals[last]
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
