package faultserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var kindNames = [...]string{
	None:          "none",
	RefuseStream:  "refuse",
	ResetMidBody:  "reset",
	GoAwayMidBody: "goaway",
	CloseMidBody:  "close",
	StallMidBody:  "stall",
	HTMLPage:      "html",
	Status:        "status",
	IgnoreRange:   "ignore-range",
	ChangeETag:    "change-etag",
	FlipByte:      "flip",
	HTMLOctet:     "html-octet",
	HTMLPartial:   "html206",
	FreezeMidBody: "freeze",
	WrongRange:    "wrong-range",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

func (p Proto) String() string {
	if p == HTTP2 {
		return "h2"
	}
	return "h1"
}

// String describes f for a log line, e.g. "reset at 8.0 MiB".
func (f Fault) String() string {
	switch f.Kind {
	case ResetMidBody, GoAwayMidBody, CloseMidBody:
		return f.Kind.String() + " at " + FormatSize(f.At)
	case StallMidBody, FreezeMidBody:
		d := "until closed"
		if f.Stall > 0 {
			d = "for " + f.Stall.String()
		}
		return f.Kind.String() + " at " + FormatSize(f.At) + " " + d
	case FlipByte:
		return "flip byte " + strconv.FormatInt(f.At, 10)
	case WrongRange:
		return "wrong range from byte " + strconv.FormatInt(f.At, 10)
	case Status:
		s := "status " + strconv.Itoa(f.Code)
		if f.RetryAfter != "" {
			s += " retry-after=" + f.RetryAfter
		}
		return s
	}
	return f.Kind.String()
}

// String is one readable log line:
// "GET /x range=bytes=123- -> 206 (fault: reset at 8.0 MiB) sent 8.0 MiB".
func (l Logged) String() string {
	var b strings.Builder
	m := l.Method
	if m == "" {
		m = "GET"
	}
	fmt.Fprintf(&b, "%s %s", m, l.Path)
	if l.Range != "" {
		fmt.Fprintf(&b, " range=%s", l.Range)
	}
	if l.IfRange != "" {
		fmt.Fprintf(&b, " if-range=%s", l.IfRange)
	}
	if l.Status == 0 {
		b.WriteString(" -> no status")
	} else {
		fmt.Fprintf(&b, " -> %d", l.Status)
	}
	if l.Fault != None {
		d := l.Detail
		if d.Kind != l.Fault {
			d = Fault{Kind: l.Fault}
		}
		fmt.Fprintf(&b, " (fault: %s)", d)
	}
	fmt.Fprintf(&b, " sent %s", FormatSize(l.BytesSent))
	if l.Conn != "" {
		fmt.Fprintf(&b, " conn=%s", l.Conn)
	}
	return b.String()
}

// FormatSize renders n bytes with a binary unit ("8.0 MiB", "512 B").
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, i := float64(n)/unit, 0
	for ; (v >= unit || v <= -unit) && i < 3; i++ {
		v /= unit
	}
	return fmt.Sprintf("%.1f %s", v, [...]string{"KiB", "MiB", "GiB", "TiB"}[i])
}

// ParseSize reads "123", "8MiB", "1.5 MB", "64k": binary units for KiB/MiB
// and the bare k/M/G, decimal ones for kB/MB/GB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	}[strings.ToLower(unit)]
	if mult == 0 || num == "" {
		return 0, fmt.Errorf("bad size %q", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %w", s, err)
	}
	return int64(v * mult), nil
}

// ParseScript parses a comma-separated fault script, e.g.
// "refuse,reset@8MiB,close@20MiB,html,status503:retry=1,stall@30MiB:2s,
// ignore-range,flip@100,goaway@1MiB,change-etag,html-octet,html206,
// freeze@1MiB:5s,none". A "*N" suffix repeats an item N times
// ("status503*3"). stall and freeze without a duration last until the client
// or the server gives up.
func ParseScript(script string) ([]Fault, error) {
	var out []Fault
	for _, item := range strings.Split(script, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		count := 1
		if base, n, ok := strings.Cut(item, "*"); ok {
			c, err := strconv.Atoi(n)
			if err != nil || c < 1 {
				return nil, fmt.Errorf("fault %q: bad repeat count", item)
			}
			item, count = base, c
		}
		f, err := parseFault(item)
		if err != nil {
			return nil, fmt.Errorf("fault %q: %w", item, err)
		}
		for range count {
			out = append(out, f)
		}
	}
	return out, nil
}

func parseFault(item string) (Fault, error) {
	name, arg, hasAt := strings.Cut(item, "@")
	name = strings.ToLower(name)
	if strings.HasPrefix(name, "status") && !hasAt {
		return parseStatus(strings.TrimPrefix(name, "status"))
	}
	kinds := map[string]Kind{
		"none": None, "ok": None, "refuse": RefuseStream, "html": HTMLPage,
		"ignore-range": IgnoreRange, "change-etag": ChangeETag,
		"reset": ResetMidBody, "goaway": GoAwayMidBody, "close": CloseMidBody,
		"stall": StallMidBody, "flip": FlipByte,
		"html-octet": HTMLOctet, "html206": HTMLPartial, "freeze": FreezeMidBody,
		"wrong-range": WrongRange,
	}
	k, ok := kinds[name]
	if !ok {
		return Fault{}, fmt.Errorf("unknown fault %q", name)
	}
	f := Fault{Kind: k}
	needsAt := midBody(k) || k == FlipByte || k == WrongRange
	if needsAt != hasAt {
		if needsAt {
			return Fault{}, fmt.Errorf("%s needs @OFFSET", name)
		}
		return Fault{}, fmt.Errorf("%s takes no @OFFSET", name)
	}
	if !hasAt {
		return f, nil
	}
	at, dur, hasDur := strings.Cut(arg, ":")
	if hasDur && k != StallMidBody && k != FreezeMidBody {
		return Fault{}, fmt.Errorf("%s takes no duration", name)
	}
	n, err := ParseSize(at)
	if err != nil {
		return Fault{}, err
	}
	f.At = n
	if hasDur {
		if f.Stall, err = time.ParseDuration(dur); err != nil {
			return Fault{}, fmt.Errorf("bad stall duration: %w", err)
		}
	}
	return f, nil
}

// parseStatus reads "503", "503:retry=1" or ":503" (after "status").
func parseStatus(s string) (Fault, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, ":"), "=")
	code, opt, _ := strings.Cut(s, ":")
	c, err := strconv.Atoi(code)
	if err != nil || c < 100 || c > 999 {
		return Fault{}, fmt.Errorf("bad status code %q", code)
	}
	f := Fault{Kind: Status, Code: c}
	if opt != "" {
		v, ok := strings.CutPrefix(opt, "retry=")
		if !ok || v == "" {
			return Fault{}, fmt.Errorf("bad status option %q (want retry=VALUE)", opt)
		}
		f.RetryAfter = v
	}
	return f, nil
}
