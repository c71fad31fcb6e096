# SPDX-License-Identifier: MIT
# dom0.d hook of the guests emulator test (sourced by dom0/init after the daemons): the guest
# whose NIC has MAC 00:16:3e:4b:00:32 always gets 192.168.100.50 from dom0's DHCP, and dom0's
# port 18080 forwards to that address's port 80, which the emulator forwards to the host:
# the test reaches a guest's web server from outside, through both NATs.
echo "static_lease 00:16:3e:4b:00:32 192.168.100.50" >>/etc/keel/dom0/udhcpd.conf
kill "$(cat /run/keel-dom0/udhcpd.pid)" 2>/dev/null
usleep 200000
udhcpd /etc/keel/dom0/udhcpd.conf
if nft add rule ip keel prerouting iifname eth0 tcp dport 18080 dnat to 192.168.100.50:80; then
	echo "dom0-guestnet: port 18080 to 192.168.100.50:80"
else
	echo "dom0-guestnet: forward failed"
fi
