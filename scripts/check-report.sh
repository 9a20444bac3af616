#!/usr/bin/env bash
# check-report.sh - render a report in headless Chromium and check its images.
#
# Usage: scripts/check-report.sh REPORT_DIR [SCREENSHOT.png]
#
# Copies REPORT_DIR to a temporary directory, adds a small probe script to
# the copy of index.html, loads it from file:// in headless Chromium and
# reads the probe's verdict from the dumped DOM. It fails if any <img> did
# not load (naturalWidth == 0) or if the page refers to a network resource
# (http://, https:// or //host in img, script, link, iframe or source).
# With SCREENSHOT.png it also saves a screenshot of the page's first
# ${CHECK_REPORT_HEIGHT:-4000} pixels at 1280 px width.
#
# Exit status: 0 all images loaded; 1 broken images or network resources;
# 2 bad usage, missing index.html or Chromium, or Chromium failed.
# Chromium: apt-get update && apt-get install -y chromium (or set CHROMIUM).
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true # keep '&' literal in ${var/pat/rep}

die() { echo "check-report: $*" >&2; exit 2; }

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 REPORT_DIR [SCREENSHOT.png]"
dir=$1
shot=${2:-}
chrome=${CHROMIUM:-/usr/bin/chromium}
[[ -f $dir/index.html ]] || die "$dir/index.html not found"
[[ -x $chrome ]] || die "$chrome not found; install it with: apt-get install -y chromium"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/report" "$work/profile"
cp -RL "$dir/." "$work/report/"

# The probe runs on window load, when every image has loaded or failed.
probe='<script>
window.addEventListener("load", function () {
  var list = function (sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); };
  var imgs = list("img");
  var broken = imgs.filter(function (im) { return !im.complete || im.naturalWidth === 0; })
    .map(function (im) { return "broken image: " + (im.getAttribute("src") || "").slice(0, 120); });
  var external = list("img[src], script[src], link[href], iframe[src], source[src]")
    .map(function (e) { return e.getAttribute("src") || e.getAttribute("href"); })
    .filter(function (u) { return /^([a-z]+:)?\/\//i.test(u) && !/^file:/i.test(u); })
    .map(function (u) { return "network resource: " + u; });
  var out = document.createElement("pre");
  out.id = "check-report";
  out.textContent = "CHECK-REPORT images=" + imgs.length + " broken=" + broken.length +
    " external=" + external.length + "\n" + broken.concat(external).join("\n") + "\nCHECK-REPORT-END";
  document.body.appendChild(out);
});
</script>'
page=$(<"$work/report/index.html")
if [[ $page == *"</body>"* ]]; then
  page=${page/<\/body>/$probe<\/body>}
else
  page+=$probe
fi
printf '%s\n' "$page" >"$work/report/index.html"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --disable-dev-shm-usage --user-data-dir="$work/profile")
url="file://$work/report/index.html"

if ! timeout 120 "$chrome" "${flags[@]}" --virtual-time-budget=10000 --dump-dom "$url" \
  >"$work/dom.html" 2>"$work/chromium.log"; then
  tail -n 20 "$work/chromium.log" >&2
  die "chromium failed to render $dir/index.html"
fi
verdict=$(grep -o 'CHECK-REPORT images=[0-9]* broken=[0-9]* external=[0-9]*' "$work/dom.html" || true)
if [[ -z $verdict ]]; then
  tail -n 20 "$work/chromium.log" >&2
  die "the probe did not run (no verdict in the dumped DOM)"
fi
read -r images broken external < <(sed -E 's/.*images=([0-9]+) broken=([0-9]+) external=([0-9]+)/\1 \2 \3/' <<<"$verdict")

if [[ -n $shot ]]; then
  timeout 120 "$chrome" "${flags[@]}" --hide-scrollbars --virtual-time-budget=10000 \
    --window-size="1280,${CHECK_REPORT_HEIGHT:-4000}" --screenshot="$shot" "$url" \
    >>"$work/chromium.log" 2>&1 || die "chromium failed to take the screenshot"
  echo "check-report: screenshot saved to $shot"
fi

if ((broken > 0 || external > 0)); then
  sed -n '/CHECK-REPORT images=/,/CHECK-REPORT-END/p' "$work/dom.html" |
    grep -E '^(broken image|network resource):' | sed 's/^/check-report: /' >&2
  echo "check-report: FAIL: $dir/index.html: $broken of $images images failed to load, $external network resources" >&2
  exit 1
fi
echo "check-report: OK: $dir/index.html: all $images images loaded, no network resources"
