package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdpage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// screenshotDir receives the browser tests' screenshots (git-ignored).
const screenshotDir = "testdata/screenshots"

// browserTimeout bounds one browser test; a hung page fails fast.
const browserTimeout = 30 * time.Second

// chromiumPath finds Chromium: $CHROMIUM when set (a path that does not
// exist counts as no Chromium), else Debian's /usr/bin/chromium, else a
// chromium or chrome on PATH.
func chromiumPath() string {
	if p, ok := os.LookupEnv("CHROMIUM"); ok {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		return ""
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts headless Chromium for one test and its subtests,
// skipping the test when Chromium is not installed (failing instead under
// CI=true, where it must be). The browser stops when the test ends.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "Chromium not found (looked for $CHROMIUM, /usr/bin/chromium and chromium on PATH); " +
			"install Debian's chromium package to run the web interface tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		// Containers run tests as root, where Chromium's sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1366, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// page is one browser tab of a test.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	// errors collects the page's uncaught exceptions and console.error calls.
	mu     sync.Mutex
	errors []string
}

// newPage opens a tab of browser on a blank page; paths given to open
// are relative to base.
func newPage(t *testing.T, browser context.Context, base string) *page {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	// The tab opens with no deadline; only the test's actions carry one.
	if err := chromedp.Do(tab); err != nil {
		cancel()
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, browserTimeout)
	p := &page{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(tab)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// Browser log entries (Source set) include the failed requests
			// that error tests provoke on purpose; the page's own errors
			// and any breach of its Content-Security-Policy count.
			csp := strings.Contains(m.Text, "Content Security Policy")
			if m.IsException() || m.Type == chromedp.ConsoleError && m.Source == "" || csp {
				p.mu.Lock()
				p.errors = append(p.errors, m.String())
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			p.shotQuiet("FAILED-" + safeName(t.Name()))
		}
		cancelTimeout()
		cancel()
		<-done
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.errors {
			t.Errorf("page error: %s", e)
		}
	})
	return p
}

// run performs actions, failing the test on error.
func (p *page) run(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		if msg := err.Error(); strings.Contains(msg, "(-32601)") || strings.Contains(msg, "(-32602)") {
			p.t.Fatalf("browser: this Chromium lacks a DevTools feature the tests use: %v", err)
		}
		p.t.Fatalf("browser: %v", err)
	}
}

// open loads a path of the test server and waits until the view has rendered.
func (p *page) open(path string) {
	p.t.Helper()
	p.run(chromedp.Navigate(p.base + path))
	p.settle()
}

// settle waits until the application has finished rendering: no request
// in flight (main is not aria-busy) and the chart's grid filled in.
func (p *page) settle() {
	p.t.Helper()
	p.waitJS(`document.readyState === "complete" && document.body.dataset.view !== undefined &&
		!document.querySelector("main[aria-busy]") && !document.querySelector("table[aria-busy]")`)
}

// waitJS polls a JavaScript condition until it holds.
func (p *page) waitJS(cond string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void]("!!("+cond+")",
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		p.t.Fatalf("waiting for %s: %v", strings.Join(strings.Fields(cond), " "), err)
	}
}

// eval evaluates a JavaScript expression, awaiting a promise, into v (nil
// to drop the result).
func (p *page) eval(expr string, v any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			p.t.Fatalf("evaluate %s: decode %s: %v", expr, raw, err)
		}
	}
}

// text returns the trimmed text content of the first element matching sel.
func (p *page) text(sel string) string {
	p.t.Helper()
	var s string
	p.eval(fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").trim()`, sel), &s)
	return s
}

// texts returns the trimmed text of every element matching sel.
func (p *page) texts(sel string) []string {
	p.t.Helper()
	var out []string
	p.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent.trim())`, sel), &out)
	return out
}

// attrs returns an attribute of every element matching sel.
func (p *page) attrs(sel, attr string) []string {
	p.t.Helper()
	var out []string
	p.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.getAttribute(%q) ?? "")`, sel, attr), &out)
	return out
}

// query returns the page's URL query, decoded.
func (p *page) query() map[string][]string {
	p.t.Helper()
	var out map[string][]string
	p.eval(`(() => { const o = {}; for (const [k, v] of new URLSearchParams(location.search)) (o[k] ||= []).push(v); return o; })()`, &out)
	return out
}

// click clicks the first visible element matching a CSS selector, as a
// user does: a real mouse event at its position.
func (p *page) click(sel string) {
	p.t.Helper()
	p.run(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// typeInto replaces the value of a field by typing text into it.
func (p *page) typeInto(sel, text string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector(%q).value = ""`, sel), nil)
	p.run(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// pressKey presses one printable key as a keyboard does: a keydown that
// carries the text (so that a page cancelling the keydown types nothing),
// then a keyup.
func (p *page) pressKey(key, code string, keyCode int64) {
	p.t.Helper()
	press := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, ev := range []input.DispatchKeyEventParams{
			{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code, Text: key, UnmodifiedText: key, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode},
			{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode},
		} {
			if _, err := devtools(ctx, t, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
	p.run(press)
}

// shot saves a full-page screenshot under testdata/screenshots.
func (p *page) shot(name string) {
	p.t.Helper()
	if err := p.saveShot(name); err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
	}
}

func (p *page) shotQuiet(name string) {
	_ = p.saveShot(name)
}

func (p *page) saveShot(name string) error {
	// A context of its own: the test's may have timed out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 10*time.Second)
	defer cancel()
	capture := func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := devtools(ctx, t, cdpage.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		if m.CSSContentSize == nil {
			return nil, fmt.Errorf("no content size in the layout metrics")
		}
		r, err := devtools(ctx, t, cdpage.CaptureScreenshot, cdpage.CaptureScreenshotParams{
			Format: cdpage.CaptureScreenshotFormatPng,
			// The whole page, not only what the window shows.
			Clip:                  &cdpage.Viewport{Width: m.CSSContentSize.Width, Height: m.CSSContentSize.Height, Scale: 1},
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
			// Fast encoding: the files are larger, the tests quicker.
			OptimizeForSpeed: new(true),
		})
		return r.Data, err
	}
	buf, err := chromedp.Run(ctx, capture)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(screenshotDir, name+".png"), buf, 0o644)
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// devtools runs one DevTools command. A browser that does not know the
// command, or the parameters given, gets an error that names the feature,
// so that a failure on another Chromium build says what that build lacks.
func devtools[P, R any](ctx context.Context, t *chromedp.Target, c cdp.Command[P, R], params P) (R, error) {
	r, err := cdp.Call(ctx, t, c, params)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "(-32601)") || strings.Contains(msg, "(-32602)") {
			return r, fmt.Errorf("this Chromium lacks the DevTools feature %s as the tests call it: %w", c.Method, err)
		}
		return r, fmt.Errorf("DevTools %s: %w", c.Method, err)
	}
	return r, nil
}
