package testutil

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

func newCA(t *testing.T, name string) *CA {
	t.Helper()
	ca, err := NewCA(name)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// A server with an issued certificate is trusted by a client with the CA's
// pool (or its PEM), under each host name, and by no other CA's.
func TestCAIssuesTrustedServerCerts(t *testing.T) {
	ca := newCA(t, "pyget testutil test CA")
	cert, err := ca.IssueServerCert("localhost", "127.0.0.1", "::1")
	if err != nil {
		t.Fatal(err)
	}
	if cert.Leaf.Subject.CommonName != "localhost" || len(cert.Leaf.DNSNames) != 1 || len(cert.Leaf.IPAddresses) != 2 {
		t.Fatalf("leaf: CN %q, DNS %v, IPs %v", cert.Leaf.Subject.CommonName, cert.Leaf.DNSNames, cert.Leaf.IPAddresses)
	}
	fromPEM := x509.NewCertPool()
	if !fromPEM.AppendCertsFromPEM(ca.PEM()) {
		t.Fatal("the CA's PEM holds no certificate")
	}
	for _, pool := range []*x509.CertPool{ca.Pool(), fromPEM} {
		for _, host := range []string{"localhost", "127.0.0.1"} {
			if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool}); err != nil {
				t.Errorf("verify for %s: %v", host, err)
			}
		}
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "example.org", Roots: pool}); err == nil {
			t.Error("the leaf verified for example.org")
		}
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: newCA(t, "another CA").Pool()}); err == nil {
		t.Error("the leaf verified under another CA")
	}

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	// Each issued certificate has its own serial.
	again, err := ca.IssueServerCert("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Leaf.SerialNumber.Cmp(cert.Leaf.SerialNumber) == 0 || again.Leaf.SerialNumber.Cmp(ca.Cert.SerialNumber) == 0 {
		t.Errorf("serials: CA %v, leaves %v and %v", ca.Cert.SerialNumber, cert.Leaf.SerialNumber, again.Leaf.SerialNumber)
	}
}

func TestWriteServerFiles(t *testing.T) {
	ca := newCA(t, "pyget testutil test CA")
	cert, err := ca.IssueServerCert("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := WriteServerFiles(t.TempDir(), cert)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Certificate) != 2 || string(loaded.Certificate[0]) != string(cert.Certificate[0]) {
		t.Errorf("chain of %d certificates read back", len(loaded.Certificate))
	}
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if blk, _ := pem.Decode(b); blk == nil || blk.Type != "PRIVATE KEY" {
		t.Errorf("key file: %q", b)
	}
}
