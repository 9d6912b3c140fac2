package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// Two processes of -target=surveys and two of -target=councils on one
// PostgreSQL and one NATS, behind a gateway that lists both of each:
// residents' answers spread over both surveys processes and the tally
// counts each once; each of several polls due at the same moment opens
// once (one poll.opened event), and each respondent who asked to hear
// the outcome gets one mail.
func TestTwoReplicasOfEachServiceOpenTallyAndMailOnce(t *testing.T) {
	d := newDeployment(t)
	mb := startMailbox(t)
	host, port, err := net.SplitHostPort(mb.Addr())
	if err != nil {
		t.Fatal(err)
	}
	smtp := []string{"-smtp-host=" + host, "-smtp-port=" + port, "-smtp-tls=none"}
	councils := []string{freeAddr(t), freeAddr(t)}
	surveys := []string{freeAddr(t), freeAddr(t)}
	for _, a := range councils {
		d.start(t, "-target=councils", "-grpc-addr="+a)
	}
	var metrics []string
	for _, a := range surveys {
		metrics = append(metrics, d.start(t, append([]string{"-target=surveys", "-grpc-addr=" + a}, smtp...)...))
	}
	gw := d.startGateway(t, "-target=gateway", "-councils-addr="+strings.Join(councils, ","),
		"-surveys-addr="+strings.Join(surveys, ","), "-rate-limit=-1", "-anonymous-rate-limit=-1")
	as := func(subject string) apiClient { return apiClient{t: t, base: gw, token: d.idp.token(t, subject)} }
	velsen := as("council_member@GM0453")

	processID := startVelsenProcess(t, as)
	executeProcess(velsen, processID)
	// Several polls due at the same moment: both schedulers find them.
	opens := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339Nano)
	var polls []string
	for i := range 6 {
		p := velsen.must(http.StatusCreated, "POST", "/polls", `{
			"processId": "`+processID+`", "tenant": "GM0453", "kind": "flash_poll",
			"title": {"nl": "Welk cijfer geef je de buurt?"}, "resultsSharing": {"nl": "In juni."},
			"sections": [{"id": "s1", "questions": [{"id": "q1", "type": "scale", "text": {"nl": "Welk cijfer?"}, "required": true}]}],
			"slug": "buurt-`+strconv.Itoa(i)+`", "audience": {"kind": "open_link"},
			"opensAt": "`+opens+`", "closesAt": "`+time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339)+`"}`)
		id, _ := p["id"].(string)
		schedulePoll(velsen, id)
		polls = append(polls, id)
	}
	testkit.CheckFor(t, 20*time.Second, 50*time.Millisecond, func() error {
		for _, id := range polls {
			if p := velsen.must(http.StatusOK, "GET", "/polls/"+id, ""); p["status"] != "open" {
				return fmt.Errorf("poll %s is %v", id, p["status"])
			}
		}
		return nil
	})

	// Residents answer the first poll through its open link, some
	// leaving an address for the outcome.
	const answers, residents = 400, 8
	var next atomic.Int64
	var mu sync.Mutex
	accepted := map[string]int{}
	var addresses []string
	var wg sync.WaitGroup
	for range residents {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > answers {
					return
				}
				point := strconv.Itoa(i % 11)
				form := url.Values{"v.q1": {point}, "sleutel": {randomKey()}}
				address := ""
				if i%40 == 0 {
					address = fmt.Sprintf("inwoner%d@example.nl", i)
					form.Set("email", address)
				}
				resp, body := postForm(t, gw+"/p/buurt-0", form)
				if resp.StatusCode != http.StatusSeeOther {
					t.Errorf("answer %d: %s\n%.300s", i, resp.Status, body)
					return
				}
				mu.Lock()
				accepted[point]++
				if address != "" {
					addresses = append(addresses, address)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Both surveys processes took answers.
	for i, base := range metrics {
		if n := submits(t, base); n == 0 {
			t.Errorf("surveys process %d (%s) served no SubmitResponse", i+1, surveys[i])
		} else {
			t.Logf("surveys process %d served %d submits", i+1, n)
		}
	}

	// The tally counts each accepted answer once.
	testkit.CheckFor(t, 20*time.Second, 50*time.Millisecond, func() error {
		got := tallyPoints(t, velsen, polls[0])
		total := 0
		for p := range 11 {
			k := strconv.Itoa(p)
			total += got[k]
			if got[k] != accepted[k] {
				return fmt.Errorf("point %s: tally %d, accepted %d (tally %v, accepted %v)", k, got[k], accepted[k], got, accepted)
			}
		}
		if total != answers {
			return fmt.Errorf("tally counts %d, want %d", total, answers)
		}
		return nil
	})

	// The results service publishes the process's report: each address
	// gets one mail.
	var natsURL string
	for _, a := range d.common {
		if u, ok := strings.CutPrefix(a, "-nats-url="); ok {
			natsURL = u
		}
	}
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	reportID := "01957a3c-2b1e-7c00-8000-0000000000e1"
	ev, err := events.New(context.Background(), "GM0453", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: processID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(context.Background(), ev.Msg()); err != nil {
		t.Fatal(err)
	}
	sent := func() (map[string]int, error) {
		ms, err := mb.Messages()
		if err != nil {
			return nil, err
		}
		to := map[string]int{}
		for _, m := range ms {
			to[strings.Trim(m.To, "<>")]++
		}
		return to, nil
	}
	testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		to, err := sent()
		if err != nil {
			return err
		}
		if len(to) < len(addresses) {
			return fmt.Errorf("%d of %d addresses mailed", len(to), len(addresses))
		}
		return nil
	})

	// Once every relay and consumer has had time to act twice: each poll
	// opened once, each address was mailed once, one feedback.delivered.
	time.Sleep(3 * time.Second)
	to, err := sent()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addresses {
		if to[a] != 1 {
			t.Errorf("%s got %d mails, want 1", a, to[a])
		}
	}
	if len(to) != len(addresses) {
		t.Errorf("mails went to %d addresses, want %d: %v", len(to), len(addresses), to)
	}
	opened := countEvents(t, js, "meedoen.surveys.*.poll.opened", func(ev events.Event) string {
		var m eventsv1.PollOpened
		if err := ev.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetPollId()
	})
	for _, id := range polls {
		if opened[id] != 1 {
			t.Errorf("poll %s: %d poll.opened events, want 1", id, opened[id])
		}
	}
	delivered := countEvents(t, js, "meedoen.surveys.*.feedback.delivered", func(events.Event) string { return reportID })
	if delivered[reportID] != 1 {
		t.Errorf("%d feedback.delivered events, want 1", delivered[reportID])
	}
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startMailbox runs a development mailbox, the mail server of the test's
// processes, until the test ends.
func startMailbox(t *testing.T) *mail.DevMailbox {
	t.Helper()
	mb, err := mail.NewDevMailbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = mb.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return mb
}

// submitsMetric matches the server-side call count of SubmitResponse in
// the Prometheus exposition.
var submitsMetric = regexp.MustCompile(`^rpc_server_[a-z_]*duration[a-z_]*_count\{[^}]*SubmitResponse"[^}]*\} (\d+)`)

// submits is how many SubmitResponse calls the process at base served,
// from its /metrics.
func submits(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n := 0
	s := bufio.NewScanner(resp.Body)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		if m := submitsMetric.FindStringSubmatch(s.Text()); m != nil {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
	}
	return n
}

// tallyPoints is the council's tally of the scale question q1 of poll id,
// per point.
func tallyPoints(t *testing.T, c apiClient, id string) map[string]int {
	t.Helper()
	tally := c.must(http.StatusOK, "GET", "/polls/"+id+"/tally", "")
	out := map[string]int{}
	questions, _ := tally["questions"].([]any)
	for _, q := range questions {
		lines, _ := q.(map[string]any)["lines"].([]any)
		for _, l := range lines {
			cells, _ := l.(map[string]any)["cells"].([]any)
			for _, c := range cells {
				cell, _ := c.(map[string]any)
				key, _ := cell["key"].(string)
				count, _ := cell["count"].(map[string]any)
				v, _ := count["value"].(float64)
				out[key] += int(v)
			}
		}
	}
	return out
}

// countEvents reads the surveys stream's events on subject and counts them
// by the key of each.
func countEvents(t *testing.T, js jetstream.JetStream, subject string, key func(events.Event) string) map[string]int {
	t.Helper()
	ctx := context.Background()
	c, err := js.OrderedConsumer(ctx, events.StreamName("surveys"), jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for {
		batch, err := c.Fetch(100, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			ev, err := events.FromMsg(m.Subject(), m.Headers(), m.Data())
			if err != nil {
				t.Fatal(err)
			}
			out[key(ev)]++
		}
		if err := batch.Error(); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return out
		}
	}
}
