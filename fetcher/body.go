package fetcher

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
)

// readBody reads resp's body, undoing Content-Encoding, and stops at max
// decoded bytes: over the cap it fails with a too_large error, or returns
// the first max bytes when truncate is set. The encoded stream is held to
// the same cap, and a Content-Length over it fails before reading.
func readBody(resp *http.Response, max int64, truncate bool) ([]byte, error) {
	if resp.ContentLength > max && !truncate {
		return nil, &Error{Class: ClassTooLarge, Err: fmt.Errorf("%w: Content-Length %d is over the %d-byte cap", errTooLarge, resp.ContentLength, max)}
	}
	wire := &capReader{r: resp.Body, left: max}
	var r io.Reader = wire
	codings := splitCodings(resp.Header.Values("Content-Encoding"))
	if len(codings) > 2 {
		return nil, &Error{Class: ClassParse, Err: fmt.Errorf("content-encoding %q has too many layers", strings.Join(codings, ", "))}
	}
	// codings are listed in the order they were applied: undo from the end
	for i := len(codings) - 1; i >= 0; i-- {
		dec, err := decoder(codings[i], r)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return nil, tooLarge(max, "encoded ")
			}
			return nil, err
		}
		r = dec
	}
	buf, err := readAllHint(io.LimitReader(r, max+1), sizeHint(resp.ContentLength, len(codings) > 0, max))
	if errors.Is(err, errTooLarge) || (err == nil && wire.over) {
		if truncate {
			return trim(buf, max), nil
		}
		return nil, tooLarge(max, "encoded ")
	}
	if err != nil {
		if isCodecErr(err) {
			return nil, &Error{Class: ClassParse, Err: fmt.Errorf("decoding %s body: %w", strings.Join(codings, ", "), err)}
		}
		return nil, err
	}
	if int64(len(buf)) > max {
		if truncate {
			return trim(buf, max), nil
		}
		return nil, tooLarge(max, "")
	}
	return buf, nil
}

// maxSizeHint bounds the buffer allocated up front from Content-Length,
// so a server that announces a large body and sends little cannot make
// every request reserve the whole cap.
const maxSizeHint = 2 << 20

// sizeHint is the buffer to allocate for a body: its Content-Length plus
// room to see EOF, or a guess for encoded bodies (HTML compresses about
// 4:1), within the cap and maxSizeHint. 0 means unknown.
func sizeHint(contentLength int64, encoded bool, max int64) int {
	if contentLength <= 0 {
		return 0
	}
	n := contentLength + 1
	if encoded {
		n = contentLength * 4
	}
	if n > max+1 {
		n = max + 1
	}
	if n > maxSizeHint {
		n = maxSizeHint
	}
	return int(n)
}

// readAllHint is io.ReadAll with a first buffer of hint bytes: a page of
// known length is read without the copies of a doubling buffer.
func readAllHint(r io.Reader, hint int) ([]byte, error) {
	if hint < 512 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, hint)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the next size
		}
	}
}

func trim(b []byte, max int64) []byte {
	if int64(len(b)) > max {
		return b[:max]
	}
	return b
}

func tooLarge(max int64, what string) *Error {
	return &Error{Class: ClassTooLarge, Err: fmt.Errorf("%w: %sbody over the %d-byte cap", errTooLarge, what, max)}
}

func isCodecErr(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || strings.Contains(err.Error(), "brotli")
}

func splitCodings(values []string) []string {
	var out []string
	for _, v := range values {
		for _, c := range strings.Split(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c != "" && c != "identity" {
				out = append(out, c)
			}
		}
	}
	return out
}

func decoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			if isCodecErr(err) || errors.Is(err, io.EOF) {
				return nil, &Error{Class: ClassParse, Err: fmt.Errorf("gzip body: %w", err)}
			}
			return nil, err
		}
		return zr, nil
	case "br":
		return brotli.NewReader(r), nil
	case "deflate":
		// RFC 9110 says zlib; some servers send raw deflate
		br := bufio.NewReader(r)
		head, err := br.Peek(2)
		if err == nil && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 && head[0]&0x0f == 8 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, &Error{Class: ClassParse, Err: fmt.Errorf("deflate body: %w", err)}
			}
			return zr, nil
		}
		return flate.NewReader(br), nil
	}
	return nil, &Error{Class: ClassParse, Err: fmt.Errorf("unsupported content-encoding %q", coding)}
}

// capReader fails with errTooLarge once more than left bytes were read.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		c.over = true
		return 0, errTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		c.over = true
		return n, errTooLarge
	}
	return n, err
}
