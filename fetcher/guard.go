package fetcher

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

var blockedPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96", "2002::/16",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

func checkIP(ip net.IP) error {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return fmt.Errorf("%w: unparsable address", ErrBlocked)
	}
	a = a.Unmap()
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return fmt.Errorf("%w: %s is a private, loopback or reserved address (set http.allow_private_networks to allow it)", ErrBlocked, a)
		}
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
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("%w: %q is not an IP", ErrBlocked, host)
	}
	return checkIP(ip)
}
