# SPDX-License-Identifier: MIT
# dom0.d hook of the guests emulator test (sourced by dom0/init after the daemons).
# - The guest whose NIC has MAC 00:16:3e:4b:00:32 always gets 192.168.100.50 from dom0's
#   DHCP, and dom0's port 18080 forwards to that address's port 80, which the emulator
#   forwards to the host: the test reaches a guest's web server from outside.
# - http://dom0:7777/cgi-bin/restart-controld stops keel-controld and starts it again, so
#   the test can check that a restarted controld adopts running guests and loses nothing.
echo "static_lease 00:16:3e:4b:00:32 192.168.100.50" >>/etc/keel/dom0/udhcpd.conf
kill "$(cat /run/keel-dom0/udhcpd.pid)" 2>/dev/null
usleep 200000
udhcpd /etc/keel/dom0/udhcpd.conf
if nft add rule ip keel prerouting iifname eth0 tcp dport 18080 dnat to 192.168.100.50:80; then
	echo "dom0-guests: port 18080 to 192.168.100.50:80"
else
	echo "dom0-guests: forward failed"
fi
mkdir -p /run/keel-test/cgi-bin
cat >/run/keel-test/cgi-bin/restart-controld <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
old=$(pidof keel-controld)
kill "$old"
while kill -0 "$old" 2>/dev/null; do usleep 100000; done
setsid keel-controld --config /etc/keel/controld.conf </dev/null >/dev/console 2>&1 &
n=300
until netstat -ltn | grep -q ':18443 ' || [ "$n" -eq 0 ]; do usleep 100000; n=$((n - 1)); done
echo "controld $old restarted as $(pidof keel-controld)"
CGI
chmod +x /run/keel-test/cgi-bin/restart-controld
# For the guests benchmark (tests/dom0/bench-guests.sh): dom0's own figures, in dom0's
# (emulated) seconds, next to which the guest's are read.
#   /cgi-bin/dom0-disk?NAME  64 MiB written (fsync'd) to and read from image NAME's file
#   /cgi-bin/dom0-net        32 MiB fetched from dom0's own web server over loopback
#   /big                     the 32 MiB file (made by dom0-net) a guest fetches over its NIC
cat >/run/keel-test/cgi-bin/dom0-disk <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
f=/var/lib/keel/images/$QUERY_STRING
up() { cut -d' ' -f1 /proc/uptime; }
t0=$(up); dd if=/dev/zero of="$f" bs=1M count=64 conv=notrunc,fsync 2>/dev/null; t1=$(up)
echo 3 >/proc/sys/vm/drop_caches
dd if="$f" of=/dev/null bs=1M count=64 2>/dev/null; t2=$(up)
echo "write $t0 $t1 read $t1 $t2"
CGI
cat >/run/keel-test/cgi-bin/dom0-net <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
up() { cut -d' ' -f1 /proc/uptime; }
[ -e /run/keel-test/big ] || dd if=/dev/zero of=/run/keel-test/big bs=1M count=32 2>/dev/null
t0=$(up); wget -q -O /dev/null http://127.0.0.1:7777/big; t1=$(up)
echo "fetch $t0 $t1"
CGI
chmod +x /run/keel-test/cgi-bin/dom0-disk /run/keel-test/cgi-bin/dom0-net
httpd -p 7777 -h /run/keel-test && echo "dom0-guests: restart service on port 7777"
