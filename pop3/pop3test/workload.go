package pop3test

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	firstNames = []string{"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Dennis", "Radia", "John", "Margaret"}
	lastNames  = []string{"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Ritchie", "Perlman", "McCarthy", "Hamilton"}
	domains    = []string{"example.com", "example.org", "example.net", "mail.example", "lists.example"}
	subjects   = []string{"Re: meeting notes %d", "Invoice %d", "Build %d failed", "Weekly report %d", "[list] digest %d", "Your order %d has shipped", "Fwd: slides for talk %d"}
	words      = strings.Fields("the of and to in is that for it as with was on be by this are from or have an they which one you were all we when your can said there use each she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part")
)

func person(r *rand.Rand) (string, string) {
	f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	return f + " " + l, strings.ToLower(f) + "." + strings.ToLower(l) + "@" + domains[r.IntN(len(domains))]
}

func text(r *rand.Rand, n int) []string {
	var lines []string
	var cur strings.Builder
	total := 0
	for total < n {
		w := words[r.IntN(len(words))]
		if cur.Len()+len(w)+1 > 72 {
			lines = append(lines, cur.String())
			total += cur.Len() + 1
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func headers(r *rand.Rand, seq int, subject string) []string {
	name, addr := person(r)
	_, to := person(r)
	day := 1 + seq%28
	return []string{
		fmt.Sprintf("Return-Path: <%s>", addr),
		fmt.Sprintf("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail.example.com with ESMTPS id %08x\n\tfor <%s>; Wed, %d Nov 2026 10:%02d:%02d +0000",
			1+r.IntN(9), domains[r.IntN(len(domains))], 1+r.IntN(9), domains[r.IntN(len(domains))], 1+r.IntN(254), r.Uint32(), to, day, r.IntN(60), r.IntN(60)),
		fmt.Sprintf("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=sel1;\n\tbh=%s;\n\tb=%s",
			domains[r.IntN(len(domains))], base64.StdEncoding.EncodeToString(randBytes(r, 32)), base64.StdEncoding.EncodeToString(randBytes(r, 96))),
		fmt.Sprintf("From: %s <%s>", name, addr),
		"To: " + to,
		"Subject: " + subject,
		fmt.Sprintf("Date: Wed, %d Nov 2026 10:%02d:%02d +0000", day, r.IntN(60), r.IntN(60)),
		fmt.Sprintf("Message-ID: <%d.%08x@popsh.example>", seq, r.Uint32()),
		"MIME-Version: 1.0",
	}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// SmallMessages returns n realistic text messages of 1.5 to 2.5 KB (about
// 2.1 KB on average), with LF line ends, deterministic for a seed.
func SmallMessages(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 0x706f7073))
	out := make([][]byte, n)
	for i := range out {
		target := 1536 + r.IntN(1025)
		subject := fmt.Sprintf(subjects[r.IntN(len(subjects))], 100+r.IntN(99900))
		h := strings.Join(headers(r, i, subject), "\n")
		var b strings.Builder
		b.WriteString(h)
		b.WriteString("\nContent-Type: text/plain; charset=us-ascii\n\n")
		room := target - b.Len()
		if room < 40 {
			room = 40
		}
		b.WriteString(strings.Join(text(r, room), "\n"))
		b.WriteString("\n")
		out[i] = []byte(b.String())
	}
	return out
}

// LargeMessage returns a multipart/mixed message of exactly size bytes (at
// least 1024) with LF line ends: a short text part and a base64 attachment of
// pseudo-random bytes, deterministic for a seed.
func LargeMessage(size int, seed uint64) []byte {
	if size < 1024 {
		size = 1024
	}
	r := rand.New(rand.NewPCG(seed, 0x6c617267))
	boundary := fmt.Sprintf("=_mixed_%012x", r.Uint64()&0xffffffffffff)
	var b strings.Builder
	b.WriteString(strings.Join(headers(r, int(seed), fmt.Sprintf("Large message %d", seed)), "\n"))
	fmt.Fprintf(&b, "\nContent-Type: multipart/mixed; boundary=\"%s\"\n\n", boundary)
	fmt.Fprintf(&b, "--%s\nContent-Type: text/plain; charset=us-ascii\n\nThe attachment follows.\n\n", boundary)
	fmt.Fprintf(&b, "--%s\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"data.bin\"\n\n", boundary)
	tail := fmt.Sprintf("--%s--\n", boundary)
	room := size - b.Len() - len(tail)
	// base64 in lines of 76 characters + LF.
	var body strings.Builder
	for body.Len()+77 <= room {
		chunk := base64.StdEncoding.EncodeToString(randBytes(r, 57))
		body.WriteString(chunk)
		body.WriteByte('\n')
	}
	if rest := room - body.Len(); rest > 0 {
		// A shorter last line makes the total exact.
		line := base64.StdEncoding.EncodeToString(randBytes(r, 57))[:rest-1]
		body.WriteString(line)
		body.WriteByte('\n')
	}
	b.WriteString(body.String())
	b.WriteString(tail)
	return []byte(b.String())
}
