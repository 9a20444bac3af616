package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/serve"
)

func (e *env) serveCmd() *cobra.Command {
	var (
		models         []string
		addr, logFmt   string
		cfg            serve.Config
		grace, timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve --model a.laa [--model name=b.laa ...] [--addr 127.0.0.1:8080]",
		Short: "Serve trained models: a web page and a JSON API (/v1/) for inference",
		Long: `serve loads each --model once (named by its file's base name, or name=path)
and answers on --addr, loopback unless told otherwise: a web page at / to
drop a recording on (CSV/TSV with units, NWB with a sweep chooser, or one
of the model's example traces), and a JSON API under /v1/ (described at
/v1/openapi.json): GET /v1/models, POST /v1/models/{name}/infer with the
trace as JSON arrays, a form upload or the file as the body, and
/healthz and /readyz. The same trace, draws and seed give the draws
'laa infer' gives, and the summary 'laa infer --json' prints.

Each model runs on --replicas replicas (requests beyond wait up to
--timeout); bodies above --max-body and more than --max-draws draws are
refused with a JSON error. Uploads are spooled under --spool-dir while
they are read, then removed; nothing else is written. One JSON log line per
request goes to stderr. SIGTERM or Ctrl-C stops taking requests and lets
those under way finish for up to --grace. See docs/serve.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Timeout = timeout
			var h slog.Handler = slog.NewJSONHandler(e.stderr, nil)
			switch logFmt {
			case "json":
			case "text":
				h = slog.NewTextHandler(e.stderr, nil)
			default:
				return fmt.Errorf("serve: --log-format %q: want json or text", logFmt)
			}
			cfg.Logger = slog.New(h)
			var list []serve.Model
			for _, spec := range models {
				name, path, ok := strings.Cut(spec, "=")
				if _, err := os.Stat(spec); err == nil || !ok { // a file named with "=" is a path, not name=path
					path = spec
					name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
				}
				m, err := serve.LoadModel(name, path)
				if err != nil {
					return err
				}
				e.warn(path, m.Model.Warnings)
				list = append(list, m)
			}
			srv, err := serve.New(list, cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
				fmt.Fprintf(e.stderr, "warning: serve: listening on %s, not loopback: anyone who can reach this machine can use the server\n", ln.Addr())
			}
			fmt.Fprintf(e.stdout, "serving %d model(s) on http://%s/ (Ctrl-C or SIGTERM to stop)\n", len(list), ln.Addr())
			// The server ends itself on a signal, letting requests finish,
			// where every other command exits at once (ExitOnSignal).
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := srv.Run(ctx, ln, grace); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&models, "model", nil, "trained model file, or name=file (repeat for several)")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port); loopback unless told otherwise")
	f.Int64Var(&cfg.MaxBodyBytes, "max-body", serve.DefaultMaxBodyBytes, "largest request body, bytes")
	f.IntVar(&cfg.MaxDraws, "max-draws", serve.DefaultMaxDraws, "most posterior draws one request may ask for")
	f.IntVar(&cfg.DefaultDraws, "draws", serve.DefaultDraws, "draws when a request names none")
	f.DurationVar(&timeout, "timeout", serve.DefaultTimeout, "longest a request may wait for a replica and run")
	f.IntVar(&cfg.Replicas, "replicas", 0, "replicas of each model: requests it serves at once (0: one per CPU)")
	f.BoolVar(&cfg.Amortized, "amortized", false, "answer with the amortized posterior unless a request asks exact=true (default: correct it where the likelihood is tractable, as infer does)")
	f.StringVar(&cfg.SpoolDir, "spool-dir", "", "folder where uploads are spooled while read (default: the system's temporary folder)")
	f.IntVar(&cfg.Examples, "examples", serve.DefaultExamples, "example traces simulated per model (negative: none)")
	f.DurationVar(&grace, "grace", 30*time.Second, "on SIGTERM, how long requests under way may take to finish")
	f.StringVar(&logFmt, "log-format", "json", "request log on stderr: json or text")
	required(cmd, "model")
	return cmd
}
