package faultserver

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseScript(t *testing.T) {
	tests := []struct {
		in      string
		want    []Fault
		wantErr string
	}{
		{in: "", want: nil},
		{in: "refuse, html ,ignore-range,change-etag,none", want: []Fault{
			{Kind: RefuseStream}, {Kind: HTMLPage}, {Kind: IgnoreRange}, {Kind: ChangeETag}, {Kind: None}}},
		{in: "reset@8MiB,close@20MiB,goaway@1MiB,flip@100", want: []Fault{
			{Kind: ResetMidBody, At: 8 << 20}, {Kind: CloseMidBody, At: 20 << 20},
			{Kind: GoAwayMidBody, At: 1 << 20}, {Kind: FlipByte, At: 100}}},
		{in: "stall@30MiB:2s,stall@1.5KiB", want: []Fault{
			{Kind: StallMidBody, At: 30 << 20, Stall: 2 * time.Second}, {Kind: StallMidBody, At: 1536}}},
		{in: "status503:retry=1,status429,status:404", want: []Fault{
			{Kind: Status, Code: 503, RetryAfter: "1"}, {Kind: Status, Code: 429}, {Kind: Status, Code: 404}}},
		{in: "status500*3,reset@1k*2", want: []Fault{
			{Kind: Status, Code: 500}, {Kind: Status, Code: 500}, {Kind: Status, Code: 500},
			{Kind: ResetMidBody, At: 1024}, {Kind: ResetMidBody, At: 1024}}},
		{in: "reset@2MB", want: []Fault{{Kind: ResetMidBody, At: 2_000_000}}},
		{in: "html-octet,html206,freeze@1MiB:2s,freeze@10", want: []Fault{
			{Kind: HTMLOctet}, {Kind: HTMLPartial},
			{Kind: FreezeMidBody, At: 1 << 20, Stall: 2 * time.Second}, {Kind: FreezeMidBody, At: 10}}},
		{in: "wrong-range@0,wrong-range@4MiB", want: []Fault{{Kind: WrongRange}, {Kind: WrongRange, At: 4 << 20}}},
		{in: "wrong-range", wantErr: "needs @OFFSET"},
		{in: "explode", wantErr: "unknown fault"},
		{in: "reset", wantErr: "needs @OFFSET"},
		{in: "html@5", wantErr: "takes no @OFFSET"},
		{in: "html206@5", wantErr: "takes no @OFFSET"},
		{in: "freeze", wantErr: "needs @OFFSET"},
		{in: "reset@8XB", wantErr: "bad size"},
		{in: "reset@1MiB:2s", wantErr: "takes no duration"},
		{in: "stall@1:forever", wantErr: "bad stall duration"},
		{in: "status5x", wantErr: "bad status code"},
		{in: "status503:after=1", wantErr: "bad status option"},
		{in: "html*0", wantErr: "bad repeat count"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseScript(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoggedString(t *testing.T) {
	tests := []struct {
		l    Logged
		want string
	}{
		{Logged{Method: "GET", Path: "/x", Range: "bytes=123-", Status: 206, BytesSent: 8 << 20,
			Fault: ResetMidBody, Detail: Fault{Kind: ResetMidBody, At: 8 << 20}},
			"GET /x range=bytes=123- -> 206 (fault: reset at 8.0 MiB) sent 8.0 MiB"},
		{Logged{Method: "HEAD", Path: "/y", Status: 200}, "HEAD /y -> 200 sent 0 B"},
		{Logged{Method: "GET", Path: "/z", Fault: RefuseStream, Detail: Fault{Kind: RefuseStream}},
			"GET /z -> no status (fault: refuse) sent 0 B"},
		{Logged{Method: "GET", Path: "/z", Status: 503, BytesSent: 40, Fault: Status,
			Detail: Fault{Kind: Status, Code: 503, RetryAfter: "1"}},
			"GET /z -> 503 (fault: status 503 retry-after=1) sent 40 B"},
		{Logged{Method: "GET", Path: "/s", IfRange: `"e"`, Status: 200, BytesSent: 1536, Fault: StallMidBody,
			Detail: Fault{Kind: StallMidBody, At: 1536, Stall: time.Second}},
			`GET /s if-range="e" -> 200 (fault: stall at 1.5 KiB for 1s) sent 1.5 KiB`},
		{Logged{Method: "GET", Path: "/f", Range: "bytes=5-", Status: 206, BytesSent: 1024, Fault: FreezeMidBody,
			Detail: Fault{Kind: FreezeMidBody, At: 1024}},
			"GET /f range=bytes=5- -> 206 (fault: freeze at 1.0 KiB until closed) sent 1.0 KiB"},
		{Logged{Method: "GET", Path: "/h", Range: "bytes=5-", Status: 206, BytesSent: 99, Fault: HTMLPartial,
			Detail: Fault{Kind: HTMLPartial}},
			"GET /h range=bytes=5- -> 206 (fault: html206) sent 99 B"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}
