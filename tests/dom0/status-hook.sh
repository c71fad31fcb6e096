# Test hook (tests/dom0/boot_qemu.py appends it to dom0's image as a second cpio): serves
# init's status file, /proc/modules, a listing of the store and what the keel CLI says
# with no controld over HTTP on port 7777, which QEMU forwards to the host, so the test
# checks dom0 from outside through eth0.
cp /proc/modules /run/keel-dom0/modules
xenstore-ls -f / >/run/keel-dom0/xenstore-ls 2>&1
keel list >/run/keel-dom0/keel-cli 2>&1
echo "exit $?" >>/run/keel-dom0/keel-cli
httpd -p 7777 -h /run/keel-dom0
