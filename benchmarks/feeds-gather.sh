#!/usr/bin/env bash
# Feed gathering at scale: F feeds (default 200) of I items each (default 50, WordPress-shaped RSS with
# full content, images, a tracking pixel and an embed), served by Python's http.server on 127.0.0.1
# (Last-Modified, so a second gathering gets 304s), listed in feeds.json; then `feeds gather` twice
# into a posts folder. Prints wall time, items a second, CPU seconds and peak RSS of each gathering.
# Usage: benchmarks/feeds-gather.sh [F] [I]
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:-200}; items=${2:-50}
work=$(mktemp -d); echo "work: $work" >&2
server=""
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
cli="dotnet src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll"
mkdir -p "$work/site" "$work/data"
/usr/bin/python3 - "$feeds" "$items" "$work" "$port" <<'PY'
import json, sys, datetime, html
feeds, items, work, port = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
now = datetime.datetime.now(datetime.timezone.utc)
listed = []
for f in range(feeds):
    out = [f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Blog {f}</title><link>https://blog{f}.example.fr/</link><language>fr-FR</language>']
    for i in range(items):
        date = (now - datetime.timedelta(hours=i * 7 + f % 5)).strftime('%a, %d %b %Y %H:%M:%S +0000')
        body = (f'<p>Billet {i} du blog {f} : les newsletters, la délivrabilité et les lecteurs. ' * 12) + '</p>' \
            + f'<figure><img src="https://blog{f}.example.fr/wp-content/uploads/2026/11/image-{i}-1024x576.jpg" width="1024" height="576" alt="Illustration {i}"></figure>' \
            + f'<p>Source : https://blog{f}.example.fr/wp-content/uploads/2026/11/rapport-{i}-version-longue-et-definitive.pdf?utm_source=rss</p>' \
            + '<iframe src="https://www.youtube.com/embed/aBcDeFgHiJk" title="Vidéo"></iframe>' \
            + f'<img src="https://pixel.wp.com/b.gif?blog={f}&amp;post={i}" width="1" height="1" alt="">'
        out.append(f'<item><title>Billet {i} du blog {f}</title><link>https://blog{f}.example.fr/{i}/</link><guid isPermaLink="false">https://blog{f}.example.fr/?p={i}</guid>'
                   f'<dc:creator><![CDATA[Auteur {f}]]></dc:creator><pubDate>{date}</pubDate><category><![CDATA[Emailing]]></category>'
                   f'<description><![CDATA[Résumé {i}]]></description><content:encoded><![CDATA[{body}]]></content:encoded></item>')
    out.append('</channel></rss>')
    open(f'{work}/site/feed{f}.xml', 'w', encoding='utf-8').write(''.join(out))
    listed.append({"url": f"http://127.0.0.1:{port}/feed{f}.xml", "source": f"blog{f}", "categories": {"Emailing": "email"}})
json.dump({"feeds": listed}, open(f'{work}/data/feeds.json', 'w'))
PY
(cd "$work/site" && exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) & server=$!
sleep 1
du -sh "$work/site" | awk '{print "feeds on the server: " $1}'

export Digest__Feeds__AllowPrivateAddresses=true Digest__Feeds__PerHostInterval=00:00:00 Digest__Feeds__Parallel=8 Digest__Feeds__MaxItemAge=60.00:00:00
for round in first second; do
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" $cli feeds gather --data "$work/data" --posts "$work/posts" > "$work/out" 2>/dev/null || true
  read -r wall user sys rss < "$work/time"
  tail -1 "$work/out"
  /usr/bin/python3 - "$round" "$wall" "$user" "$sys" "$rss" "$feeds" "$items" <<'PY'
import sys
r, wall, user, sys_, rss, feeds, items = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
n = feeds * items
if r == "first":
    print(f"first gathering: {feeds} feeds, {n} items written in {wall:.1f} s ({n / wall:,.0f} items/s), CPU {user + sys_:.1f} s ({(user + sys_) * 1000 / n:.2f} ms an item), peak RSS {rss / 1024:.0f} MB")
else:
    print(f"second gathering: {feeds} feeds asked again (If-Modified-Since) in {wall:.1f} s, CPU {user + sys_:.1f} s, peak RSS {rss / 1024:.0f} MB")
PY
done
echo "posts written: $(find "$work/posts" -name '*.json' | wc -l), $(du -sh "$work/posts" | cut -f1)"
