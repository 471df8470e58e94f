#!/bin/bash
# compare.sh -- move the same Dovecot maildrop into a Maildir with
# movemail.scm, mpop and fetchmail, and print a table of wall times.
#
# Usage: scripts/bench/compare.sh [POPSH-BINARY]
#
# Workloads (the lab's): small = 2,000 messages of ~2 KB (alice, seed 1),
# large = 20 messages of 5 MiB (bob), in a private Dovecot on 127.0.0.1
# started by the project's own helper (go run ./scripts/bench/labserver).
# Every client retrieves every message and stores it durably in a fresh
# Maildir; all run in keep mode so that each run sees the same maildrop
# (movemail.scm --keep with a fresh state file, mpop "keep on" +
# "only_new off", fetchmail "keep fetchall"). mpop writes the Maildir
# itself (fsync per file); fetchmail cannot, so it delivers through an MDA
# (a shell one-liner writing tmp/ then renaming into new/, one process per
# message: how fetchmail is used with a Maildir).
# Knobs: RUNS (5), BDIR (/tmp/popsh-compare), SMALL_N, LARGE_N.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
POPSH=${1:-popsh}
RUNS=${RUNS:-5}
BDIR=${BDIR:-/tmp/popsh-compare}
SMALL_N=${SMALL_N:-2000}
LARGE_N=${LARGE_N:-20}
DEST=$BDIR/dest

rm -rf "$BDIR"; mkdir -p "$BDIR"
# The lab server runs until its standard input (a FIFO held open here) closes.
(cd "$HERE/.." && go build -o "$BDIR/labserver" ./scripts/bench/labserver)
mkfifo "$BDIR/hold"
"$BDIR/labserver" -small "$SMALL_N" -large "$LARGE_N" >"$BDIR/lab.env" <"$BDIR/hold" &
LABPID=$!
exec 9>"$BDIR/hold"
trap 'exec 9>&-; wait $LABPID 2>/dev/null || true' EXIT
while ! grep -q '^CACERT=' "$BDIR/lab.env" 2>/dev/null; do
    kill -0 $LABPID 2>/dev/null || { echo "labserver failed"; exit 1; }
    sleep 0.2
done
. "$BDIR/lab.env"

cat > "$BDIR/netrc" <<EOF2
machine 127.0.0.1 login alice password wonderland
EOF2
chmod 600 "$BDIR/netrc"
cat > "$BDIR/netrc-bob" <<EOF2
machine 127.0.0.1 login bob password builder
EOF2
chmod 600 "$BDIR/netrc-bob"

cat > "$BDIR/mpoprc" <<EOF2
defaults
host 127.0.0.1
port $PORT
tls off
auth user
keep on
only_new off
pipelining on
received_header off
uidls_file $BDIR/mpop-%U.uidls
delivery maildir $DEST

account small
user alice
password wonderland

account large
user bob
password builder
EOF2
chmod 600 "$BDIR/mpoprc"

cat > "$BDIR/mda.sh" <<'EOF2'
#!/bin/sh
# Maildir MDA for fetchmail: tmp/, fsync (sync FILE), rename into new/.
d=$1; f=$(date +%s.%N).$$.bench
cat > "$d/tmp/$f" && sync "$d/tmp/$f" && mv "$d/tmp/$f" "$d/new/$f"
EOF2
chmod +x "$BDIR/mda.sh"
for W in small large; do
    u=alice; p=wonderland; [ $W = large ] && { u=bob; p=builder; }
    cat > "$BDIR/fetchmailrc-$W" <<EOF2
set no syslog
set no bouncemail
poll 127.0.0.1 with service $PORT protocol POP3 auth password
  user "$u" there with password "$p" is "root" here
  options keep fetchall no rewrite sslproto "" mda "$BDIR/mda.sh $DEST"
EOF2
    chmod 600 "$BDIR/fetchmailrc-$W"
done

fresh() { rm -rf "$DEST" "$BDIR"/state* "$BDIR"/mpop-*.uidls "$BDIR"/fetchids; mkdir -p "$DEST"/{tmp,new,cur}; }
count() { find "$DEST/new" "$DEST/cur" -type f | wc -l; }

# First access: Dovecot moves new/ to cur/ and builds its index.
netrc_of() { if [ "$1" = large ]; then echo "$BDIR/netrc-bob"; else echo "$BDIR/netrc"; fi; }
for W in small large; do
    fresh; MAILHOST=127.0.0.1:$PORT NETRC=$(netrc_of $W) \
        "$POPSH" "$HERE/movemail.scm" --no-tls --keep --state "$BDIR/state" "$DEST/" >/dev/null
done

declare -A WANT=([small]=$SMALL_N [large]=$LARGE_N)
printf '%-10s %-10s %8s %8s %8s  %s\n' workload client min median max "(wall seconds, $RUNS runs, fresh Maildir each)"
for W in small large; do
    for client in movemail.scm mpop fetchmail; do
        times=()
        for i in $(seq "$RUNS"); do
            fresh; sync
            case $client in
            movemail.scm) cmd=(env MAILHOST=127.0.0.1:$PORT NETRC=$(netrc_of $W) \
                               "$POPSH" "$HERE/movemail.scm" --no-tls -q --keep --state "$BDIR/state" "$DEST/") ;;
            mpop) cmd=(mpop -q -C "$BDIR/mpoprc" "$W") ;;
            fetchmail) cmd=(fetchmail -f "$BDIR/fetchmailrc-$W" -N -s --idfile "$BDIR/fetchids" --pidfile "$BDIR/fetchmail.pid") ;;
            esac
            t0=$(date +%s.%N)
            "${cmd[@]}" >/dev/null 2>"$BDIR/err" || { echo "$client failed:"; cat "$BDIR/err"; exit 1; }
            t1=$(date +%s.%N)
            n=$(count)
            [ "$n" = "${WANT[$W]}" ] || { echo "$client stored $n of ${WANT[$W]} messages"; exit 1; }
            times+=("$(echo "$t1 - $t0" | bc)")
        done
        sorted=($(printf '%s\n' "${times[@]}" | sort -n))
        printf '%-10s %-10s %8.3f %8.3f %8.3f\n' "$W" "$client" "${sorted[0]}" "${sorted[$((RUNS/2))]}" "${sorted[$((RUNS-1))]}"
    done
done
